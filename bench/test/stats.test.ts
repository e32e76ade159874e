import { median, pairedRatio, pairedRatios, quantile, summarize } from '../src/stats';

describe('stats helpers', () => {
  it('takes the middle value of an odd sample and the mean of the middle two of an even one', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it('interpolates quantiles between closest ranks and leaves the input unsorted', () => {
    const sample = [10, 40, 20, 30];
    expect(quantile(sample, 0)).toBe(10);
    expect(quantile(sample, 1)).toBe(40);
    expect(quantile(sample, 0.25)).toBeCloseTo(17.5);
    expect(quantile(sample, 0.75)).toBeCloseTo(32.5);
    expect(sample).toEqual([10, 40, 20, 30]);
  });

  it('refuses an empty sample and a q outside [0, 1]', () => {
    expect(() => median([])).toThrow(RangeError);
    expect(() => quantile([1], 1.5)).toThrow(RangeError);
  });

  it('summarizes with quartiles and extremes', () => {
    expect(summarize([3, 1, 2])).toEqual({ n: 3, median: 2, p25: 1.5, p75: 2.5, min: 1, max: 3 });
  });

  it('pairs samples by position: the median of per-pair ratios, not the ratio of medians', () => {
    // Round 2 was slow for both: pairing cancels it.
    const ours = [10, 50, 12];
    const theirs = [20, 100, 24];
    expect(pairedRatios(ours, theirs)).toEqual([0.5, 0.5, 0.5]);
    expect(pairedRatio(ours, theirs)).toEqual({ median: 0.5, p25: 0.5, p75: 0.5, pairs: 3 });
    // The ratio of medians would differ: 12 / 24 = 0.5 here, but not in general.
    expect(pairedRatio([1, 9, 3], [2, 3, 12]).median).toBe(0.5);
    expect(median([1, 9, 3]) / median([2, 3, 12])).toBeCloseTo(1);
  });

  it('refuses unpaired samples and non-positive denominators', () => {
    expect(() => pairedRatios([1, 2], [1])).toThrow(RangeError);
    expect(() => pairedRatios([], [])).toThrow(RangeError);
    expect(() => pairedRatios([1], [0])).toThrow(RangeError);
  });
});
