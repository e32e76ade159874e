import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LocalLambda, type FunctionDefinition } from '@orders/lambda-local';
import { BatchFactory } from './events';
import { BENCH_TABLE, handlerEnvironment } from './environment';
import { median } from './stats';
import { OUT_DIR } from './paths';

/**
 * Cold start and warm invoke as Lambda runs a bundle — AWS's runtime interface client in its own
 * process, behind the Runtime API (@orders/lambda-local) — beside the same bundle imported directly
 * by a bare `node`. Both are timed by this process, from spawn to the first response:
 * - `cold`: a 1-record batch as the first event (spawn, runtime start, import, first invocation);
 * - `warm`: then batches of 10, one after another (median per round); for the runtime client this
 *   includes the Runtime API round trip and its (de)serialization, i.e. what Lambda's Duration covers.
 * Every target answers against the fake DynamoDB with no added delay.
 */
export interface RuntimeClientTarget {
  readonly name: string;
  readonly bundle: string;
}

export type Mode = 'runtime-client' | 'direct';

export interface RuntimeClientSamples {
  /** `${mode}:${name}` → per-round samples (run i of every target and mode in the same round). */
  readonly coldMs: Map<string, number[]>;
  readonly warmMs: Map<string, number[]>;
  /** The runtime client's Init Duration (spawn → first `next`), per round. */
  readonly initMs: Map<string, number[]>;
  readonly failures: Map<string, string>;
}

export const key = (mode: Mode, name: string): string => `${mode}:${name}`;

export async function measureThroughRuntimeClient(
  targets: readonly RuntimeClientTarget[],
  options: { rounds: number; warmInvokes: number; endpoint: string },
): Promise<RuntimeClientSamples> {
  const codeDirs = new Map(targets.map((t) => [t.name, codeDirectoryFor(t)]));
  const samples: RuntimeClientSamples = {
    coldMs: new Map(),
    warmMs: new Map(),
    initMs: new Map(),
    failures: new Map(),
  };
  const push = (map: Map<string, number[]>, k: string, value: number): void => {
    map.set(k, [...(map.get(k) ?? []), value]);
  };
  const factories = new Map<string, BatchFactory>();
  const events = (k: string): BatchFactory => {
    let factory = factories.get(k);
    if (!factory) {
      factory = new BatchFactory(20_000 + factories.size * 1000);
      factories.set(k, factory);
    }
    return factory;
  };
  const plan = targets.flatMap((t) => (['runtime-client', 'direct'] as const).map((mode) => ({ target: t, mode })));
  for (let round = 0; round < options.rounds; round++) {
    for (let k = 0; k < plan.length; k++) {
      const { target, mode } = plan[(round + k) % plan.length] as (typeof plan)[number];
      const id = key(mode, target.name);
      const batches = [events(id).next(1), ...Array.from({ length: options.warmInvokes }, () => events(id).next(10))];
      try {
        const run =
          mode === 'runtime-client'
            ? await throughRuntimeClient(codeDirs.get(target.name) as string, batches, options.endpoint)
            : await direct(target.bundle, batches, options.endpoint, `${id}-${round}`);
        push(samples.coldMs, id, run.coldMs);
        push(samples.warmMs, id, median(run.warmMs));
        if (run.initMs !== undefined) push(samples.initMs, id, run.initMs);
      } catch (error) {
        // No sample: the pairs of this target no longer line up, so its ratios are left out (and noted).
        if (!samples.failures.has(id)) samples.failures.set(id, error instanceof Error ? error.message : String(error));
      }
    }
  }
  return samples;
}

interface Run {
  readonly coldMs: number;
  readonly warmMs: number[];
  readonly initMs?: number;
}

/** The bundle as a Lambda code asset: a directory with index.mjs. */
function codeDirectoryFor(target: RuntimeClientTarget): string {
  const directory = join(OUT_DIR, 'runtime-client', target.name);
  mkdirSync(directory, { recursive: true });
  copyFileSync(target.bundle, join(directory, 'index.mjs'));
  return directory;
}

