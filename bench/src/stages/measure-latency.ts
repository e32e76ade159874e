/**
 * Stage: batch latency on the fake DynamoDB answering after STANDIN_DELAY_MS. Every handler in one
 * worker process, paired rounds (see latency-worker.ts); the stand-in's item count afterwards shows
 * whether any handler dropped records. The same run gives the per-record CPU with the real SDK.
 */
import { handlerEnvironment } from '../environment';
import type { LatencyHandlerSpec } from '../import-handler';
import type { LatencyInput, LatencyOutput } from '../latency-worker';
import { log } from '../log';
import { countOrders } from '../orders-table';
import { BATCH_SIZES, OURS_CONCURRENCY, OURS_SWEEP, STANDIN_DELAY_MS, type SampleSizes } from '../plan';
import { pairedRatioOf } from '../ratios';
import type { RatioSummary } from '../stats';
import { runWorker } from '../workers';
import type { HandlerBundles } from './build-bundles';
import type { OursRepository } from './check-ours-repository';

/** A ratio the report shows: `numerator / denominator`, under `key` in the JSON. */
export interface LatencyPair {
  readonly key: string;
  readonly numerator: string;
  readonly denominator: string;
}

export interface LatencyResult {
  readonly handlers: readonly LatencyHandlerSpec[];
  readonly output: LatencyOutput;
  readonly pairs: readonly LatencyPair[];
  /** Pair key → batch size → ratio. */
  readonly ratios: Readonly<Record<string, Readonly<Record<number, RatioSummary | undefined>>>>;
  /** Per-record CPU with the real SDK client at batch 10, ours over the floor. */
  readonly sdkCpuRatioOursFloor: RatioSummary | undefined;
  readonly notes: readonly string[];
}

export interface LatencyOptions {
  readonly samples: SampleSizes;
  readonly bundles: HandlerBundles;
  readonly ours: OursRepository;
  /** The delayed DynamoDB stand-in. */
  readonly endpoint: string;
}

export async function measureLatency({ samples, bundles, ours, endpoint }: LatencyOptions): Promise<LatencyResult> {
  const handlers = latencyHandlers(bundles, ours.comparable);
  log(
    `batch latency on the fake DynamoDB + ${STANDIN_DELAY_MS} ms: sizes ${BATCH_SIZES.join('/')}, ${JSON.stringify(samples.latencyRounds)} rounds × ${handlers.length} handlers`,
  );
  const itemsBefore = await countOrders(endpoint);
  const input: LatencyInput = {
    commonEnv: { AWS_ENDPOINT_URL: endpoint },
    handlers,
    sizes: [...BATCH_SIZES],
    rounds: samples.latencyRounds,
    warmupRounds: samples.latencyWarmup,
  };
  const output = await runWorker<LatencyInput, LatencyOutput>('latency-worker.ts', input, handlerEnvironment());
  const storedItems = (await countOrders(endpoint)) - itemsBefore;
  const notes = latencyNotes(output, storedItems, expectedItems(samples, handlers.length));
  const pairs = latencyPairs();
  const ratios: Record<string, Record<number, RatioSummary | undefined>> = {};
  for (const { key, numerator, denominator } of pairs)
    ratios[key] = Object.fromEntries(
      BATCH_SIZES.map((size) => [
        size,
        pairedRatioOf(latencySamples(output, numerator, size), latencySamples(output, denominator, size)),
      ]),
    );
  const sdkCpuRatioOursFloor = pairedRatioOf(sdkCpuSamples(output, 'ours'), sdkCpuSamples(output, 'floor'));
  return { handlers, output, pairs, ratios, sdkCpuRatioOursFloor, notes };
}

/** Ours (when it runs on DynamoDB) at its bound and the sweep's, then the references. */
function latencyHandlers(bundles: HandlerBundles, oursComparable: boolean): LatencyHandlerSpec[] {
  const env = (extra: Record<string, string> = {}): Record<string, string> => ({
    ORDERS_REPOSITORY: 'dynamodb',
    ...extra,
  });
  const ours = bundles.ours.file;
  const floor = bundles.deployed.floor.file;
  return [
    ...(oursComparable
      ? [
          { label: 'ours', file: ours, env: env() },
          ...OURS_SWEEP.map((bound) => ({
            label: `ours@${bound}`,
            file: ours,
            env: env({ ORDERS_CONCURRENCY: String(bound) }),
          })),
          // Diagnostic, not a target: what the per-record "order message processed" info lines cost.
          { label: 'ours LOG_LEVEL=warn', file: ours, env: env({ LOG_LEVEL: 'warn' }) },
        ]
      : []),
    { label: 'seed-style', file: bundles.deployed['seed-style'].file, env: env() },
    { label: 'powertools-style', file: bundles.deployed['powertools-style'].file, env: env() },
    { label: 'floor', file: floor, env: env() },
    {
      label: `floor@${OURS_CONCURRENCY}`,
      file: floor,
      env: env({ BENCH_FLOOR_CONCURRENCY: String(OURS_CONCURRENCY) }),
    },
  ];
}

/** Every record of every batch, warm-up rounds included, is one stored order. */
function expectedItems(samples: SampleSizes, handlers: number): number {
  return BATCH_SIZES.reduce(
    (sum, size) => sum + size * (samples.latencyRounds[size] + samples.latencyWarmup) * handlers,
    0,
  );
}

function latencyNotes(output: LatencyOutput, storedItems: number, expected: number): string[] {
  const notes: string[] = [];
  if (storedItems !== expected)
    notes.push(
      `latency: the stand-in stored ${storedItems} orders, expected ${expected}: some handler dropped records`,
    );
  for (const [label, failed] of Object.entries(output.failures)) {
    if (failed > 0)
      notes.push(
        `latency: ${label} reported ${failed} failed records${output.errors[label] ? ` (${output.errors[label]})` : ''}`,
      );
  }
  return notes;
}

function latencyPairs(): LatencyPair[] {
  const pair = (key: string, numerator: string, denominator: string): LatencyPair => ({ key, numerator, denominator });
  return [
    pair('ours_seed', 'ours', 'seed-style'),
    pair('ours_floor', 'ours', 'floor'),
    pair(`ours_floor@${OURS_CONCURRENCY}`, 'ours', `floor@${OURS_CONCURRENCY}`),
    pair('ours_powertools', 'ours', 'powertools-style'),
    ...OURS_SWEEP.map((bound) => pair(`ours@${bound}_floor`, `ours@${bound}`, 'floor')),
    pair('ours-warn_floor', 'ours LOG_LEVEL=warn', 'floor'),
  ];
}

export const latencySamples = (output: LatencyOutput, label: string, size: number): number[] | undefined =>
  output.wallMs[label]?.[size];

/** Process CPU per record at batch 10, with the real SDK client. */
export const sdkCpuSamples = (output: LatencyOutput, label: string): number[] | undefined =>
  output.cpuUsPerRecord[label]?.[10];
