/**
 * `pnpm bench` — ours against the seed-style, Powertools-style and floor reference handlers:
 * cold start, bundle contents, batch latency, per-record CPU and end-to-end throughput; and the
 * long-running consumer (`orders consume`) against sqs-consumer and a bare loop on the SQS and
 * DynamoDB stand-ins.
 * Prints tables, then one JSON line with every figure. `--smoke` runs a tiny version (CI; no
 * figure is asserted anywhere). `--no-build` measures packages/lambda-entry/dist as it is.
 * Method and latest results: docs/benchmarks.md.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, CreateTableCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { readEntryConfig } from '@orders/lambda-entry';
import { buildCpuProbes, buildProbes } from './attribution';
import { consumerJson, consumerTables, measureConsumers, SLOW_PUT_MS, SQS_DELAYS } from './consumers/measure-consumers';
import { buildReferenceBundles, loadOursBundle, topContributors, type BuiltBundle } from './bundles';
import { measureColdStarts, type ColdStartSamples, type ColdStartTarget } from './cold-start';
import { key as ricKey, measureThroughRuntimeClient, type RuntimeClientSamples } from './runtime-client';
import { BatchFactory } from './events';
import type { CpuInput, CpuOutput } from './cpu-worker';
import { BENCH_TABLE, handlerEnvironment } from './environment';
import type { LatencyHandlerSpec } from './import-handler';
import type { LatencyInput, LatencyOutput } from './latency-worker';
import { OUT_DIR } from './paths';
import { kib, ms, ratio, table } from './report/format';
import { startMoto, startStandins, type Moto, type Standins } from './standins/launch';
import { median, pairedRatio, quantile, round, summarize, type RatioSummary } from './stats';
import type { ThroughputInput, ThroughputMode, ThroughputResult } from './throughput-worker';
import { runWorker } from './workers';

const args = new Set(process.argv.slice(2));
const SMOKE = args.has('--smoke');
const REBUILD = !args.has('--no-build');
const SKIP_MOTO = args.has('--no-moto');

/** Sample sizes. Full: ≥ 15 paired runs for every figure that has a target. */
const PLAN = SMOKE
  ? {
      coldRounds: 3,
      firstInvokeRounds: 2,
      probeRounds: 1,
      latencyRounds: { 1: 2, 10: 2, 100: 1 },
      latencyWarmup: 1,
      motoLatencyRounds: 0,
      cpu: { batchesPerRound: 10, rounds: 2, warmupRounds: 1 },
      throughputOrders: 40,
      pollers: 2,
      ricRounds: 1,
      ricWarmInvokes: 2,
    }
  : {
      coldRounds: 21,
      firstInvokeRounds: 15,
      probeRounds: 15,
      latencyRounds: { 1: 25, 10: 21, 100: 15 },
      latencyWarmup: 3,
      motoLatencyRounds: 5,
      cpu: { batchesPerRound: 100, rounds: 15, warmupRounds: 3 },
      throughputOrders: 500,
      pollers: 4,
      ricRounds: 9,
      ricWarmInvokes: 10,
    };

const SIZES = [1, 10, 100] as const;
/** "Ours at its configured concurrency bound": ORDERS_CONCURRENCY's default, read from the product. */
const OURS_CONCURRENCY = readEntryConfig({}).concurrency;
/** Ours is also measured at these bounds (diagnostic, not targets). */
const OURS_SWEEP = [32, 50, 100].filter((bound) => bound !== OURS_CONCURRENCY);
const DELAY_MS = 8;
/** Ours on its in-memory repository, which it only accepts outside Lambda (no AWS_LAMBDA_FUNCTION_NAME). */
const LOCAL_MEMORY_RUN = { ORDERS_REPOSITORY: 'memory', AWS_LAMBDA_FUNCTION_NAME: '' } as const;
const BUNDLE_LIMIT_KB = 400;

const notes: string[] = [];
const log = (message: string): void => {
  process.stderr.write(`[bench] ${message}\n`);
};

interface Target {
  readonly id: string;
  readonly description: string;
  readonly value: number | undefined;
  readonly limit: number;
  readonly holds: boolean | undefined;
}

function target(id: string, description: string, value: number | undefined, limit: number): Target {
  return {
    id,
    description,
    value: value === undefined ? undefined : round(value, 3),
    limit,
    holds: value === undefined ? undefined : value <= limit,
  };
}

const ratioJson = (r: RatioSummary | undefined): object | undefined =>
  r && { median: round(r.median), p25: round(r.p25), p75: round(r.p75), pairs: r.pairs };

function tryRatio(a: number[] | undefined, b: number[] | undefined): RatioSummary | undefined {
  return a && b && a.length === b.length && a.length > 0 ? pairedRatio(a, b) : undefined;
}

