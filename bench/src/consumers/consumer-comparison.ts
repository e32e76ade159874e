/**
 * The long-running consumers side by side: ours (`orders consume --until-empty`, the CLI
 * from its build), bbc's sqs-consumer at its best realistic configuration, and a bare
 * receive → puts → delete loop — each as its own process, from compiled JavaScript, draining a
 * fresh queue of SNS-enveloped orders on the SQS stand-in (behind a delay proxy with per-action
 * round trips) into the DynamoDB stand-in, with the same conditional put per message.
 *
 * Per run the stand-in records every request (action, arrival time) and the consumer process's
 * CPU time when its first receive arrived; the parent knows when it spawned the process, and when
 * the consumer noticed the queue was empty (ours and the bare loop: their exit; sqs-consumer: its
 * first `empty` event after the queue was drained). Rounds rotate the order of the consumers, and
 * ratios are paired per round.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CreateQueueCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createOrderGenerator } from '@orders/simulation';
import { snsEnvelopeBody } from '@orders/testkit';
import { build } from 'esbuild';
import { OUT_DIR, REPO_DIR } from '../paths';
import type { Standins } from '../standins/launch';
import type { QueueStats } from '../standins/fake-sqs';
import { EMPTY_LINE, type HarnessConfig } from './harness-config';

export const CONSUMER_KINDS = ['ours', 'sqs-consumer', 'bare-loop'] as const;
export type ConsumerKind = (typeof CONSUMER_KINDS)[number];

export interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly messages: number;
  readonly pollers: number;
  readonly waitTimeSeconds: number;
  readonly visibilityTimeoutSeconds: number;
  /** The DynamoDB stand-in listener (its delay is the put's round trip). */
  readonly dynamodbUrl: string;
  readonly rounds: number;
  /** Rounds (from the first) in which sqs-consumer and the bare loop run until they notice the empty queue. */
  readonly noticeRounds: number;
}

export interface ConsumerRun {
  readonly kind: ConsumerKind;
  readonly round: number;
  readonly messages: number;
  readonly ok: boolean;
  readonly note?: string;
  /** Spawn → the first ReceiveMessage arriving at the stand-in. */
  readonly startToFirstReceiveMs?: number;
  /** The process's CPU time (user + system) when its first receive arrived. */
  readonly cpuMsBeforeFirstReceive?: number;
  /** Requests (any action, SQS) before the first receive. */
  readonly requestsBeforeFirstReceive?: number;
  /** Messages per second from the first receive to the delete that emptied the queue. */
  readonly messagesPerSecond?: number;
  /** The last delete → the consumer noticed the queue was empty (only when measured this round). */
  readonly noticeEmptyMs?: number;
  /** Requests by action (SQS on this queue, DynamoDB during the run), from spawn to notice (or stop). */
  readonly requests: Readonly<Record<string, number>>;
  /** Whether the run lasted until the consumer noticed the empty queue (its request counts are then complete). */
  readonly complete: boolean;
}

const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'bench', secretAccessKey: 'bench' };
const CONSUMERS_DIR = join(OUT_DIR, 'consumers');
const OURS_CLI = join(REPO_DIR, 'packages', 'cli', 'dist', 'bin.js');
const RUN_LIMIT_MS = 120_000;
const now = (): number => performance.timeOrigin + performance.now();

interface QueueProgress {
  readonly drainedAt: number | undefined;
  readonly remaining: number;
}

/**
 * The reference consumers compiled to CommonJS next to each other, without bundling: like ours
 * (the CLI's tsc output), they load their dependencies from node_modules at start.
 */
export async function buildReferenceConsumers(): Promise<Record<Exclude<ConsumerKind, 'ours'>, string>> {
  mkdirSync(CONSUMERS_DIR, { recursive: true });
  await build({
    entryPoints: ['peer-sqs-consumer.ts', 'bare-loop.ts', 'harness-config.ts', 'reference-harness.ts'].map((file) =>
      join(__dirname, file),
    ),
    outdir: CONSUMERS_DIR,
    bundle: false,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    logLevel: 'silent',
  });
  return {
    'sqs-consumer': join(CONSUMERS_DIR, 'peer-sqs-consumer.js'),
    'bare-loop': join(CONSUMERS_DIR, 'bare-loop.js'),
  };
}

/**
 * Loads each consumer's modules once, unmeasured, so that the first measured start of whichever
 * consumer comes first does not also pay for a cold file cache.
 */
export async function warmUpConsumers(references: Record<Exclude<ConsumerKind, 'ours'>, string>): Promise<void> {
  const runs: string[][] = [[OURS_CLI, 'consume', '--help'], [references['sqs-consumer']], [references['bare-loop']]];
  for (const args of runs) {
    const child = spawn(process.execPath, args, {
      env: { PATH: process.env['PATH'] ?? '', BENCH_WARMUP: '1' },
      stdio: 'ignore',
    });
    await new Promise((resolve) => child.on('exit', resolve));
  }
}

