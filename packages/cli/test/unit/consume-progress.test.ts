import type { ReceiveFailing } from '@orders/core';
import { ConsumeProgress } from '../../src/consume/consume-progress';
import { failingExitSentence } from '../../src/consume/failing-exit';
import { stopAnnouncement } from '../../src/consume/stop-announcement';

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

describe('ConsumeProgress when receives or deletes fail', () => {
  const CLEAR_LINE = '\r\u001b[K';
  /** What a terminal shows of a line: what follows its last clear. */
  const afterLastClear = (line: string): string => {
    const at = line.lastIndexOf(CLEAR_LINE);
    return at < 0 ? line : line.slice(at + CLEAR_LINE.length);
  };
  const CAUSE = 'Could not reach the AWS endpoint 127.0.0.1:5055; check that the emulator is running.';
  const failing = (failures: number, message = CAUSE): ReceiveFailing => ({
    sinceMs: 10_000,
    failures,
    lastError: { name: 'EndpointUnreachableError', code: 'endpoint_unreachable', message, failureClass: 'transient' },
  });

  function setUp() {
    const written: string[] = [];
    let now = 10_000;
    const progress = new ConsumeProgress(
      'OrderQueue',
      { isTTY: true, write: (text) => written.push(text) },
      { exitAfterFailingSeconds: 60, now: () => now },
    );
    const lines = () => written.join('').split('\n').slice(0, -1).map(afterLastClear);
    return { progress, written, lines, at: (ms: number) => (now = ms) };
  }

  it('says the cause in a line of its own at the first failed receive, and shows for how long on the status line', () => {
    const s = setUp();
    s.progress.start();
    s.progress.receiveFailed(failing(1));
    expect(s.lines()).toEqual([
      `orders consume: receive failed (retrying; exits if every receive fails for 60 s): ${CAUSE}`,
    ]);
    // The status line is drawn again under it.
    expect(s.written.at(-1)?.startsWith(`${CLEAR_LINE}consuming OrderQueue`)).toBe(true);
    s.at(22_000);
    s.progress.receiveFailed(failing(2));
    expect(s.lines()).toHaveLength(1); // the same cause is not said twice
    // but the status line is drawn again at once: it is never behind what happened.
    expect(s.written.at(-1)).toContain('receives failing for 12 s (2 in a row');
    expect(s.progress.line()).toContain(
      'receives failing for 12 s (2 in a row, exits at 60 s): endpoint_unreachable · Ctrl-C stops',
    );
    s.progress.receiveFailed(failing(3, 'SQS ReceiveMessage failed: access denied (AccessDenied).'));
    expect(s.lines()).toHaveLength(2); // a new cause is
    s.at(24_500);
    s.progress.receiveRecovered(failing(3));
    expect(s.lines().at(-1)).toBe('orders consume: receiving again after 15 s (3 failed receives).');
    // Afterwards the status line keeps the count, which the report will say too.
    expect(s.progress.line()).toContain('3 receive errors · Ctrl-C stops');
    expect(s.progress.line()).not.toContain('failing');
    s.progress.stop();
  });

  it('counts every failed delete, and says the same cause again at most every 10 s', () => {
    const s = setUp();
    const deletes = (count: number, message = CAUSE) => s.progress.deletesFailed({ count, code: 'x', message });
    deletes(10);
    s.at(15_000);
    deletes(3);
    expect(s.lines()).toEqual([
      `orders consume: 10 deletes failed (the messages come back and are applied again, harmlessly): ${CAUSE}`,
    ]);
    deletes(1, 'SQS did not delete this message');
    s.at(20_000);
    deletes(2);
    expect(s.lines()).toHaveLength(3);
    expect(s.progress.line()).toContain('16 delete failures · Ctrl-C stops');
  });

  it('ends with one sentence naming the exit code, the bound and the last cause', () => {
    const sentence = failingExitSentence(
      {
        batches: 0,
        received: 0,
        acknowledged: 0,
        deletedLate: 0,
        failed: 0,
        deleteFailures: 0,
        receiveErrors: 9,
        timedOutBatches: 0,
        timedOut: 0,
        heartbeatFailures: 0,
        releaseFailures: 0,
        left: 0,
        handedBack: 0,
        abandonedRunning: 0,
        stoppedBy: 'failing',
        stopTimedOut: false,
        receiveFailing: failing(9),
      },
      60,
    );
    expect(sentence).toBe(
      `orders consume: exiting with code 75, for a supervisor to restart it: every receive failed for 60 s, the last of 9: ${CAUSE}`,
    );
  });
});

describe('what the first Ctrl-C on orders consume says it waits for', () => {
  it('is what the consumer does: the messages in hand, for the stop timeout, then the hand-back — not a long poll', () => {
    expect(stopAnnouncement(10)).toBe('the messages in hand for at most 10 s, then handing back what is left');
    expect(stopAnnouncement(0)).toBe('nothing: the messages in hand go back to the queue at once');
    expect(stopAnnouncement(10)).not.toMatch(/long poll/);
  });
});