async function createTable(endpoint: string): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  try {
    await client.send(
      new CreateTableCommand({
        TableName: BENCH_TABLE,
        KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'orderId', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'ResourceInUseException') throw error;
  } finally {
    client.destroy();
  }
}

async function countItems(endpoint: string): Promise<number> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  try {
    let count = 0;
    let start: Record<string, never> | undefined;
    do {
      const page = await client.send(
        new ScanCommand({ TableName: BENCH_TABLE, Select: 'COUNT', ...(start ? { ExclusiveStartKey: start } : {}) }),
      );
      count += page.Count ?? 0;
      start = page.LastEvaluatedKey as Record<string, never> | undefined;
    } while (start);
    return count;
  } finally {
    client.destroy();
  }
}

/** Can ours' bundle start for real (DynamoDB repository), or only with ORDERS_REPOSITORY=memory? */
function oursStartsWithDynamoDb(file: string, endpoint: string): { ok: boolean; error: string } {
  const result = spawnSync(process.execPath, [file], {
    env: handlerEnvironment({ AWS_ENDPOINT_URL: endpoint }),
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const error =
    result.stderr.split('\n').find((line) => /Error|error/.test(line)) ?? result.stderr.trim().split('\n')[0] ?? '';
  return { ok: result.status === 0, error: error.trim() };
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const machine = {
    cpus: cpus().length,
    nproc: spawnSync('nproc', { encoding: 'utf8' }).stdout.trim(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    loadavgStart: loadavg().map((l) => round(l, 2)),
  };
  log(
    `${SMOKE ? 'smoke' : 'full'} run on ${machine.nproc} cores, node ${machine.node}, load ${machine.loadavgStart.join(' ')}`,
  );
  mkdirSync(OUT_DIR, { recursive: true });

  // ── Bundles ──────────────────────────────────────────────────────────────────────────────
  log(
    REBUILD
      ? 'bundling ours (packages/lambda-entry/scripts/bundle.mjs) and the references'
      : 'bundling the references (ours as built)',
  );
  const ours = loadOursBundle(REBUILD);
  if (ours.buildError)
    notes.push(`ours' bundle script failed (${ours.buildError}); measured the existing dist/index.mjs`);
  const references = await buildReferenceBundles();
  const lambdaBundle = (name: string): BuiltBundle => references.get(`${name}.lambda`) as BuiltBundle;
  const memoryBundle = (name: string): BuiltBundle => references.get(`${name}.memory`) as BuiltBundle;
  const deployed: Record<string, BuiltBundle> = {
    ours,
    'seed-style': lambdaBundle('seed-style'),
    'powertools-style': lambdaBundle('powertools-style'),
    floor: lambdaBundle('floor'),
  };

  let standins: Standins | undefined;
  let moto: Moto | undefined;
  try {
    standins = await startStandins({
      fakeDelaysMs: [DELAY_MS, 0, SLOW_PUT_MS],
      proxies: [],
      sqs: { delays: SQS_DELAYS },
    });
    const [fake8, fake0, fakeSlow] = standins.fakeUrls as [string, string, string];
    await createTable(fake8);

    const dynamo = oursStartsWithDynamoDb(ours.file, fake0);
    const oursRepository = dynamo.ok ? 'dynamodb' : 'memory';
    if (!dynamo.ok) {
      notes.push(
        `ours' bundle does not start with ORDERS_REPOSITORY=dynamodb (${dynamo.error}): its cold start is measured with ORDERS_REPOSITORY=memory (no AWS SDK in the bundle, so NOT comparable), and every DynamoDB-backed figure for ours is missing`,
      );
    }

    // ── Cold start: import ───────────────────────────────────────────────────────────────────
    const emptyModule = join(OUT_DIR, 'empty.mjs');
    writeFileSync(emptyModule, '');
    const coldEnv = handlerEnvironment({
      AWS_ENDPOINT_URL: fake0,
      ...(oursRepository === 'memory' ? LOCAL_MEMORY_RUN : { ORDERS_REPOSITORY: oursRepository }),
    });
    const coldTargets: ColdStartTarget[] = [
      { name: 'node (empty module)', file: emptyModule, env: coldEnv },
      ...Object.entries(deployed).map(([name, bundle]) => ({ name, file: bundle.file, env: coldEnv })),
    ];
    log(`cold start (import): ${PLAN.coldRounds} interleaved rounds × ${coldTargets.length} processes`);
    const coldImport = measureColdStarts(coldTargets, PLAN.coldRounds, 'import');
    const coldNames = coldTargets.map((t) => t.name);
    const coldPair = (runs: ColdStartSamples, pick: 'samples' | 'importMs' | 'invokeMs', a: string, b: string) =>
      tryRatio(runs[pick].get(a), runs[pick].get(b));
    const coldRatio = {
      ours_seed: coldPair(coldImport, 'samples', 'ours', 'seed-style'),
      ours_powertools: coldPair(coldImport, 'samples', 'ours', 'powertools-style'),
      ours_floor: coldPair(coldImport, 'samples', 'ours', 'floor'),
    };
    const importRatio = {
      ours_seed: coldPair(coldImport, 'importMs', 'ours', 'seed-style'),
      ours_powertools: coldPair(coldImport, 'importMs', 'ours', 'powertools-style'),
      ours_floor: coldPair(coldImport, 'importMs', 'ours', 'floor'),
    };
    for (const [name, failures] of coldImport.failures)
      if (failures > 0) notes.push(`cold start: ${name} failed ${failures} of ${PLAN.coldRounds} runs`);

    // ── Cold start: import + first 1-record batch ────────────────────────────────────────────
    let firstInvoke: ColdStartSamples | undefined;
    let firstInvokeRatio: Record<string, RatioSummary | undefined> = {};
    if (dynamo.ok) {
      const targets = Object.entries(deployed).map(([name, bundle]) => ({ name, file: bundle.file, env: coldEnv }));
      log(`cold start (import + first batch): ${PLAN.firstInvokeRounds} rounds`);
      const events = new BatchFactory(9000);
      firstInvoke = measureColdStarts(targets, PLAN.firstInvokeRounds, 'first-invoke', () =>
        JSON.stringify(events.next(1)),
      );
      firstInvokeRatio = {
        ours_seed: coldPair(firstInvoke, 'samples', 'ours', 'seed-style'),
        ours_powertools: coldPair(firstInvoke, 'samples', 'ours', 'powertools-style'),
        ours_floor: coldPair(firstInvoke, 'samples', 'ours', 'floor'),
      };
      for (const [name, failures] of firstInvoke.failures)
        if (failures > 0) notes.push(`first invocation: ${name} failed ${failures} runs`);
    }

    // ── What ours' init is made of ───────────────────────────────────────────────────────────
    log('attribution probes: each dependency of ours bundled alone');
    const probes = await buildProbes();
    for (const skipped of probes.skipped) notes.push(`probe ${skipped.name} skipped: ${skipped.reason}`);
    const probeTargets: ColdStartTarget[] = [
      ...probes.built.map((p) => ({ name: p.name, file: p.file, env: coldEnv })),
      { name: 'ours', file: ours.file, env: coldEnv },
    ];
    const probeRuns = PLAN.probeRounds > 0 ? measureColdStarts(probeTargets, PLAN.probeRounds, 'import') : undefined;
    const attribution = probes.built.concat([{ ...ours, description: "ours' shipped bundle" }]).map((p) => {
      const whole = probeRuns?.samples.get(p.name);
      const imported = probeRuns?.importMs.get(p.name);
      return {
        name: p.name,
        description: p.description,
        bytes: p.bytes,
        wholeProcessMs: whole ? round(median(whole), 1) : undefined,
        importMs: imported ? round(median(imported), 1) : undefined,
        importP25: imported ? round(quantile(imported, 0.25), 1) : undefined,
        importP75: imported ? round(quantile(imported, 0.75), 1) : undefined,
      };
    });

    // keepNames: ours against ours built without it, paired in the probe rounds.
    const noKeepNames = probes.built.find((p) => p.name === 'whatif-no-keep-names');
    const keepNames = {
      bytes: ours.bytes,
      bytesWithout: noKeepNames?.bytes,
      wholeRatio: tryRatio(probeRuns?.samples.get('ours'), probeRuns?.samples.get('whatif-no-keep-names')),
      importRatio: tryRatio(probeRuns?.importMs.get('ours'), probeRuns?.importMs.get('whatif-no-keep-names')),
    };

    // ── Through AWS's runtime interface client, beside the direct import ─────────────────────
    let ric: RuntimeClientSamples | undefined;
    if (dynamo.ok) {
      log(
        `cold start and warm invoke through aws-lambda-ric vs direct import: ${PLAN.ricRounds} rounds × ${Object.keys(deployed).length} handlers × 2 modes`,
      );
      ric = await measureThroughRuntimeClient(
        Object.entries(deployed).map(([name, bundle]) => ({ name, bundle: bundle.file })),
        { rounds: PLAN.ricRounds, warmInvokes: PLAN.ricWarmInvokes, endpoint: fake0 },
      );
      for (const [id, failure] of ric.failures) notes.push(`runtime client: ${id} failed: ${failure}`);
    }
    const ricSamples = (pick: 'coldMs' | 'warmMs' | 'initMs', mode: 'runtime-client' | 'direct', name: string) =>
      ric?.[pick].get(ricKey(mode, name));
    const ricRatio = (pick: 'coldMs' | 'warmMs', a: string, b: string) =>
      tryRatio(ricSamples(pick, 'runtime-client', a), ricSamples(pick, 'runtime-client', b));
    const ricOverDirect = (pick: 'coldMs' | 'warmMs', name: string) =>
      tryRatio(ricSamples(pick, 'runtime-client', name), ricSamples(pick, 'direct', name));
    const ricRatios = {
      cold: {
        ours_seed: ricRatio('coldMs', 'ours', 'seed-style'),
        ours_powertools: ricRatio('coldMs', 'ours', 'powertools-style'),
        ours_floor: ricRatio('coldMs', 'ours', 'floor'),
      },
      warm: {
        ours_seed: ricRatio('warmMs', 'ours', 'seed-style'),
        ours_powertools: ricRatio('warmMs', 'ours', 'powertools-style'),
        ours_floor: ricRatio('warmMs', 'ours', 'floor'),
      },
    };

    // ── Batch latency on the fake DynamoDB + 8 ms ────────────────────────────────────────────
    const latencyEnv = (extra: Record<string, string> = {}): Record<string, string> => ({
      ORDERS_REPOSITORY: 'dynamodb',
      ...extra,
    });
    const latencyHandlers: LatencyHandlerSpec[] = [
      ...(dynamo.ok
        ? [
            { label: 'ours', file: ours.file, env: latencyEnv() },
            ...OURS_SWEEP.map((bound) => ({
              label: `ours@${bound}`,
              file: ours.file,
              env: latencyEnv({ ORDERS_CONCURRENCY: String(bound) }),
            })),
            // Diagnostic, not a target: what the per-record "order message processed" info lines cost.
            { label: 'ours LOG_LEVEL=warn', file: ours.file, env: latencyEnv({ LOG_LEVEL: 'warn' }) },
          ]
        : []),
      { label: 'seed-style', file: lambdaBundle('seed-style').file, env: latencyEnv() },
      { label: 'powertools-style', file: lambdaBundle('powertools-style').file, env: latencyEnv() },
      { label: 'floor', file: lambdaBundle('floor').file, env: latencyEnv() },
      {
        label: `floor@${OURS_CONCURRENCY}`,
        file: lambdaBundle('floor').file,
        env: latencyEnv({ BENCH_FLOOR_CONCURRENCY: String(OURS_CONCURRENCY) }),
      },
    ];
    log(
      `batch latency on the fake DynamoDB + ${DELAY_MS} ms: sizes ${SIZES.join('/')}, ${JSON.stringify(PLAN.latencyRounds)} rounds × ${latencyHandlers.length} handlers`,
    );
    const itemsBefore = await countItems(fake8);
    const latencyInput: LatencyInput = {
      commonEnv: { AWS_ENDPOINT_URL: fake8 },
      handlers: latencyHandlers,
      sizes: [...SIZES],
      rounds: PLAN.latencyRounds,
      warmupRounds: PLAN.latencyWarmup,
    };
    const latency = await runWorker<LatencyInput, LatencyOutput>(
      'latency-worker.ts',
      latencyInput,
      handlerEnvironment(),
    );
    const expectedItems = SIZES.reduce(
      (sum, size) => sum + size * ((PLAN.latencyRounds[size] ?? 0) + PLAN.latencyWarmup) * latencyHandlers.length,
      0,
    );
    const storedItems = (await countItems(fake8)) - itemsBefore;
    if (storedItems !== expectedItems)
      notes.push(
        `latency: the stand-in stored ${storedItems} orders, expected ${expectedItems}: some handler dropped records`,
      );
    for (const [label, failed] of Object.entries(latency.failures)) {
      if (failed > 0)
        notes.push(
          `latency: ${label} reported ${failed} failed records${latency.errors[label] ? ` (${latency.errors[label]})` : ''}`,
        );
    }
    const lat = (label: string, size: number): number[] | undefined => latency.wallMs[label]?.[size];
    const latencyRatios: Record<string, Record<number, RatioSummary | undefined>> = {};
    const pairs: [string, string, string][] = [
      ['ours_seed', 'ours', 'seed-style'],
      ['ours_floor', 'ours', 'floor'],
      [`ours_floor@${OURS_CONCURRENCY}`, 'ours', `floor@${OURS_CONCURRENCY}`],
      ['ours_powertools', 'ours', 'powertools-style'],
      ...OURS_SWEEP.map((bound): [string, string, string] => [`ours@${bound}_floor`, `ours@${bound}`, 'floor']),
      ['ours-warn_floor', 'ours LOG_LEVEL=warn', 'floor'],
    ];
    for (const [key, a, b] of pairs)
      latencyRatios[key] = Object.fromEntries(SIZES.map((size) => [size, tryRatio(lat(a, size), lat(b, size))]));

    // ── Batch latency on moto behind the delay proxy (why the fake: evidence) ────────────────
    let motoLatency: LatencyOutput | undefined;
    if (!SKIP_MOTO && PLAN.motoLatencyRounds > 0) {
      moto = await startMoto();
      const motoStandins = await startStandins({
        fakeDelaysMs: [],
        proxies: [{ upstream: moto.url, delayMs: DELAY_MS }],
      });
      try {
        const proxied = motoStandins.proxyUrls[0] as string;
        await createTable(moto.url);
        const handlers = latencyHandlers.filter((h) => ['ours', 'seed-style', 'floor'].includes(h.label));
        log(
          `batch latency on moto + ${DELAY_MS} ms proxy (evidence for the stand-in choice): ${PLAN.motoLatencyRounds} rounds`,
        );
        motoLatency = await runWorker<LatencyInput, LatencyOutput>(
          'latency-worker.ts',
          {
            commonEnv: { AWS_ENDPOINT_URL: proxied },
            handlers,
            sizes: [10, 100],
            rounds: { 10: PLAN.motoLatencyRounds, 100: PLAN.motoLatencyRounds },
            warmupRounds: 1,
          },
          handlerEnvironment(),
        );
      } finally {
        await motoStandins.stop();
      }
    }

    // ── Per-record CPU, in-memory stores ─────────────────────────────────────────────────────
    const cpuProbes = await buildCpuProbes();
    for (const skipped of cpuProbes.skipped) notes.push(`cpu probe ${skipped.name} skipped: ${skipped.reason}`);
    const cpuHandlers: LatencyHandlerSpec[] = [
      // The handler refuses ORDERS_REPOSITORY=memory inside Lambda (AWS_LAMBDA_FUNCTION_NAME set), so
      // this in-process measurement of the bundle is a local run: the variable is blanked.
      { label: 'ours', file: ours.file, env: { ...LOCAL_MEMORY_RUN, LOG_LEVEL: 'info' } },
      { label: 'seed-style', file: memoryBundle('seed-style').file, env: {} },
      { label: 'powertools-style', file: memoryBundle('powertools-style').file, env: {} },
      { label: 'floor', file: memoryBundle('floor').file, env: {} },
      // Decomposition of ours (not targets): without info lines, without logger/metrics/container, decode alone.
      { label: 'ours LOG_LEVEL=warn', file: ours.file, env: { ...LOCAL_MEMORY_RUN, LOG_LEVEL: 'warn' } },
      ...cpuProbes.built.map((p) => ({ label: p.name, file: p.file, env: {} })),
    ];
    log(`per-record CPU (in-memory): ${PLAN.cpu.rounds} rounds × ${PLAN.cpu.batchesPerRound} batches of 10`);
    const cpu = await runWorker<CpuInput, CpuOutput>(
      'cpu-worker.ts',
      { handlers: cpuHandlers, batchSize: 10, ...PLAN.cpu },
      handlerEnvironment(),
    );
    for (const [label, failed] of Object.entries(cpu.failures))
      if (failed > 0) notes.push(`cpu: ${label} reported ${failed} failed records`);
    const cpuRatios = {
      ours_floor: tryRatio(cpu.usPerRecord['ours'], cpu.usPerRecord['floor']),
      ours_seed: tryRatio(cpu.usPerRecord['ours'], cpu.usPerRecord['seed-style']),
      ours_powertools: tryRatio(cpu.usPerRecord['ours'], cpu.usPerRecord['powertools-style']),
    };
    const sdkCpu = (label: string): number[] | undefined => latency.cpuUsPerRecord[label]?.[10];
    const sdkCpuRatio = tryRatio(sdkCpu('ours'), sdkCpu('floor'));

    // ── Long-running consumers: ours, sqs-consumer, a bare loop ───────────────────
    const consumers = await measureConsumers({
      standins,
      dynamodb: { url: fake8, putMs: DELAY_MS },
      slowDynamodb: fakeSlow,
      smoke: SMOKE,
      rebuild: REBUILD,
      log,
    });
    notes.push(...consumers.notes);

    // ── End-to-end throughput on moto ────────────────────────────────────────────────────────
    let throughput: ThroughputResult[] = [];
    if (!SKIP_MOTO) {
      moto ??= await startMoto();
      await moto.reset();
      const modes: ThroughputMode[] = ['queue-consumer', 'lambda-esm'];
      log(
        `throughput on moto: ${PLAN.throughputOrders} orders per mode (${modes.join(', ')}), ${PLAN.pollers} pollers`,
      );
      throughput = await runWorker<ThroughputInput, ThroughputResult[]>(
        'throughput-worker.ts',
        {
          motoUrl: moto.url,
          orders: PLAN.throughputOrders,
          pollers: PLAN.pollers,
          modes,
          oursBundle: ours.file,
          concurrency: OURS_CONCURRENCY,
        },
        handlerEnvironment(),
      );
    } else {
      notes.push('throughput skipped (--no-moto)');
    }

    // ── Targets ──────────────────────────────────────────────────────────────────────────────
    const comparable = dynamo.ok;
    const targets: Target[] = [
      target(
        'cold_start_vs_seed',
        'cold start ≤ 1.10× seed-style (whole process, median of paired ratios)',
        comparable ? coldRatio.ours_seed?.median : undefined,
        1.1,
      ),
      target(
        'cold_start_vs_powertools',
        'cold start ≤ 0.85× Powertools-style',
        comparable ? coldRatio.ours_powertools?.median : undefined,
        0.85,
      ),
      target(
        'bundle_size',
        `bundle ≤ ${BUNDLE_LIMIT_KB} KB minified (bytes / 1000)`,
        comparable ? ours.bytes / 1000 : undefined,
        BUNDLE_LIMIT_KB,
      ),
      target(
        'batch10_vs_seed',
        'batch-of-10 latency ≤ 0.25× seed-style',
        latencyRatios['ours_seed']?.[10]?.median,
        0.25,
      ),
      target('batch10_vs_floor', 'batch-of-10 latency ≤ 1.10× floor', latencyRatios['ours_floor']?.[10]?.median, 1.1),
      target(
        'batch100_vs_floor',
        `batch-of-100 latency ≤ 1.2× floor (floor all in flight; ours at ORDERS_CONCURRENCY=${OURS_CONCURRENCY})`,
        latencyRatios['ours_floor']?.[100]?.median,
        1.2,
      ),
      target(
        `batch100_vs_floor@${OURS_CONCURRENCY}`,
        `batch-of-100 latency ≤ 1.2× floor held to the same bound (${OURS_CONCURRENCY} in flight)`,
        latencyRatios[`ours_floor@${OURS_CONCURRENCY}`]?.[100]?.median,
        1.2,
      ),
      target('cpu_vs_floor', 'per-record CPU (in-memory) ≤ 1.5× floor', cpuRatios.ours_floor?.median, 1.5),
    ];

    // ── Output ───────────────────────────────────────────────────────────────────────────────
    const out: string[] = [];
    out.push(
      `pnpm bench (${SMOKE ? 'SMOKE: tiny samples, figures meaningless' : 'full'}) — ${machine.nproc} cores, node ${machine.node}, load at start ${machine.loadavgStart.join(' ')}`,
    );
    out.push(
      table(
        'Bundles (esbuild, ESM, minified, keepNames, mainFields module,main, node24)',
        ['bundle', 'size', 'top contributors'],
        Object.entries(deployed).map(([name, bundle]) => [
          name,
          kib(bundle.bytes),
          topContributors(bundle.metafile, 5)
            .map((c) => `${c.name} ${(c.bytes / 1024).toFixed(0)}K`)
            .join(', '),
        ]),
      ),
    );
    const med = (
      runs: ColdStartSamples | undefined,
      pick: 'samples' | 'importMs' | 'invokeMs',
      name: string,
    ): number | undefined => {
      const values = runs?.[pick].get(name);
      return values && values.length > 0 ? median(values) : undefined;
    };
    out.push(
      table(
        `Cold start: a fresh \`node\` imports the bundle, ${PLAN.coldRounds} interleaved rounds${oursRepository === 'memory' ? ' (ours with ORDERS_REPOSITORY=memory!)' : ''}`,
        ['process', 'whole ms', 'p25', 'p75', 'import ms', 'import + 1st batch: whole ms', '1st batch ms'],
        coldNames.map((name) => {
          const s = coldImport.samples.get(name);
          const summary = s ? summarize(s) : undefined;
          return [
            name,
            ms(summary?.median),
            ms(summary?.p25),
            ms(summary?.p75),
            ms(med(coldImport, 'importMs', name)),
            ms(med(firstInvoke, 'samples', name)),
            ms(med(firstInvoke, 'invokeMs', name)),
          ];
        }),
      ),
    );
    out.push(
      table(
        'Cold start ratios (median of per-round ratios [p25–p75])',
        ['pair', 'whole process', 'import (in-process)', 'import + 1st batch'],
        [
          [
            'ours / seed-style',
            fmtRatio(coldRatio.ours_seed),
            fmtRatio(importRatio.ours_seed),
            fmtRatio(firstInvokeRatio['ours_seed']),
          ],
          [
            'ours / powertools-style',
            fmtRatio(coldRatio.ours_powertools),
            fmtRatio(importRatio.ours_powertools),
            fmtRatio(firstInvokeRatio['ours_powertools']),
          ],
          [
            'ours / floor',
            fmtRatio(coldRatio.ours_floor),
            fmtRatio(importRatio.ours_floor),
            fmtRatio(firstInvokeRatio['ours_floor']),
          ],
        ],
      ),
    );
    out.push(
      table(
        `What ours' init is made of (each bundled alone like ours, ${PLAN.probeRounds} rounds; import = in-process, node start-up excluded)`,
        ['probe', 'size', 'whole ms', 'import ms', 'p25–p75', 'what'],
        attribution.map((p) => [
          p.name,
          kib(p.bytes),
          ms(p.wholeProcessMs),
          ms(p.importMs),
          p.importP25 === undefined ? '—' : `${ms(p.importP25)}–${ms(p.importP75)}`,
          p.description,
        ]),
      ),
    );
    out.push(
      table(
        `keepNames (class names survive minification, so the runtime reports errorType MalformedEventError, not "co"): ${PLAN.probeRounds} paired rounds`,
        ['figure', 'ours (keepNames)', 'without', 'ours / without'],
        [
          [
            'bundle size',
            kib(keepNames.bytes),
            keepNames.bytesWithout === undefined ? '—' : kib(keepNames.bytesWithout),
            keepNames.bytesWithout === undefined ? '—' : ratio(keepNames.bytes / keepNames.bytesWithout),
          ],
          ['cold start, whole process', '', '', fmtRatio(keepNames.wholeRatio)],
          ['cold start, import (in-process)', '', '', fmtRatio(keepNames.importRatio)],
        ],
      ),
    );
    if (ric) {
      const r = ric;
      const names = Object.keys(deployed);
      const med = (values: number[] | undefined): number | undefined =>
        values && values.length > 0 && values.every(Number.isFinite) ? median(values) : undefined;
      out.push(
        table(
          `Through aws-lambda-ric (Lambda's runtime client, Runtime API, JSON logs) vs a direct import: ${PLAN.ricRounds} rounds; cold = spawn → 1st response (1 record), warm = batch of 10 (median of ${PLAN.ricWarmInvokes}), fake DynamoDB 0 ms`,
          [
            'handler',
            'direct cold',
            'ric cold',
            'ric init',
            'direct warm',
            'ric warm',
            'ric / direct cold',
            'ric / direct warm',
          ],
          names.map((name) => [
            name,
            ms(med(r.coldMs.get(ricKey('direct', name)))),
            ms(med(r.coldMs.get(ricKey('runtime-client', name)))),
            ms(med(r.initMs.get(ricKey('runtime-client', name)))),
            ms(med(r.warmMs.get(ricKey('direct', name)))),
            ms(med(r.warmMs.get(ricKey('runtime-client', name)))),
            fmtRatio(ricOverDirect('coldMs', name)),
            fmtRatio(ricOverDirect('warmMs', name)),
          ]),
        ),
      );
      out.push(
        table(
          'Through aws-lambda-ric: ratios (median of per-round ratios [p25–p75])',
          ['pair', 'cold start', 'warm batch of 10'],
          [
            ['ours / seed-style', fmtRatio(ricRatios.cold.ours_seed), fmtRatio(ricRatios.warm.ours_seed)],
            [
              'ours / powertools-style',
              fmtRatio(ricRatios.cold.ours_powertools),
              fmtRatio(ricRatios.warm.ours_powertools),
            ],
            ['ours / floor', fmtRatio(ricRatios.cold.ours_floor), fmtRatio(ricRatios.warm.ours_floor)],
          ],
        ),
      );
    }
    out.push(
      table(
        `Batch latency, fake DynamoDB + ${DELAY_MS} ms per response (median ms over paired rounds)`,
        ['handler', ...SIZES.map((s) => `batch ${s}`)],
        latencyHandlers.map((h) => [h.label, ...SIZES.map((s) => ms(median(lat(h.label, s) ?? [NaN])))]),
      ),
    );
    out.push(
      table(
        'Batch latency ratios (median of per-round ratios [p25–p75])',
        ['pair', ...SIZES.map((s) => `batch ${s}`)],
        pairs.map(([key, a, b]) => [`${a} / ${b}`, ...SIZES.map((s) => fmtRatio(latencyRatios[key]?.[s]))]),
      ),
    );
    if (motoLatency) {
      const m = motoLatency;
      out.push(
        table(
          `Batch latency on moto behind the ${DELAY_MS} ms proxy (evidence only: moto's CPU-bound server, not concurrency, sets these)`,
          ['handler', 'batch 10', 'batch 100'],
          Object.keys(m.wallMs).map((label) => [
            label,
            ms(median(m.wallMs[label]?.[10] ?? [NaN])),
            ms(median(m.wallMs[label]?.[100] ?? [NaN])),
          ]),
        ),
      );
    }
    out.push(
      table(
        `Per-record CPU, in-memory stores (µs/record, ${PLAN.cpu.batchesPerRound} batches of 10 per round, ${PLAN.cpu.rounds} rounds)`,
        ['handler', 'median µs', 'p25', 'p75', 'ours / this'],
        cpuHandlers.map((h) => {
          const s = summarize(cpu.usPerRecord[h.label] ?? [NaN]);
          return [
            h.label,
            ms(s.median),
            ms(s.p25),
            ms(s.p75),
            h.label === 'ours' ? '' : fmtRatio(tryRatio(cpu.usPerRecord['ours'], cpu.usPerRecord[h.label])),
          ];
        }),
      ),
    );
    out.push(
      table(
        'Per-record CPU with the real SDK client (the latency run at batch 10: process CPU / records; fake DynamoDB in another process)',
        ['handler', 'median µs', 'ours / this'],
        latencyHandlers.map((h) => [
          h.label,
          ms(median(sdkCpu(h.label) ?? [NaN])),
          h.label === 'ours' ? '' : fmtRatio(tryRatio(sdkCpu('ours'), sdkCpu(h.label))),
        ]),
      ),
    );
    out.push(
      table(
        'End-to-end throughput on moto (SQS + DynamoDB both moto; absolute and moto-bound: its ReceiveMessage cost grows with queue depth)',
        ['mode', 'orders', 'seconds', 'orders/s', 'stored', 'note'],
        throughput.map((t) => [
          t.mode,
          t.orders ?? '—',
          t.seconds === undefined ? '—' : t.seconds.toFixed(1),
          t.ordersPerSecond === undefined ? '—' : t.ordersPerSecond.toFixed(0),
          t.stored ?? '—',
          t.note,
        ]),
      ),
    );
    out.push(
      table(
        'Targets: the Lambda handler',
        ['target', 'value', 'limit', 'holds'],
        targets.map((t) => [
          t.description,
          t.value === undefined ? '—' : String(t.value),
          String(t.limit),
          t.holds === undefined ? 'n/a' : t.holds ? 'yes' : 'NO',
        ]),
      ),
    );
    out.push(...consumerTables(consumers));
    const loadavgEnd = loadavg().map((l) => round(l, 2));
    out.push(`\nload average at end: ${loadavgEnd.join(' ')}`);
    if (notes.length > 0) out.push(`\nNotes:\n${notes.map((n) => `- ${n}`).join('\n')}`);

    const json = {
      bench: 'orders',
      version: 1,
      mode: SMOKE ? 'smoke' : 'full',
      startedAt: startedAt.toISOString(),
      seconds: round((Date.now() - startedAt.getTime()) / 1000, 1),
      machine: { ...machine, loadavgEnd },
      oursRepository,
      bundles: Object.fromEntries(
        Object.entries(deployed).map(([name, b]) => [
          name,
          { bytes: b.bytes, top: topContributors(b.metafile, 8).map((c) => ({ name: c.name, bytes: c.bytes })) },
        ]),
      ),
      coldStart: {
        rounds: PLAN.coldRounds,
        wholeProcessMs: Object.fromEntries(coldNames.map((n) => [n, round(med(coldImport, 'samples', n) ?? NaN, 1)])),
        importMs: Object.fromEntries(coldNames.map((n) => [n, round(med(coldImport, 'importMs', n) ?? NaN, 1)])),
        ratios: mapValues(coldRatio, ratioJson),
        importRatios: mapValues(importRatio, ratioJson),
        firstInvokeWholeProcessMs: firstInvoke
          ? Object.fromEntries(coldNames.slice(1).map((n) => [n, round(med(firstInvoke, 'samples', n) ?? NaN, 1)]))
          : undefined,
        firstInvokeBatchMs: firstInvoke
          ? Object.fromEntries(coldNames.slice(1).map((n) => [n, round(med(firstInvoke, 'invokeMs', n) ?? NaN, 1)]))
          : undefined,
        firstInvokeRatios: mapValues(firstInvokeRatio, ratioJson),
      },
      attribution,
      keepNames: {
        bytes: keepNames.bytes,
        bytesWithout: keepNames.bytesWithout,
        wholeProcessRatio: ratioJson(keepNames.wholeRatio),
        importRatio: ratioJson(keepNames.importRatio),
      },
      runtimeClient: ric
        ? {
            rounds: PLAN.ricRounds,
            warmInvokes: PLAN.ricWarmInvokes,
            medianMs: Object.fromEntries(
              Object.keys(deployed).map((name) => [
                name,
                Object.fromEntries(
                  (['direct', 'runtime-client'] as const).flatMap((mode) => [
                    [`${mode}Cold`, round(median(ricSamples('coldMs', mode, name) ?? [NaN]), 1)],
                    [`${mode}Warm`, round(median(ricSamples('warmMs', mode, name) ?? [NaN]), 2)],
                  ]),
                ),
              ]),
            ),
            initMs: Object.fromEntries(
              Object.keys(deployed).map((name) => [
                name,
                round(median(ricSamples('initMs', 'runtime-client', name) ?? [NaN]), 1),
              ]),
            ),
            ratios: { cold: mapValues(ricRatios.cold, ratioJson), warm: mapValues(ricRatios.warm, ratioJson) },
            overDirect: Object.fromEntries(
              Object.keys(deployed).map((name) => [
                name,
                { cold: ratioJson(ricOverDirect('coldMs', name)), warm: ratioJson(ricOverDirect('warmMs', name)) },
              ]),
            ),
          }
        : undefined,
      latency: {
        standin: `fake DynamoDB (AWS JSON 1.0, in memory, own process) + ${DELAY_MS} ms per response`,
        rounds: PLAN.latencyRounds,
        medianMs: Object.fromEntries(
          latencyHandlers.map((h) => [
            h.label,
            Object.fromEntries(SIZES.map((s) => [s, round(median(lat(h.label, s) ?? [NaN]), 2)])),
          ]),
        ),
        ratios: Object.fromEntries(Object.entries(latencyRatios).map(([k, v]) => [k, mapValues(v, ratioJson)])),
        sdkCpuUsPerRecordAt10: Object.fromEntries(
          latencyHandlers.map((h) => [h.label, round(median(sdkCpu(h.label) ?? [NaN]), 1)]),
        ),
        sdkCpuRatioOursFloorAt10: ratioJson(sdkCpuRatio),
      },
      latencyMoto: motoLatency
        ? { medianMs: mapValues(motoLatency.wallMs, (bySize) => mapValues(bySize, (v) => round(median(v), 1))) }
        : undefined,
      cpu: {
        usPerRecord: mapValues(cpu.usPerRecord, (v) => round(median(v), 2)),
        ratios: mapValues(cpuRatios, ratioJson),
      },
      throughput,
      consumers: consumerJson(consumers),
      targets,
      notes,
    };
    writeFileSync(join(OUT_DIR, `last-${SMOKE ? 'smoke' : 'full'}.json`), JSON.stringify(json, null, 2));
    writeFileSync(join(OUT_DIR, `last-${SMOKE ? 'smoke' : 'full'}.txt`), `${out.join('\n')}\n`);
    process.stdout.write(`${out.join('\n')}\n\n`);
    process.stdout.write(`${JSON.stringify(json)}\n`);
  } finally {
    await standins?.stop();
    await moto?.stop();
  }
}

function fmtRatio(r: RatioSummary | undefined): string {
  return r ? `${ratio(r.median)} [${r.p25.toFixed(2)}–${r.p75.toFixed(2)}]` : '—';
}

function mapValues<V, W>(record: Readonly<Record<string | number, V>>, map: (value: V) => W): Record<string, W> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value as V)]));
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
