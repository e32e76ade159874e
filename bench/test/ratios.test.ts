import { oursOverReferences, pairedRatioOf } from '../src/ratios';

describe('the report ratios', () => {
  it('pairs two samples round by round', () => {
    const ratio = pairedRatioOf([8, 9], [10, 10]);
    expect(ratio?.median).toBeCloseTo(0.85);
    expect(ratio?.pairs).toBe(2);
  });

  it('gives no ratio, rather than an error, when a side is missing, empty or not paired', () => {
    expect(pairedRatioOf(undefined, [1])).toBeUndefined();
    expect(pairedRatioOf([1], undefined)).toBeUndefined();
    expect(pairedRatioOf([], [])).toBeUndefined();
    expect(pairedRatioOf([1, 2], [1])).toBeUndefined();
  });

  it('sets ours over each deployed reference', () => {
    const samples: Record<string, number[]> = { ours: [50], 'seed-style': [100], 'powertools-style': [200] };
    const ratios = oursOverReferences((name) => samples[name]);
    expect(Object.keys(ratios)).toEqual(['ours_seed', 'ours_powertools', 'ours_floor']);
    expect(ratios.ours_seed?.median).toBe(0.5);
    expect(ratios.ours_powertools?.median).toBe(0.25);
    expect(ratios.ours_floor).toBeUndefined();
  });
});