async function throughRuntimeClient(
  codeDirectory: string,
  batches: readonly unknown[],
  endpoint: string,
): Promise<Run> {
  const fn: FunctionDefinition = {
    logicalId: 'Bench',
    functionName: 'OrderProcessor',
    handler: 'index.handler',
    runtime: `nodejs${process.versions.node.split('.')[0]}.x`,
    memorySizeMb: 512,
    timeoutSeconds: 30,
    architecture: 'x86_64',
    environment: { ORDERS_TABLE_NAME: BENCH_TABLE, ORDERS_REPOSITORY: 'dynamodb' },
    logFormat: 'JSON',
    logGroupName: '/aws/lambda/OrderProcessor',
    codeDirectory,
  };
  const lambda = new LocalLambda({
    fn,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    extraEnvironment: { AWS_ENDPOINT_URL: endpoint },
    onLogLine: () => undefined,
  });
  try {
    const started = performance.now();
    const first = await lambda.invoke(batches[0]);
    const coldMs = performance.now() - started;
    assertAllStored(first.status === 'success' ? first.payload : first.error);
    const warmMs: number[] = [];
    for (const batch of batches.slice(1)) {
      const result = await lambda.invoke(batch);
      assertAllStored(result.status === 'success' ? result.payload : result.error);
      warmMs.push(result.durationMs);
    }
    return { coldMs, warmMs, ...(first.initDurationMs === undefined ? {} : { initMs: first.initDurationMs }) };
  } finally {
    await lambda.close();
  }
}

/** A bare node imports the bundle and invokes it in-process; it reports each warm batch's time. */
function direct(bundle: string, batches: readonly unknown[], endpoint: string, label: string): Promise<Run> {
  const eventsFile = join(OUT_DIR, 'runtime-client', `${label}.json`);
  writeFileSync(eventsFile, JSON.stringify(batches));
  const runner = join(OUT_DIR, 'runtime-client', 'direct-runner.mjs');
  writeFileSync(runner, DIRECT_RUNNER);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let coldMs: number | undefined;
    let output = '';
    const child = spawn(process.execPath, [runner, pathToFileURL(bundle).href, eventsFile], {
      env: handlerEnvironment({ AWS_ENDPOINT_URL: endpoint }),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      output += chunk;
      if (coldMs === undefined && output.includes('BENCH_FIRST')) coldMs = performance.now() - started;
    });
    child.once('exit', (code) => {
      const warm = /BENCH_WARM (.*)/.exec(output)?.[1];
      if (code !== 0 || coldMs === undefined || warm === undefined) {
        reject(new Error(`direct run exited ${code}: ${output.trim().split('\n').slice(-3).join(' | ')}`));
        return;
      }
      resolve({ coldMs, warmMs: JSON.parse(warm) as number[] });
    });
  });
}

const DIRECT_RUNNER = `// Generated by bench/src/runtime-client.ts.
import { readFileSync } from 'node:fs';
const batches = JSON.parse(readFileSync(process.argv[3], 'utf8'));
const { handler } = await import(process.argv[2]);
const context = { awsRequestId: 'direct', functionName: 'OrderProcessor', functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:OrderProcessor', memoryLimitInMB: '512',
  logGroupName: '/aws/lambda/OrderProcessor', logStreamName: 'bench', callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 30000, done() {}, fail() {}, succeed() {} };
const check = (response) => { if (response && response.batchItemFailures && response.batchItemFailures.length > 0) process.exit(3); };
check(await handler(batches[0], context));
process.stderr.write('BENCH_FIRST\\n');
const warm = [];
for (const batch of batches.slice(1)) {
  const started = performance.now();
  check(await handler(batch, context));
  warm.push(performance.now() - started);
}
process.stderr.write('BENCH_WARM ' + JSON.stringify(warm) + '\\n');
process.exit(0);
`;

function assertAllStored(response: unknown): void {
  const failures = (response as { batchItemFailures?: unknown[] } | undefined)?.batchItemFailures;
  if (response !== undefined && response !== null && (failures === undefined || failures.length > 0)) {
    throw new Error(`the handler did not store every record: ${JSON.stringify(response).slice(0, 300)}`);
  }
}
