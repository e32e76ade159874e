/**
 * A whole run's results, made up but shaped exactly as the stages return them, so the report can
 * be checked without running anything. Ours is 0.8× seed-style and 0.4× Powertools-style at cold
 * start, 1.2× the floor at batch 10 and 1.5× the floor per record on in-memory stores.
 */
import type { Metafile } from 'esbuild';
import type { ColdStartSamples } from '../../src/cold-start';
import {
  type ConsumerRun,
  oursConfig,
  type Scenario,
  sqsConsumerConfig,
} from '../../src/consumers/consumer-comparison';
import { summarizeScenario } from '../../src/consumers/consumer-report';
import type { LatencyOutput } from '../../src/latency-worker';
import { OURS_CONCURRENCY, planFromArguments } from '../../src/plan';
import { oursOverReferences, pairedRatioOf } from '../../src/ratios';
import type { BenchResults } from '../../src/report/results';
import { key, type RuntimeClientSamples } from '../../src/runtime-client';
import type { BuiltBundle } from '../../src/bundles';
import type { HandlerBundles, HandlerName } from '../../src/stages/build-bundles';
import { EMPTY_MODULE_NAME } from '../../src/stages/measure-cold-start';
import type { LatencyPair } from '../../src/stages/measure-latency';
import type { RuntimeClientFigures } from '../../src/stages/measure-runtime-client';
import type { ScaleOutResult } from '../../src/stages/measure-scale-out';
import type { SimulationResult } from '../../src/stages/measure-simulation';
import { TRACING_OFF, TRACING_ON, type TracingResult } from '../../src/stages/measure-tracing';
import { type ScaleOutRun, summarizeScaleOut } from '../../src/scale-out/scale-out-summary';
import { summarizeSimulation, type SimulationRun } from '../../src/simulation/simulation-summary';

const HANDLERS: readonly HandlerName[] = ['ours', 'seed-style', 'powertools-style', 'floor'];

function bundle(name: string, bytes: number): BuiltBundle {
  const metafile: Metafile = {
    inputs: {},
    outputs: {
      [`${name}.mjs`]: {
        bytes,
        inputs: { 'node_modules/@smithy/core/dist/index.js': { bytesInOutput: bytes / 2 } },
        imports: [],
        exports: ['handler'],
      },
    },
  };
  return { name, file: `/bundles/${name}.mjs`, bytes, metafile };
}

function handlerBundles(): HandlerBundles {
  const ours = bundle('ours', 350_000);
  return {
    ours,
    deployed: {
      ours,
      'seed-style': bundle('seed-style', 360_000),
      'powertools-style': bundle('powertools-style', 860_000),
      floor: bundle('floor', 347_000),
    },
    inMemory: {
      'seed-style': bundle('seed-style.memory', 100_000),
      'powertools-style': bundle('powertools-style.memory', 600_000),
      floor: bundle('floor.memory', 90_000),
    },
    notes: ['bundles note'],
  };
}

/** Two rounds of each figure, per name. */
function coldStartSamples(wholeMs: Readonly<Record<string, number>>): ColdStartSamples {
  const names = Object.keys(wholeMs);
  const twice = (ms: number): number[] => [ms, ms];
  return {
    samples: new Map(names.map((name) => [name, twice(wholeMs[name] as number)])),
    importMs: new Map(names.map((name) => [name, twice((wholeMs[name] as number) - 30)])),
    invokeMs: new Map(names.map((name) => [name, twice(20)])),
    failures: new Map(names.map((name) => [name, 0])),
  };
}

const COLD_MS = { ours: 80, 'seed-style': 100, 'powertools-style': 200, floor: 90 };

function runtimeClientSamples(): RuntimeClientSamples {
  const entries = (ms: number): [string, number[]][] =>
    HANDLERS.flatMap((name): [string, number[]][] => [
      [key('direct', name), [ms, ms]],
      [key('runtime-client', name), [ms * 1.5, ms * 1.5]],
    ]);
  return {
    coldMs: new Map(entries(120)),
    warmMs: new Map(entries(20)),
    initMs: new Map(HANDLERS.map((name) => [key('runtime-client', name), [150, 150]])),
    failures: new Map(),
  };
}

function latencyOutput(): LatencyOutput {
  const bySize = (ms: number) => ({ 1: [ms, ms], 10: [ms * 1.5, ms * 1.5], 100: [ms * 5, ms * 5] });
  const wallMs = {
    ours: bySize(12),
    'seed-style': bySize(60),
    floor: bySize(10),
    [`floor@${OURS_CONCURRENCY}`]: bySize(10),
  };
  return {
    wallMs,
    cpuUsPerRecord: Object.fromEntries(Object.keys(wallMs).map((label) => [label, { 10: [900, 900] }])),
    failures: Object.fromEntries(Object.keys(wallMs).map((label) => [label, 0])),
    errors: {},
  };
}

const CONSUMER_CONFIGS = [oursConfig(2), sqsConsumerConfig(6)];

