/**
 * The ratios the report shows, from paired samples (see stats.ts): undefined, not an error, when a
 * side was not measured, so one failed part of the run leaves a "—" instead of ending it.
 */
import type { HandlerName } from './stages/build-bundles';
import { pairedRatio, type RatioSummary } from './stats';

export function pairedRatioOf(
  a: readonly number[] | undefined,
  b: readonly number[] | undefined,
): RatioSummary | undefined {
  return a && b && a.length === b.length && a.length > 0 ? pairedRatio(a, b) : undefined;
}

/** Ours over each deployed reference (a type, not an interface, so the JSON can map over its keys). */
export type OursRatios = {
  readonly ours_seed: RatioSummary | undefined;
  readonly ours_powertools: RatioSummary | undefined;
  readonly ours_floor: RatioSummary | undefined;
};

export function oursOverReferences(samplesOf: (name: HandlerName) => readonly number[] | undefined): OursRatios {
  const ours = samplesOf('ours');
  return {
    ours_seed: pairedRatioOf(ours, samplesOf('seed-style')),
    ours_powertools: pairedRatioOf(ours, samplesOf('powertools-style')),
    ours_floor: pairedRatioOf(ours, samplesOf('floor')),
  };
}
