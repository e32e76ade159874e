/** The tables on batch latency: on the fake DynamoDB, its ratios, and on moto (evidence). */
import type { LatencyOutput } from '../latency-worker';
import { BATCH_SIZES, STANDIN_DELAY_MS } from '../plan';
import { latencySamples, type LatencyResult } from '../stages/measure-latency';
import { median } from '../stats';
import { formatRatio, ms, table } from './format';

export function latencyTable(latency: LatencyResult): string {
  return table(
    `Batch latency, fake DynamoDB + ${STANDIN_DELAY_MS} ms per response (median ms over paired rounds)`,
    ['handler', ...BATCH_SIZES.map((s) => `batch ${s}`)],
    latency.handlers.map((h) => [
      h.label,
      ...BATCH_SIZES.map((s) => ms(median(latencySamples(latency.output, h.label, s) ?? [NaN]))),
    ]),
  );
}

export function latencyRatiosTable(latency: LatencyResult): string {
  return table(
    'Batch latency ratios (median of per-round ratios [p25–p75])',
    ['pair', ...BATCH_SIZES.map((s) => `batch ${s}`)],
    latency.pairs.map(({ key, numerator, denominator }) => [
      `${numerator} / ${denominator}`,
      ...BATCH_SIZES.map((s) => formatRatio(latency.ratios[key]?.[s])),
    ]),
  );
}

export function motoLatencyTable(motoLatency: LatencyOutput): string {
  return table(
    `Batch latency on moto behind the ${STANDIN_DELAY_MS} ms proxy (evidence only: moto's CPU-bound server, not concurrency, sets these)`,
    ['handler', 'batch 10', 'batch 100'],
    Object.keys(motoLatency.wallMs).map((label) => [
      label,
      ms(median(motoLatency.wallMs[label]?.[10] ?? [NaN])),
      ms(median(motoLatency.wallMs[label]?.[100] ?? [NaN])),
    ]),
  );
}
