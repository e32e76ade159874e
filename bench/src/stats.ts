/**
 * The few statistics the benchmark needs, written out so the bench adds no dependency and every
 * figure in the report can be traced to a line here.
 */

/** The q-quantile (0 ≤ q ≤ 1) by linear interpolation between closest ranks (R type 7, numpy's default). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new RangeError('quantile of an empty sample');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`q must be within [0, 1], got ${q}`);
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const low = sorted[lower] as number;
  const high = sorted[upper] as number;
  return low + (high - low) * (position - lower);
}

export const median = (values: readonly number[]): number => quantile(values, 0.5);

export interface Summary {
  readonly n: number;
  readonly median: number;
  readonly p25: number;
  readonly p75: number;
  readonly min: number;
  readonly max: number;
}

export function summarize(values: readonly number[]): Summary {
  return {
    n: values.length,
    median: median(values),
    p25: quantile(values, 0.25),
    p75: quantile(values, 0.75),
    min: Math.min(...values),
    max: Math.max(...values),
  };
}

/**
 * Paired runs: sample i of `a` and sample i of `b` were taken side by side (same round, same
 * machine state), so the ratio of each pair cancels most of the drift a shared machine adds.
 * The figure reported is the median of the per-pair ratios a[i] / b[i], with its quartiles.
 */
export function pairedRatios(a: readonly number[], b: readonly number[]): number[] {
  if (a.length !== b.length) throw new RangeError(`paired samples differ in length: ${a.length} vs ${b.length}`);
  if (a.length === 0) throw new RangeError('no pairs');
  return a.map((value, i) => {
    const other = b[i] as number;
    if (!(other > 0)) throw new RangeError(`pair ${i}: the denominator must be positive, got ${other}`);
    return value / other;
  });
}

export interface RatioSummary {
  /** Median of the per-pair ratios: the figure that counts. */
  readonly median: number;
  readonly p25: number;
  readonly p75: number;
  readonly pairs: number;
}

export function pairedRatio(a: readonly number[], b: readonly number[]): RatioSummary {
  const ratios = pairedRatios(a, b);
  return { median: median(ratios), p25: quantile(ratios, 0.25), p75: quantile(ratios, 0.75), pairs: ratios.length };
}

/** Rounds to `digits` significant decimals for the report (never for comparisons). */
export const round = (value: number, digits = 3): number => Number(value.toFixed(digits));
