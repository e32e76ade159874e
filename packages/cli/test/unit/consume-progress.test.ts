import { ConsumeProgress } from '../../src/consume/consume-progress';

const batch = (
  counts: Partial<Record<'created' | 'updated' | 'duplicate' | 'stale' | 'invalid' | 'failed', number>>,
) => {
  const full = { created: 0, updated: 0, duplicate: 0, conflict: 0, stale: 0, invalid: 0, failed: 0, ...counts };
  return { counts: full, failures: [], batchSize: Object.values(full).reduce((a, b) => a + b, 0), durationMs: 5 };
};

describe('ConsumeProgress (the status line of orders consume on a terminal)', () => {
  it('counts what happened and shows the recent rate, not the average since start', () => {
    const written: string[] = [];
    const progress = new ConsumeProgress('OrderQueue', { isTTY: true, write: (text) => written.push(text) });
    expect(progress.line(0)).toBe(
      'consuming OrderQueue · 0 received (0/s) · 0 stored · 0 already stored or older · Ctrl-C stops',
    );
    progress.recordBatch(batch({ created: 8, duplicate: 1, invalid: 1 }));
    expect(progress.line(1_000)).toBe(
      'consuming OrderQueue · 10 received (10/s) · 8 stored · 1 already stored or older · 1 rejected as invalid · Ctrl-C stops',
    );
    progress.recordBatch(batch({ updated: 5, failed: 5 }));
    expect(progress.line(2_000)).toContain('20 received (10/s) · 13 stored');
    expect(progress.line(2_000)).toContain('5 failed (retried later)');
    // Idle for a while: the rate falls to 0 once the window has passed.
    for (let t = 3_000; t <= 9_000; t += 1_000) progress.line(t);
    expect(progress.line(10_000)).toContain('20 received (0/s)');
  });

  it('clears its line before other output and at the end', () => {
    const written: string[] = [];
    const progress = new ConsumeProgress('OrderQueue', { isTTY: true, write: (text) => written.push(text) });
    progress.start();
    progress.stop();
    expect(written[0]?.startsWith('\r\u001b[Kconsuming OrderQueue')).toBe(true);
    expect(written.at(-1)).toBe('\r\u001b[K');
  });
});
