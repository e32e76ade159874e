/**
 * The report's JSON line (and last-<mode>.json): every figure and ratio, rounded for reading.
 * Its keys are what docs/benchmarks.md and anyone comparing runs read: change them only on purpose.
 */
import { topContributors } from '../bundles';
import { consumerJson } from '../consumers/measure-consumers';
import type { MachineAtStart } from '../machine';
import { BATCH_SIZES, STANDIN_DELAY_MS, type BenchMode, type SampleSizes } from '../plan';
import { deployedNames } from '../stages/build-bundles';
import type { AttributionRow } from '../stages/measure-attribution';
import { coldStartMedian, type ColdStartResult } from '../stages/measure-cold-start';
import { latencySamples, sdkCpuSamples, type LatencyResult } from '../stages/measure-latency';
import type { Mode } from '../runtime-client';
import {
  runtimeClientSamples,
  type RuntimeClientFigure,
  type RuntimeClientFigures,
} from '../stages/measure-runtime-client';
import { median, round, type RatioSummary } from '../stats';
import type { ThroughputResult } from '../throughput-worker';
import type { BenchResults, RunEnd } from './results';
import { scaleOutJson } from './scale-out-table';
import { simulationJson } from './simulation-table';
import type { Target } from './targets';
import { tracingJson } from './tracing-table';

export interface RatioJson {
  readonly median: number;
  readonly p25: number;
  readonly p75: number;
  readonly pairs: number;
}

type Figures<V> = Readonly<Record<string, V>>;

export interface BenchJson {
  readonly bench: 'orders';
  readonly version: 1;
  readonly mode: BenchMode;
  readonly startedAt: string;
  readonly seconds: number;
  readonly machine: MachineAtStart & { readonly loadavgEnd: readonly number[] };
  readonly oursRepository: 'dynamodb' | 'memory';
  readonly bundles: Figures<{ readonly bytes: number; readonly top: readonly { name: string; bytes: number }[] }>;
  readonly coldStart: ColdStartJson;
  readonly attribution: readonly AttributionRow[];
  readonly keepNames: {
    readonly bytes: number;
    readonly bytesWithout: number | undefined;
    readonly wholeProcessRatio: RatioJson | undefined;
    readonly importRatio: RatioJson | undefined;
  };
  readonly runtimeClient: RuntimeClientJson | undefined;
  readonly latency: LatencyJson;
  readonly latencyMoto: { readonly medianMs: Figures<Figures<number>> } | undefined;
  readonly cpu: { readonly usPerRecord: Figures<number>; readonly ratios: Figures<RatioJson | undefined> };
  readonly tracing: ReturnType<typeof tracingJson>;
  readonly throughput: readonly ThroughputResult[];
  readonly consumers: ReturnType<typeof consumerJson>;
  readonly scaleOut: ReturnType<typeof scaleOutJson>;
  readonly simulation: ReturnType<typeof simulationJson>;
  readonly targets: readonly Target[];
  readonly notes: readonly string[];
}

export interface ColdStartJson {
  readonly rounds: number;
  readonly wholeProcessMs: Figures<number>;
  readonly importMs: Figures<number>;
  readonly ratios: Figures<RatioJson | undefined>;
  readonly importRatios: Figures<RatioJson | undefined>;
  readonly firstInvokeWholeProcessMs: Figures<number> | undefined;
  readonly firstInvokeBatchMs: Figures<number> | undefined;
  readonly firstInvokeRatios: Figures<RatioJson | undefined>;
}

export interface RuntimeClientJson {
  readonly rounds: number;
  readonly warmInvokes: number;
  /** Handler → `directCold`, `directWarm`, `runtime-clientCold`, `runtime-clientWarm`. */
  readonly medianMs: Figures<Figures<number>>;
  readonly initMs: Figures<number>;
  readonly ratios: { readonly cold: Figures<RatioJson | undefined>; readonly warm: Figures<RatioJson | undefined> };
  readonly overDirect: Figures<{ readonly cold: RatioJson | undefined; readonly warm: RatioJson | undefined }>;
}

export interface LatencyJson {
  readonly standin: string;
  readonly rounds: Readonly<Record<number, number>>;
  readonly medianMs: Figures<Figures<number>>;
  readonly ratios: Figures<Figures<RatioJson | undefined>>;
  readonly sdkCpuUsPerRecordAt10: Figures<number>;
  readonly sdkCpuRatioOursFloorAt10: RatioJson | undefined;
}

