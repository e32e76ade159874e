/** The tables on running through AWS's runtime interface client, beside the direct import. */
import type { SampleSizes } from '../plan';
import type { HandlerName } from '../stages/build-bundles';
import type { Mode } from '../runtime-client';
import {
  runtimeClientSamples,
  type RuntimeClientFigure,
  type RuntimeClientFigures,
} from '../stages/measure-runtime-client';
import { median } from '../stats';
import { formatRatio, ms, table } from './format';

/** A median only when every sample is a number: one failed round blanks the cell rather than skewing it. */
const medianOfComplete = (values: number[] | undefined): number | undefined =>
  values && values.length > 0 && values.every(Number.isFinite) ? median(values) : undefined;

export function runtimeClientTables(
  figures: RuntimeClientFigures,
  names: readonly HandlerName[],
  samples: SampleSizes,
): string[] {
  const sample = (figure: RuntimeClientFigure, mode: Mode, name: string) =>
    ms(medianOfComplete(runtimeClientSamples(figures.samples, figure, mode, name)));
  const { cold, warm } = figures.ratios;
  return [
    table(
      `Through aws-lambda-ric (Lambda's runtime client, Runtime API, JSON logs) vs a direct import: ${samples.ricRounds} rounds; cold = spawn → 1st response (1 record), warm = batch of 10 (median of ${samples.ricWarmInvokes}), fake DynamoDB 0 ms`,
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
        sample('coldMs', 'direct', name),
        sample('coldMs', 'runtime-client', name),
        sample('initMs', 'runtime-client', name),
        sample('warmMs', 'direct', name),
        sample('warmMs', 'runtime-client', name),
        formatRatio(figures.overDirect[name].cold),
        formatRatio(figures.overDirect[name].warm),
      ]),
    ),
    table(
      'Through aws-lambda-ric: ratios (median of per-round ratios [p25–p75])',
      ['pair', 'cold start', 'warm batch of 10'],
      [
        ['ours / seed-style', formatRatio(cold.ours_seed), formatRatio(warm.ours_seed)],
        ['ours / powertools-style', formatRatio(cold.ours_powertools), formatRatio(warm.ours_powertools)],
        ['ours / floor', formatRatio(cold.ours_floor), formatRatio(warm.ours_floor)],
      ],
    ),
  ];
}
