import type { Context } from 'aws-lambda';
import { RecordingLogger } from '@orders/testkit';
import { FLUSH_DEFAULT_BUDGET_MS, FLUSH_RESERVE_MS, traceFlusher } from '../../src/invocation/flush-traces';

const contextWithRemaining = (ms: number) => ({ getRemainingTimeInMillis: () => ms }) as unknown as Context;

describe('traceFlusher', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('waits for a flush that ends in time, and says nothing', async () => {
    const logger = new RecordingLogger();
    let flushed = 0;
    const flush = traceFlusher(async () => {
      flushed++;
    });
    await flush(contextWithRemaining(10_000), logger);
    expect(flushed).toBe(1);
    expect(logger.calls).toEqual([]);
  });

  it('stops waiting when the invocation must answer (its remaining time less the reserve), saying so once', async () => {
    const logger = new RecordingLogger();
    const flush = traceFlusher(() => new Promise<void>(() => undefined)); // a collector that never answers
    let done = false;
    const first = flush(contextWithRemaining(FLUSH_RESERVE_MS + 1_000), logger).then(() => {
      done = true;
    });
    await jest.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await first;
    expect(done).toBe(true);
    const second = flush(contextWithRemaining(FLUSH_RESERVE_MS + 10), logger);
    await jest.advanceTimersByTimeAsync(10);
    await second;
    expect(logger.calls.map((call) => [call.level, call.fields['flushBudgetMs']])).toEqual([['warn', 1_000]]);
  });

  it('does not start a flush when no time is left, and bounds one with no known deadline', async () => {
    const logger = new RecordingLogger();
    let started = 0;
    const flush = traceFlusher(() => {
      started++;
      return new Promise<void>(() => undefined);
    });
    await flush(contextWithRemaining(FLUSH_RESERVE_MS), logger);
    expect(started).toBe(0);
    const unknown = flush(undefined, logger);
    await jest.advanceTimersByTimeAsync(FLUSH_DEFAULT_BUDGET_MS);
    await unknown;
    expect(started).toBe(1);
  });
});