export function reportJson(
  results: BenchResults,
  targets: readonly Target[],
  notes: readonly string[],
  end: RunEnd,
): BenchJson {
  const { plan, startedAt, bundles, attribution, cpu } = results;
  const runtimeClient = results.runtimeClient.measured;
  const { keepNames } = attribution;
  return {
    bench: 'orders',
    version: 1,
    mode: plan.mode,
    startedAt: startedAt.toISOString(),
    seconds: round((end.finishedAt.getTime() - startedAt.getTime()) / 1000, 1),
    machine: { ...results.machine, loadavgEnd: end.loadavgEnd },
    oursRepository: results.oursRepository.repository,
    bundles: Object.fromEntries(
      Object.entries(bundles.deployed).map(([name, b]) => [
        name,
        { bytes: b.bytes, top: topContributors(b.metafile, 8).map((c) => ({ name: c.name, bytes: c.bytes })) },
      ]),
    ),
    coldStart: coldStartJson(results.coldStart, plan.samples),
    attribution: attribution.rows,
    keepNames: {
      bytes: keepNames.bytes,
      bytesWithout: keepNames.bytesWithout,
      wholeProcessRatio: ratioJson(keepNames.wholeRatio),
      importRatio: ratioJson(keepNames.importRatio),
    },
    runtimeClient: runtimeClient ? runtimeClientJson(runtimeClient, deployedNames(bundles), plan.samples) : undefined,
    latency: latencyJson(results.latency, plan.samples),
    latencyMoto: results.motoLatency
      ? { medianMs: mapValues(results.motoLatency.wallMs, (bySize) => mapValues(bySize, (v) => round(median(v), 1))) }
      : undefined,
    cpu: {
      usPerRecord: mapValues(cpu.output.usPerRecord, (v) => round(median(v), 2)),
      ratios: mapValues(cpu.ratios, ratioJson),
    },
    tracing: tracingJson(results.tracing),
    throughput: results.throughput.results,
    consumers: consumerJson(results.consumers),
    scaleOut: scaleOutJson(results.scaleOut),
    simulation: simulationJson(results.simulation),
    targets,
    notes,
  };
}

function coldStartJson(coldStart: ColdStartResult, samples: SampleSizes): ColdStartJson {
  const { importRuns, firstInvoke } = coldStart;
  // A figure that was not measured is NaN here, so it reads null in the JSON rather than vanishing.
  const medians = (names: readonly string[], pick: (name: string) => number | undefined) =>
    Object.fromEntries(names.map((name) => [name, round(pick(name) ?? NaN, 1)]));
  const handlers = coldStart.names.slice(1);
  return {
    rounds: samples.coldRounds,
    wholeProcessMs: medians(coldStart.names, (n) => coldStartMedian(importRuns, 'samples', n)),
    importMs: medians(coldStart.names, (n) => coldStartMedian(importRuns, 'importMs', n)),
    ratios: mapValues(coldStart.wholeProcessRatios, ratioJson),
    importRatios: mapValues(coldStart.importRatios, ratioJson),
    firstInvokeWholeProcessMs: firstInvoke
      ? medians(handlers, (n) => coldStartMedian(firstInvoke.runs, 'samples', n))
      : undefined,
    firstInvokeBatchMs: firstInvoke
      ? medians(handlers, (n) => coldStartMedian(firstInvoke.runs, 'invokeMs', n))
      : undefined,
    firstInvokeRatios: firstInvoke ? mapValues(firstInvoke.ratios, ratioJson) : {},
  };
}

function runtimeClientJson(
  figures: RuntimeClientFigures,
  names: readonly string[],
  samples: SampleSizes,
): RuntimeClientJson {
  const medianOf = (figure: RuntimeClientFigure, mode: Mode, name: string) =>
    median(runtimeClientSamples(figures.samples, figure, mode, name) ?? [NaN]);
  return {
    rounds: samples.ricRounds,
    warmInvokes: samples.ricWarmInvokes,
    medianMs: Object.fromEntries(
      names.map((name) => [
        name,
        Object.fromEntries(
          (['direct', 'runtime-client'] as const).flatMap((mode) => [
            [`${mode}Cold`, round(medianOf('coldMs', mode, name), 1)],
            [`${mode}Warm`, round(medianOf('warmMs', mode, name), 2)],
          ]),
        ),
      ]),
    ),
    initMs: Object.fromEntries(names.map((name) => [name, round(medianOf('initMs', 'runtime-client', name), 1)])),
    ratios: { cold: mapValues(figures.ratios.cold, ratioJson), warm: mapValues(figures.ratios.warm, ratioJson) },
    overDirect: mapValues(figures.overDirect, (ratios) => ({
      cold: ratioJson(ratios.cold),
      warm: ratioJson(ratios.warm),
    })),
  };
}

function latencyJson(latency: LatencyResult, samples: SampleSizes): LatencyJson {
  const { output } = latency;
  return {
    standin: `fake DynamoDB (AWS JSON 1.0, in memory, own process) + ${STANDIN_DELAY_MS} ms per response`,
    rounds: samples.latencyRounds,
    medianMs: Object.fromEntries(
      latency.handlers.map((h) => [
        h.label,
        Object.fromEntries(BATCH_SIZES.map((s) => [s, round(median(latencySamples(output, h.label, s) ?? [NaN]), 2)])),
      ]),
    ),
    ratios: mapValues(latency.ratios, (bySize) => mapValues(bySize, ratioJson)),
    sdkCpuUsPerRecordAt10: Object.fromEntries(
      latency.handlers.map((h) => [h.label, round(median(sdkCpuSamples(output, h.label) ?? [NaN]), 1)]),
    ),
    sdkCpuRatioOursFloorAt10: ratioJson(latency.sdkCpuRatioOursFloor),
  };
}

const ratioJson = (r: RatioSummary | undefined): RatioJson | undefined =>
  r && { median: round(r.median), p25: round(r.p25), p75: round(r.p75), pairs: r.pairs };

function mapValues<V, W>(record: Readonly<Record<string | number, V>>, map: (value: V) => W): Record<string, W> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value as V)]));
}
