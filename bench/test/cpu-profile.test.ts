import { type CpuProfile, placeOf, summarizeProfile } from '../src/consumers/cpu-profile';

const frame = (functionName: string, url: string, lineNumber = 0) => ({ functionName, url, lineNumber });
const SMITHY = 'file:///repo/node_modules/.pnpm/@smithy+core@3.0.0/node_modules/@smithy/core/dist-cjs/index.js';
const CORE = 'file:///repo/packages/core/dist/application/queue-consumer.js';

/** Samples every 1,000 µs from 10,000 µs: `nodes[i]` sampled at 10,000 + (i + 1) × 1,000. */
function profileOf(sampled: number[]): CpuProfile {
  return {
    nodes: [
      { id: 1, callFrame: frame('(root)', '') },
      { id: 2, callFrame: frame('(idle)', '') },
      { id: 3, callFrame: frame('(garbage collector)', '') },
      { id: 4, callFrame: frame('resolve', SMITHY, 41) },
      { id: 5, callFrame: frame('settle', CORE, 9) },
      { id: 6, callFrame: frame('listOnTimeout', 'node:internal/timers') },
    ],
    startTime: 10_000,
    endTime: 10_000 + (sampled.length + 1) * 1000,
    samples: sampled,
    timeDeltas: sampled.map(() => 1000),
  };
}

describe('a CPU profile reduced to self time', () => {
  it('names the package and file of a frame: node_modules, the workspace, node itself, V8', () => {
    expect(placeOf('resolve', SMITHY)).toEqual({
      area: 'AWS SDK (@aws-sdk, @smithy, @aws-crypto)',
      packageName: '@smithy/core',
      file: '@smithy/core/dist-cjs/index.js',
    });
    expect(placeOf('settle', CORE)).toEqual({
      area: 'ours: @orders/core',
      packageName: '@orders/core',
      file: '@orders/core/dist/application/queue-consumer.js',
    });
    expect(placeOf('listOnTimeout', 'node:internal/timers').area).toBe('node: timers');
    expect(placeOf('onStreamRead', 'node:internal/stream_base_commons').packageName).toBe(
      'node:internal/stream_base_commons',
    );
    expect(placeOf('(garbage collector)', '').area).toBe('GC');
  });

  it('shares the measured CPU time by samples, leaves idle out, and keeps to the window', () => {
    // Samples at 11,000 … 18,000 µs; the window 12,500–16,500 holds those at 13,000 … 16,000.
    const profile = profileOf([4, 4, 4, 5, 2, 3, 6, 4]);
    const summary = summarizeProfile(profile, { window: { from: 12_500, to: 16_500 }, cpuMs: 30 });
    expect(summary.windowed).toBe(true);
    // 13,000 (smithy), 14,000 (core), 15,000 (idle: left out), 16,000 (GC).
    expect(summary.samples).toBe(3);
    expect(summary.byPackage).toEqual([
      { name: '@smithy/core', ms: 10, share: 1 / 3 },
      { name: '@orders/core', ms: 10, share: 1 / 3 },
      { name: '(GC)', ms: 10, share: 1 / 3 },
    ]);
    expect(summary.byFunction.map((share) => share.name)).toContain(
      'settle @orders/core/dist/application/queue-consumer.js:10',
    );
  });

  it('counts a sample as one sample, however late it came', () => {
    const profile = { ...profileOf([4, 5, 5]), timeDeltas: [1000, 1000, 50_000] };
    expect(summarizeProfile(profile).byPackage.map((share) => [share.name, share.share])).toEqual([
      ['@orders/core', 2 / 3],
      ['@smithy/core', 1 / 3],
    ]);
  });

  it('uses the whole profile when the window is not in it, and estimates the CPU time from the samples', () => {
    const summary = summarizeProfile(profileOf([4, 5, 6, 4]), { window: { from: 1, to: 2 } });
    expect(summary.windowed).toBe(false);
    expect(summary.cpuMs).toBe(4); // 4 samples, 1 ms apart
    expect(summary.byArea).toEqual([
      { name: 'AWS SDK (@aws-sdk, @smithy, @aws-crypto)', ms: 2, share: 0.5 },
      { name: 'ours: @orders/core', ms: 1, share: 0.25 },
      { name: 'node: timers', ms: 1, share: 0.25 },
    ]);
  });
});
