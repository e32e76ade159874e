/**
 * Stage: cold start, a fresh `node` per sample. First the import alone (with an empty module as the
 * floor of node's own start-up), then, when ours runs on DynamoDB, the import plus a first 1-record
 * batch. Rounds are paired and interleaved (see cold-start.ts).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { measureColdStarts, type ColdStartSamples, type ColdStartTarget } from '../cold-start';
import { handlerEnvironment, LOCAL_MEMORY_RUN } from '../environment';
import { BatchFactory } from '../events';
import { log } from '../log';
import { OUT_DIR } from '../paths';
import type { SampleSizes } from '../plan';
import { oursOverReferences, type OursRatios } from '../ratios';
import { median } from '../stats';
import type { HandlerBundles } from './build-bundles';
import type { OursRepository } from './check-ours-repository';

export const EMPTY_MODULE_NAME = 'node (empty module)';

export interface ColdStartResult {
  /** Every process measured, in table order: the empty module, then the deployed handlers. */
  readonly names: readonly string[];
  readonly importRuns: ColdStartSamples;
  readonly wholeProcessRatios: OursRatios;
  /** The import alone, as each process timed it (node's start-up left out). */
  readonly importRatios: OursRatios;
  /** Import + first batch; undefined when ours cannot run on DynamoDB. */
  readonly firstInvoke: { readonly runs: ColdStartSamples; readonly ratios: OursRatios } | undefined;
  readonly notes: readonly string[];
}

/** What a cold-started handler (and each attribution probe) gets: the instant stand-in, ours' repository. */
export function coldStartEnvironment(instantUrl: string, ours: OursRepository): Record<string, string> {
  return handlerEnvironment({
    AWS_ENDPOINT_URL: instantUrl,
    ...(ours.repository === 'memory' ? LOCAL_MEMORY_RUN : { ORDERS_REPOSITORY: ours.repository }),
  });
}

export interface ColdStartOptions {
  readonly samples: SampleSizes;
  readonly bundles: HandlerBundles;
  readonly environment: Readonly<Record<string, string>>;
  readonly ours: OursRepository;
}

export function measureColdStart({ samples, bundles, environment, ours }: ColdStartOptions): ColdStartResult {
  const notes: string[] = [];
  const emptyModule = join(OUT_DIR, 'empty.mjs');
  writeFileSync(emptyModule, '');
  const handlers: ColdStartTarget[] = Object.entries(bundles.deployed).map(([name, bundle]) => ({
    name,
    file: bundle.file,
    env: environment,
  }));
  const targets: ColdStartTarget[] = [{ name: EMPTY_MODULE_NAME, file: emptyModule, env: environment }, ...handlers];
  log(`cold start (import): ${samples.coldRounds} interleaved rounds × ${targets.length} processes`);
  const importRuns = measureColdStarts(targets, samples.coldRounds, 'import');
  for (const [name, failures] of importRuns.failures)
    if (failures > 0) notes.push(`cold start: ${name} failed ${failures} of ${samples.coldRounds} runs`);

  let firstInvoke: ColdStartResult['firstInvoke'];
  if (ours.comparable) {
    log(`cold start (import + first batch): ${samples.firstInvokeRounds} rounds`);
    const events = new BatchFactory(9000);
    const runs = measureColdStarts(handlers, samples.firstInvokeRounds, 'first-invoke', () =>
      JSON.stringify(events.next(1)),
    );
    firstInvoke = { runs, ratios: oursOverReferences((name) => runs.samples.get(name)) };
    for (const [name, failures] of runs.failures)
      if (failures > 0) notes.push(`first invocation: ${name} failed ${failures} runs`);
  }
  return {
    names: targets.map((target) => target.name),
    importRuns,
    wholeProcessRatios: oursOverReferences((name) => importRuns.samples.get(name)),
    importRatios: oursOverReferences((name) => importRuns.importMs.get(name)),
    firstInvoke,
    notes,
  };
}

/** The median of one figure of one process, when it was measured. */
export function coldStartMedian(
  runs: ColdStartSamples | undefined,
  figure: 'samples' | 'importMs' | 'invokeMs',
  name: string,
): number | undefined {
  const values = runs?.[figure].get(name);
  return values && values.length > 0 ? median(values) : undefined;
}
