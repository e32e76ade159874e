/**
 * Stage: what tracing costs — ours' bundle with tracing off (as deployed by default) against the
 * same bundle with tracing on (OTEL_EXPORTER_OTLP_ENDPOINT set, exporting http/protobuf to the
 * OTLP collector stand-in, in a process of its own): the files' sizes and what of OpenTelemetry index.mjs
 * holds; the cold start (the import alone, and import + a first 1-record batch, which with tracing
 * on includes loading the SDK file and the first export); and per-record CPU on the DynamoDB
 * stand-in, one process per measurement, in paired rounds (off and on alternate who goes first).
 * Today's bundle without any tracing code is not rebuilt here (it would be a different commit):
 * docs/benchmarks.md records the one-off comparison against it.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Metafile } from 'esbuild';
import { TRACING_SDK_FILE } from '@orders/lambda-entry/bundle-settings';
import { type ColdStartSamples, type ColdStartTarget, measureColdStarts } from '../cold-start';
import { BatchFactory } from '../events';
import { log } from '../log';
import { LAMBDA_ENTRY_DIR } from '../paths';
import type { SampleSizes } from '../plan';
import { type CollectorStats, startCollectorProcess } from '../standins/collector-process';
import { pairedRatioOf } from '../ratios';
import type { RatioSummary } from '../stats';
import type { TracingCpuInput, TracingCpuOutput } from '../tracing-cpu-worker';
import { runWorker } from '../workers';
import type { HandlerBundles } from './build-bundles';
import type { OursRepository } from './check-ours-repository';

export const TRACING_OFF = 'tracing off';
export const TRACING_ON = 'tracing on';
const VARIANTS = [TRACING_OFF, TRACING_ON] as const;
type Variant = (typeof VARIANTS)[number];

export interface TracingBundleSizes {
  /** index.mjs, what every cold start reads. */
  readonly mainBytes: number;
  /** dist/tracing-sdk.mjs, read only when tracing is on. */
  readonly sdkBytes: number;
  /** @opentelemetry/api inside index.mjs (the only OpenTelemetry package there). */
  readonly apiBytesInMain: number;
  /** The tracing bootstrap inside index.mjs (observability/src/tracing: settings, startTracing). */
  readonly bootstrapBytesInMain: number;
  /** OpenTelemetry packages other than the API that index.mjs holds: 0, or the split is broken. */
  readonly sdkPackagesInMain: readonly string[];
}

export interface TracingResult {
  readonly sizes: TracingBundleSizes;
  readonly coldStart: {
    readonly import: ColdStartSamples;
    readonly firstInvoke: ColdStartSamples | undefined;
    /** On over off, paired by round. */
    readonly importRatio: RatioSummary | undefined;
    readonly wholeProcessRatio: RatioSummary | undefined;
    readonly firstInvokeRatio: RatioSummary | undefined;
  };
  readonly cpu: {
    readonly usPerRecord: Readonly<Record<Variant, number[]>>;
    readonly failedRecords: Readonly<Record<Variant, number>>;
    /** On over off, paired by round. */
    readonly ratio: RatioSummary | undefined;
  };
  /** What the collector stand-in received from the "on" processes. */
  readonly exported: CollectorStats;
  readonly notes: readonly string[];
}

export interface TracingOptions {
  readonly samples: SampleSizes;
  readonly bundles: HandlerBundles;
  readonly ours: OursRepository;
  /** The cold-start environment (instant DynamoDB stand-in, ours' repository). */
  readonly environment: Readonly<Record<string, string>>;
}