/** Runs every round of a scenario: each consumer once per round, in an order rotated by the round. */
export async function runScenario(
  scenario: Scenario,
  standins: Standins,
  references: Record<Exclude<ConsumerKind, 'ours'>, string>,
  log: (message: string) => void,
): Promise<ConsumerRun[]> {
  const setup = new SQSClient({ endpoint: standins.sqsUrl, region: REGION, credentials: CREDENTIALS });
  const runs: ConsumerRun[] = [];
  let seed = 70_000 + scenario.name.length * 1000;
  try {
    for (let round = 0; round < scenario.rounds; round++) {
      const order = CONSUMER_KINDS.map((_, i) => CONSUMER_KINDS[(i + round) % CONSUMER_KINDS.length] as ConsumerKind);
      for (const kind of order) {
        const queueName = `bench-${scenario.name}-${kind}-${round}-${Date.now()}`;
        const queueUrl = await fillQueue(setup, queueName, scenario, seed++);
        const run = await runOne(kind, { scenario, standins, references, queueName, queueUrl, round });
        runs.push(run);
        log(
          `  ${scenario.name} round ${round + 1}/${scenario.rounds} ${kind}: ${run.ok ? `${run.messagesPerSecond?.toFixed(0)} msg/s` : `failed (${run.note})`}`,
        );
      }
    }
  } finally {
    setup.destroy();
  }
  return runs;
}

async function fillQueue(client: SQSClient, name: string, scenario: Scenario, seed: number): Promise<string> {
  const created = await client.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: {
        VisibilityTimeout: String(scenario.visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: `arn:aws:sqs:${REGION}:000000000000:${name}-dlq`,
          maxReceiveCount: '5',
        }),
      },
    }),
  );
  const queueUrl = created.QueueUrl as string;
  const generator = createOrderGenerator(seed);
  const batches: { Id: string; MessageBody: string }[][] = [];
  for (let sent = 0; sent < scenario.messages; sent += 10) {
    const size = Math.min(10, scenario.messages - sent);
    batches.push(
      Array.from({ length: size }, (_, i) => ({ Id: `m${i}`, MessageBody: snsEnvelopeBody(generator.next()) })),
    );
  }
  for (let i = 0; i < batches.length; i += 20) {
    await Promise.all(
      batches
        .slice(i, i + 20)
        .map((entries) => client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }))),
    );
  }
  return queueUrl;
}

interface RunContext {
  readonly scenario: Scenario;
  readonly standins: Standins;
  readonly references: Record<Exclude<ConsumerKind, 'ours'>, string>;
  readonly queueName: string;
  readonly queueUrl: string;
  readonly round: number;
}

function command(kind: ConsumerKind, context: RunContext): { args: string[]; env: NodeJS.ProcessEnv } {
  const { scenario, standins } = context;
  const sqsEndpoint = standins.sqsProxyUrl as string;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'] ?? '',
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
  };
  if (kind === 'ours') {
    return {
      args: [
        OURS_CLI,
        'consume',
        '--until-empty',
        '--quiet',
        '--json',
        '--pollers',
        String(scenario.pollers),
        '--wait-seconds',
        String(scenario.waitTimeSeconds),
        '--queue',
        context.queueName,
        '--table',
        'Orders',
      ],
      env: { ...env, AWS_ENDPOINT_URL_SQS: sqsEndpoint, AWS_ENDPOINT_URL_DYNAMODB: scenario.dynamodbUrl },
    };
  }
  const config: HarnessConfig = {
    queueUrl: context.queueUrl,
    region: REGION,
    sqsEndpoint,
    dynamodbEndpoint: scenario.dynamodbUrl,
    tableName: 'Orders',
    pollers: scenario.pollers,
    waitTimeSeconds: scenario.waitTimeSeconds,
    visibilityTimeoutSeconds: scenario.visibilityTimeoutSeconds,
    heartbeatIntervalSeconds: Math.max(1, Math.floor(scenario.visibilityTimeoutSeconds / 3)),
  };
  return { args: [context.references[kind], JSON.stringify(config)], env };
}

