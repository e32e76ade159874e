/** Everything a run measured, stage by stage: what the report's tables and JSON line are built from. */
import type { ConsumerMeasurement } from '../consumers/measure-consumers';
import type { LatencyOutput } from '../latency-worker';
import type { MachineAtStart } from '../machine';
import type { BenchPlan } from '../plan';
import type { HandlerBundles } from '../stages/build-bundles';
import type { OursRepository } from '../stages/check-ours-repository';
import type { AttributionResult } from '../stages/measure-attribution';
import type { ColdStartResult } from '../stages/measure-cold-start';
import type { CpuResult } from '../stages/measure-cpu';
import type { LatencyResult } from '../stages/measure-latency';
import type { RuntimeClientResult } from '../stages/measure-runtime-client';
import type { ScaleOutResult } from '../stages/measure-scale-out';
import type { SimulationResult } from '../stages/measure-simulation';
import type { ThroughputStageResult } from '../stages/measure-throughput';
import type { TracingResult } from '../stages/measure-tracing';

export interface BenchResults {
  readonly plan: BenchPlan;
  readonly startedAt: Date;
  readonly machine: MachineAtStart;
  readonly bundles: HandlerBundles;
  readonly oursRepository: OursRepository;
  readonly coldStart: ColdStartResult;
  readonly attribution: AttributionResult;
  readonly runtimeClient: RuntimeClientResult;
  readonly latency: LatencyResult;
  /** Undefined when skipped (smoke runs, `--no-moto`). */
  readonly motoLatency: LatencyOutput | undefined;
  readonly cpu: CpuResult;
  /** Ours with tracing off against on. */
  readonly tracing: TracingResult;
  readonly consumers: ConsumerMeasurement;
  readonly scaleOut: ScaleOutResult;
  readonly simulation: SimulationResult;
  readonly throughput: ThroughputStageResult;
}

/** How the run ended, taken once so that the tables and the JSON line agree. */
export interface RunEnd {
  readonly finishedAt: Date;
  readonly loadavgEnd: readonly number[];
}

/** Every stage's notes, in the order the stages ran. */
export function runNotes(results: BenchResults): string[] {
  return [
    ...results.bundles.notes,
    ...results.oursRepository.notes,
    ...results.coldStart.notes,
    ...results.attribution.notes,
    ...results.runtimeClient.notes,
    ...results.latency.notes,
    ...results.cpu.notes,
    ...results.tracing.notes,
    ...results.consumers.notes,
    ...results.scaleOut.notes,
    ...results.simulation.notes,
    ...results.throughput.notes,
  ];
}
