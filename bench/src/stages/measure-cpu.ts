/**
 * Stage: per-record CPU on in-memory stores, so no I/O hides what each handler costs per record
 * (see cpu-worker.ts); with a decomposition of ours (probes that are not targets).
 */
import { buildCpuProbes } from '../attribution';
import type { CpuInput, CpuOutput } from '../cpu-worker';
import { handlerEnvironment, LOCAL_MEMORY_RUN } from '../environment';
import type { LatencyHandlerSpec } from '../import-handler';
import { log } from '../log';
import type { SampleSizes } from '../plan';
import { pairedRatioOf } from '../ratios';
import type { RatioSummary } from '../stats';
import { runWorker } from '../workers';
import type { HandlerBundles } from './build-bundles';

export interface CpuResult {
  readonly handlers: readonly LatencyHandlerSpec[];
  readonly output: CpuOutput;
  /** Ours over each reference (this key order is the JSON's). */
  readonly ratios: {
    readonly ours_floor: RatioSummary | undefined;
    readonly ours_seed: RatioSummary | undefined;
    readonly ours_powertools: RatioSummary | undefined;
  };
  readonly notes: readonly string[];
}

export async function measureCpu(samples: SampleSizes, bundles: HandlerBundles): Promise<CpuResult> {
  const probes = await buildCpuProbes();
  const notes = probes.skipped.map((skipped) => `cpu probe ${skipped.name} skipped: ${skipped.reason}`);
  const ours = bundles.ours.file;
  const handlers: LatencyHandlerSpec[] = [
    // The handler refuses ORDERS_REPOSITORY=memory inside Lambda (AWS_LAMBDA_FUNCTION_NAME set), so
    // this in-process measurement of the bundle is a local run: the variable is blanked.
    { label: 'ours', file: ours, env: { ...LOCAL_MEMORY_RUN, LOG_LEVEL: 'info' } },
    { label: 'seed-style', file: bundles.inMemory['seed-style'].file, env: {} },
    { label: 'powertools-style', file: bundles.inMemory['powertools-style'].file, env: {} },
    { label: 'floor', file: bundles.inMemory.floor.file, env: {} },
    // Decomposition of ours (not targets): without info lines, without logger/metrics/container, decode alone.
    { label: 'ours LOG_LEVEL=warn', file: ours, env: { ...LOCAL_MEMORY_RUN, LOG_LEVEL: 'warn' } },
    ...probes.built.map((probe) => ({ label: probe.name, file: probe.file, env: {} })),
  ];
  log(`per-record CPU (in-memory): ${samples.cpu.rounds} rounds × ${samples.cpu.batchesPerRound} batches of 10`);
  const output = await runWorker<CpuInput, CpuOutput>(
    'cpu-worker.ts',
    { handlers, batchSize: 10, ...samples.cpu },
    handlerEnvironment(),
  );
  for (const [label, failed] of Object.entries(output.failures))
    if (failed > 0) notes.push(`cpu: ${label} reported ${failed} failed records`);
  const usPerRecord = (label: string): number[] | undefined => output.usPerRecord[label];
  return {
    handlers,
    output,
    ratios: {
      ours_floor: pairedRatioOf(usPerRecord('ours'), usPerRecord('floor')),
      ours_seed: pairedRatioOf(usPerRecord('ours'), usPerRecord('seed-style')),
      ours_powertools: pairedRatioOf(usPerRecord('ours'), usPerRecord('powertools-style')),
    },
    notes,
  };
}