export async function measureTracing({ samples, bundles, ours, environment }: TracingOptions): Promise<TracingResult> {
  const notes: string[] = [];
  const sizes = tracingBundleSizes(bundles.ours.metafile);
  if (sizes.sdkPackagesInMain.length > 0) {
    notes.push(`tracing: index.mjs holds OpenTelemetry SDK packages (${sizes.sdkPackagesInMain.join(', ')})`);
  }
  const collector = await startCollectorProcess();
  try {
    const envOf = (variant: Variant): Record<string, string> =>
      variant === TRACING_ON ? { ...environment, OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint } : environment;
    const targets: ColdStartTarget[] = VARIANTS.map((name) => ({ name, file: bundles.ours.file, env: envOf(name) }));
    log(`tracing: cold start (import), ${samples.coldRounds} interleaved rounds, off and on`);
    const importRuns = measureColdStarts(targets, samples.coldRounds, 'import');
    let firstInvoke: ColdStartSamples | undefined;
    if (ours.comparable) {
      log(`tracing: cold start (import + first batch, the first export included), ${samples.firstInvokeRounds} rounds`);
      const events = new BatchFactory(7000);
      firstInvoke = measureColdStarts(targets, samples.firstInvokeRounds, 'first-invoke', () =>
        JSON.stringify(events.next(1)),
      );
    }
    for (const runs of [importRuns, firstInvoke]) {
      for (const [name, failures] of runs?.failures ?? []) {
        if (failures > 0) notes.push(`tracing: the cold start of "${name}" failed ${failures} run(s)`);
      }
    }
    const cpu = ours.comparable ? await measureCpu(samples, bundles.ours.file, envOf) : undefined;
    if (!ours.comparable) notes.push('tracing: per-record CPU not measured (ours does not start on DynamoDB)');
    const exported = await collector.stats();
    log(`tracing: the collector stand-in received ${exported.spans} spans in ${exported.requests} exports`);
    return {
      sizes,
      coldStart: {
        import: importRuns,
        firstInvoke,
        importRatio: pairedRatioOf(importRuns.importMs.get(TRACING_ON), importRuns.importMs.get(TRACING_OFF)),
        wholeProcessRatio: pairedRatioOf(importRuns.samples.get(TRACING_ON), importRuns.samples.get(TRACING_OFF)),
        firstInvokeRatio: pairedRatioOf(firstInvoke?.samples.get(TRACING_ON), firstInvoke?.samples.get(TRACING_OFF)),
      },
      cpu: cpu ?? {
        usPerRecord: { [TRACING_OFF]: [], [TRACING_ON]: [] },
        failedRecords: { [TRACING_OFF]: 0, [TRACING_ON]: 0 },
        ratio: undefined,
      },
      exported,
      notes,
    };
  } finally {
    await collector.stop();
  }
}

async function measureCpu(
  samples: SampleSizes,
  file: string,
  envOf: (variant: Variant) => Record<string, string>,
): Promise<TracingResult['cpu']> {
  const { rounds, warmupRounds, batchesPerRound } = samples.cpu;
  log(
    `tracing: per-record CPU on the DynamoDB stand-in, ${rounds} rounds × ${batchesPerRound} batches of 10, off and on`,
  );
  const usPerRecord: Record<Variant, number[]> = { [TRACING_OFF]: [], [TRACING_ON]: [] };
  const failedRecords: Record<Variant, number> = { [TRACING_OFF]: 0, [TRACING_ON]: 0 };
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? VARIANTS : ([...VARIANTS].reverse() as Variant[]);
    for (const variant of order) {
      const input: TracingCpuInput = {
        label: variant,
        file,
        batchSize: 10,
        batches: batchesPerRound,
        warmupBatches: Math.max(warmupRounds, 1) * 10,
        seed: 50_000 + round * 10 + VARIANTS.indexOf(variant) * 2,
      };
      const output = await runWorker<TracingCpuInput, TracingCpuOutput>('tracing-cpu-worker.ts', input, envOf(variant));
      usPerRecord[variant].push(output.usPerRecord);
      failedRecords[variant] += output.failedRecords;
    }
  }
  return {
    usPerRecord,
    failedRecords,
    ratio: pairedRatioOf(usPerRecord[TRACING_ON], usPerRecord[TRACING_OFF]),
  };
}

/** Sizes from the bundle's metafile and the SDK file beside it. */
export function tracingBundleSizes(main: Metafile): TracingBundleSizes {
  const output = Object.entries(main.outputs).find(([path]) => path.endsWith('index.mjs'));
  const inputs = Object.entries(output?.[1].inputs ?? {});
  const bytesOf = (test: (path: string) => boolean): number =>
    inputs.filter(([path]) => test(path)).reduce((sum, [, input]) => sum + input.bytesInOutput, 0);
  const sdkFile = join(LAMBDA_ENTRY_DIR, 'dist', TRACING_SDK_FILE);
  return {
    mainBytes: output?.[1].bytes ?? Number.NaN,
    sdkBytes: statSize(sdkFile),
    apiBytesInMain: bytesOf((path) => path.includes('node_modules/@opentelemetry/api/')),
    bootstrapBytesInMain: bytesOf((path) => path.includes('packages/observability/src/tracing/')),
    sdkPackagesInMain: [
      ...new Set(
        inputs
          .map(([path]) => /node_modules\/(@opentelemetry\/[^/]+)\//.exec(path)?.[1])
          .filter((name): name is string => name !== undefined && name !== '@opentelemetry/api'),
      ),
    ],
  };
}

function statSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return Number.NaN;
  }
}

/** The SDK file's own metafile, if the build wrote one (for the report's package breakdown). */
export function readSdkMetafile(): Metafile | undefined {
  try {
    return JSON.parse(readFileSync(join(LAMBDA_ENTRY_DIR, 'dist', 'tracing-sdk.meta.json'), 'utf8')) as Metafile;
  } catch {
    return undefined;
  }
}
