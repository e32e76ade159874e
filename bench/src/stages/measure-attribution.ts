/**
 * Stage: what ours' init is made of. Each dependency of ours bundled alone (and ours built with one
 * setting changed), cold-started beside ours in paired rounds; among them, what keepNames costs.
 */
import { buildProbes } from '../attribution';
import type { BuiltBundle } from '../bundles';
import { measureColdStarts, type ColdStartTarget } from '../cold-start';
import { log } from '../log';
import type { SampleSizes } from '../plan';
import { pairedRatioOf } from '../ratios';
import { median, quantile, round, type RatioSummary } from '../stats';

export interface AttributionRow {
  readonly name: string;
  readonly description: string;
  readonly bytes: number;
  readonly wholeProcessMs: number | undefined;
  readonly importMs: number | undefined;
  readonly importP25: number | undefined;
  readonly importP75: number | undefined;
}

/** Ours against ours built without keepNames, paired in the probe rounds. */
export interface KeepNamesCost {
  readonly bytes: number;
  readonly bytesWithout: number | undefined;
  readonly wholeRatio: RatioSummary | undefined;
  readonly importRatio: RatioSummary | undefined;
}

export interface AttributionResult {
  /** The probes, then ours' shipped bundle. */
  readonly rows: readonly AttributionRow[];
  readonly keepNames: KeepNamesCost;
  readonly notes: readonly string[];
}

const WITHOUT_KEEP_NAMES = 'whatif-no-keep-names';

export async function measureAttribution(
  samples: SampleSizes,
  ours: BuiltBundle,
  environment: Readonly<Record<string, string>>,
): Promise<AttributionResult> {
  log('attribution probes: each dependency of ours bundled alone');
  const probes = await buildProbes();
  const notes = probes.skipped.map((skipped) => `probe ${skipped.name} skipped: ${skipped.reason}`);
  const targets: ColdStartTarget[] = [
    ...probes.built.map((probe) => ({ name: probe.name, file: probe.file, env: environment })),
    { name: 'ours', file: ours.file, env: environment },
  ];
  const runs = samples.probeRounds > 0 ? measureColdStarts(targets, samples.probeRounds, 'import') : undefined;
  const rows = probes.built.concat([{ ...ours, description: "ours' shipped bundle" }]).map((probe) => {
    const whole = runs?.samples.get(probe.name);
    const imported = runs?.importMs.get(probe.name);
    return {
      name: probe.name,
      description: probe.description,
      bytes: probe.bytes,
      wholeProcessMs: whole ? round(median(whole), 1) : undefined,
      importMs: imported ? round(median(imported), 1) : undefined,
      importP25: imported ? round(quantile(imported, 0.25), 1) : undefined,
      importP75: imported ? round(quantile(imported, 0.75), 1) : undefined,
    };
  });
  const withoutKeepNames = probes.built.find((probe) => probe.name === WITHOUT_KEEP_NAMES);
  const keepNames: KeepNamesCost = {
    bytes: ours.bytes,
    bytesWithout: withoutKeepNames?.bytes,
    wholeRatio: pairedRatioOf(runs?.samples.get('ours'), runs?.samples.get(WITHOUT_KEEP_NAMES)),
    importRatio: pairedRatioOf(runs?.importMs.get('ours'), runs?.importMs.get(WITHOUT_KEEP_NAMES)),
  };
  return { rows, keepNames, notes };
}