function consumerRuns(): ConsumerRun[] {
  return CONSUMER_CONFIGS.map(({ id, kind }) => ({
    config: id,
    kind,
    round: 0,
    messages: 200,
    ok: true,
    startToFirstReceiveMs: 130,
    messagesPerSecond: kind === 'ours' ? 800 : 400,
    noticeEmptyMs: 900,
    requests: { ReceiveMessage: 22, PutItem: 200, DeleteMessageBatch: 20 },
    complete: true,
  }));
}

const scenario = (name: string, description: string): Scenario => ({
  name,
  description,
  messages: 200,
  waitTimeSeconds: 1,
  visibilityTimeoutSeconds: 30,
  dynamodbUrl: 'http://127.0.0.1:1',
  rounds: 1,
  configs: CONSUMER_CONFIGS,
  noticeRounds: 1,
  noticeConfigs: ['sqs-consumer×6'],
});

const CLEAN = { lost: 0, wrongState: 0, deadLettered: { poison: 2, other: 0 }, leftOnQueue: 0, violations: [] };

/** Two rounds of 1 and 2 processes: 2 processes 1.5× (round 1) and 1.7× (round 2) as fast as 1. */
export function fabricatedScaleOut(runs?: readonly ScaleOutRun[]): ScaleOutResult {
  const run = (processes: number, round: number, messagesPerSecond: number): ScaleOutRun => ({
    processes,
    round,
    messages: 300,
    orders: 100,
    ok: true,
    messagesPerSecond,
    cpuUsPerMessage: processes === 1 ? 1000 : 1200,
    standinCores: 0.3,
    machineBusy: processes === 1 ? 0.6 : 0.95,
    contendedOrders: processes === 1 ? 0 : 40,
    receivedShares: processes === 1 ? [1] : [0.55, 0.45],
    verdict: CLEAN,
  });
  const all = runs ?? [run(1, 0, 400), run(2, 0, 600), run(1, 1, 500), run(2, 1, 850)];
  return {
    scenario: {
      processCounts: [1, 2],
      pollersPerProcess: 2,
      orders: 100,
      messagesPerRound: [300, 300],
      rounds: 2,
      waitTimeSeconds: 1,
      maxReceiveCount: 3,
      description: 'the scale-out stand-ins',
      cores: 2,
      workload: { orders: 100, validMessages: 298, poisonMessages: 2, duplicates: 40, ties: 10, reorderedOrders: 60 },
    },
    runs: all,
    rows: summarizeScaleOut([1, 2], all),
    notes: ['scale-out note'],
  };
}

export function fabricatedSimulation(runs?: readonly SimulationRun[]): SimulationResult {
  const all = runs ?? [
    {
      round: 0,
      ok: true,
      verdictOk: true,
      violations: [],
      published: 1000,
      simulatedSeconds: 10,
      simulatedEvents: 1500,
      wallSeconds: 0.5,
      processCpuMs: 900,
      emptyRunCpuMs: 400,
    },
  ];
  return {
    scenario: { rate: 100, durationSeconds: 10, rounds: 1, seed: 1, command: 'orders simulate --rate 100' },
    runs: all,
    figures: summarizeSimulation(all),
    notes: ['simulation note'],
  };
}