async function runOne(kind: ConsumerKind, context: RunContext): Promise<ConsumerRun> {
  const { scenario, standins, queueName, round } = context;
  const measureNotice = kind === 'ours' || round < scenario.noticeRounds;
  const dynamodbBefore = await standins.ask<Record<string, number>>({ type: 'dynamodb-operations' });
  const { args, env } = command(kind, context);
  const spawnedAt = now();
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  await standins.ask({ type: 'sqs-watch', queue: queueName, pid: child.pid ?? 0 });
  const output = watchOutput(child);
  let note: string | undefined;
  let noticedAt: number | undefined;
  let progress: QueueProgress | undefined;
  const deadline = spawnedAt + RUN_LIMIT_MS;
  try {
    // Until the queue is drained (or the consumer died, or the run took too long).
    for (;;) {
      progress = await standins.ask<QueueProgress | undefined>({ type: 'sqs-progress', queue: queueName });
      if (progress?.drainedAt !== undefined) break;
      if (output.exitedAt !== undefined) {
        note = `exited before the queue was drained: ${output.stderr.trim().split('\n').pop() ?? ''}`;
        break;
      }
      if (now() > deadline) {
        note = 'the queue was not drained in time';
        break;
      }
      await sleep(25);
    }
    const drainedAt = progress?.drainedAt;
    if (note === undefined && drainedAt !== undefined && measureNotice) {
      noticedAt = await waitForNotice(kind, output, drainedAt, deadline);
      if (noticedAt === undefined) note = 'did not notice the empty queue in time';
    }
  } finally {
    if (output.exitedAt === undefined) child.kill('SIGKILL');
    await output.exited;
  }
  const stats = await standins.ask<QueueStats | undefined>({ type: 'sqs-stats', queue: queueName });
  const dynamodbAfter = await standins.ask<Record<string, number>>({ type: 'dynamodb-operations' });
  const requests: Record<string, number> = {};
  const windowEnd = noticedAt ?? output.exitedAt ?? now();
  for (const request of stats?.requests ?? []) {
    if (request.at < spawnedAt || request.at > windowEnd) continue;
    requests[request.action] = (requests[request.action] ?? 0) + 1;
  }
  for (const [operation, count] of Object.entries(dynamodbAfter)) {
    const delta = count - (dynamodbBefore[operation] ?? 0);
    if (delta > 0) requests[operation] = delta;
  }
  const receives = (stats?.requests ?? []).filter((r) => r.action === 'ReceiveMessage' && r.at >= spawnedAt);
  const firstReceive = receives[0];
  const drainedAt = stats?.drainedAt;
  const ok = note === undefined && drainedAt !== undefined && firstReceive !== undefined;
  return {
    kind,
    round,
    messages: scenario.messages,
    ok,
    ...(note === undefined ? {} : { note }),
    ...(firstReceive === undefined
      ? {}
      : {
          startToFirstReceiveMs: firstReceive.at - spawnedAt,
          requestsBeforeFirstReceive: (stats?.requests ?? []).filter(
            (r) => r.at >= spawnedAt && r.at < firstReceive.at && r.action !== 'ReceiveMessage',
          ).length,
        }),
    ...(stats?.cpuMsAtFirstReceive === undefined ? {} : { cpuMsBeforeFirstReceive: stats.cpuMsAtFirstReceive }),
    ...(ok && drainedAt !== undefined && firstReceive !== undefined
      ? { messagesPerSecond: scenario.messages / ((drainedAt - firstReceive.at) / 1000) }
      : {}),
    ...(noticedAt === undefined || drainedAt === undefined ? {} : { noticeEmptyMs: noticedAt - drainedAt }),
    requests,
    complete: noticedAt !== undefined,
  };
}

interface OutputWatch {
  stdout: string;
  stderr: string;
  exitedAt: number | undefined;
  exitCode: number | null | undefined;
  readonly exited: Promise<void>;
  /** `empty` lines, by the time the process wrote in them. */
  readonly emptyAt: number[];
}

function watchOutput(child: ChildProcess): OutputWatch {
  const watch: OutputWatch = {
    stdout: '',
    stderr: '',
    exitedAt: undefined,
    exitCode: undefined,
    emptyAt: [],
    exited: new Promise<void>((resolve) => {
      child.on('exit', (code) => {
        watch.exitedAt = now();
        watch.exitCode = code;
        resolve();
      });
    }),
  };
  child.stdout?.on('data', (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    watch.stdout = (watch.stdout + text).slice(-20_000);
    for (const line of text.split('\n')) {
      const [word, at] = line.trim().split(' ');
      if (word === EMPTY_LINE && at !== undefined) watch.emptyAt.push(Number(at));
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    watch.stderr = (watch.stderr + chunk.toString('utf8')).slice(-4_000);
  });
  return watch;
}

/** When the consumer noticed the queue was empty: its exit (ours, bare loop), its first `empty` after the drain (sqs-consumer). */
async function waitForNotice(
  kind: ConsumerKind,
  output: OutputWatch,
  drainedAt: number,
  deadline: number,
): Promise<number | undefined> {
  for (;;) {
    if (kind === 'sqs-consumer') {
      const empty = output.emptyAt.find((at) => at >= drainedAt);
      if (empty !== undefined) return empty;
      if (output.exitedAt !== undefined) return undefined;
    } else if (output.exitedAt !== undefined) {
      return output.exitCode === 0 ? output.exitedAt : undefined;
    }
    if (now() > deadline) return undefined;
    await sleep(5);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
