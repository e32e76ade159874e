import fc from 'fast-check';
import { AdaptiveConcurrency, DEFAULT_CONCURRENCY_INCREASE_INTERVAL_MS } from '../../src';
import { type WritePermit, WritePermits } from '../../src/application/write-permits';
import { ManualClock } from '../support/recording-metrics';

const limiter = (max: number, clock = new ManualClock(), increaseIntervalMs = 1_000) => ({
  clock,
  limit: new AdaptiveConcurrency({ max, clock, increaseIntervalMs }),
});

describe('AdaptiveConcurrency: the AIMD rule', () => {
  it('starts at its ceiling and recovers one step per second by default', () => {
    expect(DEFAULT_CONCURRENCY_INCREASE_INTERVAL_MS).toBe(1_000);
    const clock = new ManualClock();
    const limit = new AdaptiveConcurrency({ max: 8, clock });
    expect(limit.limit).toBe(8);
    limit.throttled(limit.round, 8);
    clock.current += 999;
    expect(limit.succeeded()).toBeUndefined();
    clock.current += 1;
    expect(limit.succeeded()).toEqual({ from: 4, to: 5, reason: 'recovered' });
  });

  it.each([0, -1, 2.5, Number.NaN])('refuses a ceiling of %p', (max) => {
    expect(() => new AdaptiveConcurrency({ max, clock: new ManualClock() })).toThrow(RangeError);
  });

  it.each([0, -5, Number.POSITIVE_INFINITY])('refuses an increase interval of %p', (increaseIntervalMs) => {
    expect(() => new AdaptiveConcurrency({ max: 4, clock: new ManualClock(), increaseIntervalMs })).toThrow(RangeError);
  });

  it('halves what was in flight when a write is throttled, not a limit that was not binding', () => {
    const { limit } = limiter(100);
    // A Lambda batch of 10 under a ceiling of 100: halving the ceiling (50) would change nothing.
    expect(limit.throttled(limit.round, 10)).toEqual({ from: 100, to: 5, reason: 'throttled' });
    expect(limit.limit).toBe(5);
  });

  it('never cuts to more than half the limit, nor below 1', () => {
    const { limit } = limiter(16);
    expect(limit.throttled(limit.round, 40)).toEqual({ from: 16, to: 8, reason: 'throttled' });
    expect(limit.throttled(limit.round, 1)).toEqual({ from: 8, to: 1, reason: 'throttled' });
    // At the floor: nothing to cut, no change reported.
    expect(limit.throttled(limit.round, 1)).toBeUndefined();
    expect(limit.limit).toBe(1);
  });

  it('cuts once per round: a burst of throttled writes that started together halves the limit once', () => {
    const { limit } = limiter(32);
    const round = limit.round;
    const changes = Array.from({ length: 20 }, (_, i) => limit.throttled(round, 32 - i));
    expect(changes.filter((change) => change !== undefined)).toEqual([{ from: 32, to: 16, reason: 'throttled' }]);
    expect(limit.limit).toBe(16);
    // A write started after that cut, throttled again: the pressure is still there, cut again.
    expect(limit.throttled(limit.round, 16)).toEqual({ from: 16, to: 8, reason: 'throttled' });
  });

  it('recovers one step per window of successful writes, up to its ceiling and no further', () => {
    const { clock, limit } = limiter(6);
    limit.throttled(limit.round, 4);
    expect(limit.limit).toBe(2);
    const seen: number[] = [];
    for (let second = 0; second < 10; second++) {
      // Many successes within one window make one step, not one each.
      for (let i = 0; i < 50; i++) limit.succeeded();
      seen.push(limit.limit);
      clock.current += 1_000;
    }
    expect(seen).toEqual([2, 3, 4, 5, 6, 6, 6, 6, 6, 6]);
  });

  it('needs a success to grow: an idle process keeps its limit however long it waits', () => {
    const { clock, limit } = limiter(10);
    limit.throttled(limit.round, 10);
    clock.current += 60_000;
    expect(limit.limit).toBe(5);
    // The first success after the idle minute is one window's evidence: one step, not sixty.
    expect(limit.succeeded()).toEqual({ from: 5, to: 6, reason: 'recovered' });
    expect(limit.succeeded()).toBeUndefined();
  });

  it('does not thrash: throttling that keeps coming, even from an earlier round, never lets it grow', () => {
    const { clock, limit } = limiter(20);
    const early = limit.round;
    limit.throttled(early, 20);
    expect(limit.limit).toBe(10);
    const seen: number[] = [];
    for (let i = 0; i < 40; i++) {
      clock.current += 600;
      // A write of the first round, still retrying, throttled again: no second cut, but no growth.
      limit.throttled(early, 10);
      clock.current += 600;
      limit.succeeded();
      seen.push(limit.limit);
    }
    expect(new Set(seen)).toEqual(new Set([10]));
  });

  it('stays between 1 and its ceiling whatever the writes report', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.array(
          fc.record({
            kind: fc.constantFrom('throttled', 'succeeded'),
            staleRound: fc.boolean(),
            inFlight: fc.integer({ min: 0, max: 400 }),
            advanceMs: fc.integer({ min: 0, max: 3_000 }),
          }),
          { maxLength: 200 },
        ),
        (max, events) => {
          const { clock, limit } = limiter(max);
          for (const event of events) {
            clock.current += event.advanceMs;
            const before = limit.limit;
            const change =
              event.kind === 'throttled'
                ? limit.throttled(event.staleRound ? limit.round - 1 : limit.round, event.inFlight)
                : limit.succeeded();
            if (limit.limit < 1 || limit.limit > max || !Number.isInteger(limit.limit)) return false;
            // A reported change is the change that happened; no report, no change.
            if (change === undefined ? limit.limit !== before : change.from !== before || change.to !== limit.limit)
              return false;
            // Up by one at most, down to half at most.
            if (limit.limit > before + 1 || (limit.limit < before && limit.limit > Math.floor(before / 2)))
              return false;
          }
          return true;
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('WritePermits: the writes in flight, under the limit', () => {
  it('grants up to the limit at once, then in arrival order as permits come back', async () => {
    const { limit } = limiter(2);
    const permits = new WritePermits(limit);
    const a = permits.tryAcquire();
    const b = permits.tryAcquire();
    expect(permits.tryAcquire()).toBeUndefined();
    const order: string[] = [];
    const inOrder = (name: string) => (permit: WritePermit | undefined) => {
      order.push(name);
      return permit;
    };
    const c = permits.acquire().then(inOrder('c'));
    const d = permits.acquire().then(inOrder('d'));
    expect(permits.inFlight).toBe(2);
    b?.release('succeeded');
    expect(permits.inFlight).toBe(2);
    a?.release('succeeded');
    await Promise.all([c, d]);
    expect(order).toEqual(['c', 'd']);
    // Nobody jumps the line: with waiters queued, tryAcquire gives nothing even if a slot is free.
    const e = permits.acquire();
    const f = permits.acquire();
    (await c)?.release('other');
    expect(permits.tryAcquire()).toBeUndefined();
    await e;
    (await d)?.release('other');
    await f;
    expect(permits.inFlight).toBe(2);
  });

  it('starts nothing new after a cut until what is in flight has come under the new limit', async () => {
    const { limit } = limiter(8);
    const permits = new WritePermits(limit);
    const held = Array.from({ length: 8 }, () => permits.tryAcquire());
    // One of the eight throttled with all eight in flight: the limit becomes 4.
    expect(held[0]?.release('throttled')).toEqual({ from: 8, to: 4, reason: 'throttled' });
    let granted = 0;
    const waiting = Array.from({ length: 3 }, () =>
      permits.acquire().then((permit) => {
        granted++;
        return permit;
      }),
    );
    for (let i = 1; i <= 3; i++) held[i]?.release('succeeded');
    await Promise.resolve();
    expect(permits.inFlight).toBe(4);
    expect(granted).toBe(0);
    held[4]?.release('succeeded');
    await waiting[0];
    expect(granted).toBe(1);
    expect(permits.inFlight).toBe(4);
  });

  it('counts a throttled write once however often its permit is given back', () => {
    const { limit } = limiter(8);
    const permits = new WritePermits(limit);
    const permit = permits.tryAcquire();
    permits.tryAcquire();
    expect(permit?.release('throttled')).toEqual({ from: 8, to: 1, reason: 'throttled' });
    expect(permit?.release('throttled')).toBeUndefined();
    expect(permits.inFlight).toBe(1);
  });

  it('lets a waiter whose signal aborts leave the line without a permit', async () => {
    const { limit } = limiter(1);
    const permits = new WritePermits(limit);
    const first = permits.tryAcquire();
    const controller = new AbortController();
    const leaving = permits.acquire(controller.signal);
    const staying = permits.acquire();
    controller.abort();
    await expect(leaving).resolves.toBeUndefined();
    first?.release('succeeded');
    await expect(staying).resolves.toBeDefined();
    expect(permits.inFlight).toBe(1);
    await expect(permits.acquire(controller.signal)).resolves.toBeUndefined();
  });
});