/** A smoke run's results; `comparable: false` is a run in which ours could not start on DynamoDB. */
export function fabricatedResults(options: { comparable?: boolean; motoLatency?: boolean } = {}): BenchResults {
  const comparable = options.comparable ?? true;
  const plan = planFromArguments(['--smoke']);
  const bundles = handlerBundles();
  const importRuns = coldStartSamples({ [EMPTY_MODULE_NAME]: 40, ...COLD_MS });
  const firstInvokeRuns = coldStartSamples(COLD_MS);
  const latency = latencyOutput();
  const pairs: LatencyPair[] = [
    { key: 'ours_seed', numerator: 'ours', denominator: 'seed-style' },
    { key: 'ours_floor', numerator: 'ours', denominator: 'floor' },
    { key: `ours_floor@${OURS_CONCURRENCY}`, numerator: 'ours', denominator: `floor@${OURS_CONCURRENCY}` },
  ];
  const latencyRatio = (a: string, b: string) =>
    Object.fromEntries(
      [1, 10, 100].map((size) => [size, pairedRatioOf(latency.wallMs[a]?.[size], latency.wallMs[b]?.[size])]),
    );
  const cpuUsPerRecord = { ours: [30, 30], 'seed-style': [40, 40], 'powertools-style': [60, 60], floor: [20, 20] };
  const ric = runtimeClientSamples();
  const consumers = {
    drain: summarizeScenario(scenario('drain', 'the drain stand-in'), consumerRuns()),
    heartbeats: summarizeScenario(scenario('heartbeats', 'the heartbeat stand-in'), consumerRuns()),
    targets: [],
    profiles: [],
    notes: ['consumers note'],
  };
  return {
    plan,
    startedAt: new Date('2025-01-01T00:00:00.000Z'),
    machine: { cpus: 2, nproc: '2', cpuModel: 'test', node: 'v24.0.0', platform: 'linux-x64', loadavgStart: [1, 1, 1] },
    bundles,
    oursRepository: comparable
      ? { repository: 'dynamodb', comparable: true, notes: [] }
      : { repository: 'memory', comparable: false, notes: ['repository note'] },
    coldStart: {
      names: [EMPTY_MODULE_NAME, ...HANDLERS],
      importRuns,
      wholeProcessRatios: oursOverReferences((name) => importRuns.samples.get(name)),
      importRatios: oursOverReferences((name) => importRuns.importMs.get(name)),
      firstInvoke: comparable
        ? { runs: firstInvokeRuns, ratios: oursOverReferences((name) => firstInvokeRuns.samples.get(name)) }
        : undefined,
      notes: ['cold start note'],
    },
    attribution: {
      rows: [
        {
          name: 'probe-core',
          description: 'core',
          bytes: 13_000,
          wholeProcessMs: 38.6,
          importMs: 3.1,
          importP25: 3,
          importP75: 3.2,
        },
        {
          name: 'ours',
          description: "ours' shipped bundle",
          bytes: 350_000,
          wholeProcessMs: 80,
          importMs: 50,
          importP25: 49,
          importP75: 51,
        },
      ],
      keepNames: { bytes: 350_000, bytesWithout: 330_000, wholeRatio: undefined, importRatio: undefined },
      notes: ['attribution note'],
    },
    runtimeClient: comparable
      ? {
          measured: {
            samples: ric,
            ratios: {
              cold: oursOverReferences((name) => ric.coldMs.get(key('runtime-client', name))),
              warm: oursOverReferences((name) => ric.warmMs.get(key('runtime-client', name))),
            },
            overDirect: Object.fromEntries(
              HANDLERS.map((name) => [name, { cold: pairedRatioOf([3], [2]), warm: pairedRatioOf([3], [2]) }]),
            ) as RuntimeClientFigures['overDirect'],
          },
          notes: [],
        }
      : { measured: undefined, notes: [] },
    latency: {
      handlers: Object.keys(latency.wallMs).map((label) => ({ label, file: `/bundles/${label}.mjs`, env: {} })),
      output: latency,
      pairs,
      ratios: Object.fromEntries(pairs.map((p) => [p.key, latencyRatio(p.numerator, p.denominator)])),
      sdkCpuRatioOursFloor: pairedRatioOf([900], [900]),
      notes: ['latency note'],
    },
    motoLatency: options.motoLatency ? { ...latency, wallMs: { ours: { 10: [50], 100: [300] } } } : undefined,
    cpu: {
      handlers: Object.keys(cpuUsPerRecord).map((label) => ({ label, file: `/bundles/${label}.mjs`, env: {} })),
      output: { usPerRecord: cpuUsPerRecord, failures: {} },
      ratios: {
        ours_floor: pairedRatioOf(cpuUsPerRecord.ours, cpuUsPerRecord.floor),
        ours_seed: pairedRatioOf(cpuUsPerRecord.ours, cpuUsPerRecord['seed-style']),
        ours_powertools: pairedRatioOf(cpuUsPerRecord.ours, cpuUsPerRecord['powertools-style']),
      },
      notes: ['cpu note'],
    },
    tracing: fabricatedTracing(),
    consumers,
    scaleOut: fabricatedScaleOut(),
    simulation: fabricatedSimulation(),
    throughput: {
      results: [
        {
          mode: 'queue-consumer',
          available: true,
          note: 'QueueConsumer',
          orders: 40,
          seconds: 0.5,
          ordersPerSecond: 80,
          stored: 40,
        },
      ],
      notes: ['throughput note'],
    },
  };
}

/** Tracing on costs 1.1× at import, 1.5× at the first batch and 1.2× per record; 30 spans exported. */
export function fabricatedTracing(overrides: Partial<TracingResult> = {}): TracingResult {
  const runs = (off: number, on: number): ColdStartSamples => ({
    samples: new Map([
      [TRACING_OFF, [off + 40]],
      [TRACING_ON, [on + 40]],
    ]),
    importMs: new Map([
      [TRACING_OFF, [off]],
      [TRACING_ON, [on]],
    ]),
    invokeMs: new Map(),
    failures: new Map(),
  });
  return {
    sizes: {
      mainBytes: 366_000,
      sdkBytes: 76_000,
      apiBytesInMain: 10_240,
      bootstrapBytesInMain: 4_096,
      sdkPackagesInMain: [],
    },
    coldStart: {
      import: runs(100, 110),
      firstInvoke: runs(160, 250),
      importRatio: pairedRatioOf([110], [100]),
      wholeProcessRatio: pairedRatioOf([150], [140]),
      firstInvokeRatio: pairedRatioOf([290], [200]),
    },
    cpu: {
      usPerRecord: { [TRACING_OFF]: [500], [TRACING_ON]: [600] },
      failedRecords: { [TRACING_OFF]: 0, [TRACING_ON]: 0 },
      ratio: pairedRatioOf([600], [500]),
    },
    exported: { requests: 3, failedRequests: 0, spans: 30, spanNames: ['OrderQueue process', 'PutItem'] },
    notes: ['tracing note'],
    ...overrides,
  };
}
