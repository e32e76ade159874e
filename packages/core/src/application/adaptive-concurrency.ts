import type { Clock } from '../ports/clock';

/** How the limit moved, and why. */
export interface ConcurrencyChange {
  readonly from: number;
  readonly to: number;
  /** `throttled`: cut under the store's pressure; `recovered`: one more after a window without it. */
  readonly reason: 'throttled' | 'recovered';
}

export interface AdaptiveConcurrencyOptions {
  /** The ceiling, and where the limit starts: the configured concurrency. */
  readonly max: number;
  /** Time for the recovery windows (a manual clock in tests and simulations). */
  readonly clock: Clock;
  /**
   * How long writes must go on succeeding, with no throttling seen, before the limit grows by one
   * (ms, default {@link DEFAULT_CONCURRENCY_INCREASE_INTERVAL_MS}).
   */
  readonly increaseIntervalMs?: number;
}

/**
 * One step up per second: DynamoDB meters a partition's throughput per second (1,000 write units),
 * so a second without throttling is the shortest span that says a partition has capacity to spare.
 */
export const DEFAULT_CONCURRENCY_INCREASE_INTERVAL_MS = 1_000;

/** The floor: one write at a time still makes progress, and each of its answers is a fresh signal. */
const MIN_LIMIT = 1;

/**
 * How many writes a process may have in flight while the store pushes back: AIMD (additive
 * increase, multiplicative decrease), the rule TCP congestion control runs on (RFC 5681).
 *
 * - **Throttled** (a write the store throttled, on any attempt, whether a retry then succeeded):
 *   the limit becomes half of what was in flight at that moment, the throttled write included
 *   (never more than half the limit, never below 1) — half of what was actually in flight, as TCP
 *   halves its flight size rather than its window, so a limit that was not the bottleneck (100,
 *   over a Lambda batch of 10) still cuts to something that binds. **Once per round**: a write
 *   that started before the last cut reports pressure that cut already answered, so a burst of
 *   throttled writes from one round halves the limit once, not once each (no collapse to 1 on one
 *   burst). Any throttling, of this round or an earlier one, restarts the recovery window.
 * - **Succeeded**: at the first success once `increaseIntervalMs` has passed since the last change
 *   or the last throttling, the limit grows by one, up to `max`. Recovery needs evidence: no
 *   success, no growth (an idle process keeps its limit).
 * - Other failures (a timeout, a network reset) move nothing: they say nothing about how much the
 *   store will take.
 *
 * Why AIMD: the processes writing to one hot partition (Lambda environments, consumers) share no
 * state. Under AIMD, independent writers reacting to the same congestion signal converge to a
 * fair, full use of the shared capacity (Chiu & Jain, 1989); a multiplicative cut backs off from
 * overload in a few rounds, an additive step probes for capacity gently. Why a time window rather
 * than TCP's step per round trip: a throttled write costs far more than a round trip (the SDK
 * backs off for about a second, and a write that stays throttled fails its record into a paced
 * retry), so probing every few milliseconds would keep a hot partition saturated.
 *
 * Pure: no timers, no I/O; time is read from the injected clock only when a write ends.
 */
export class AdaptiveConcurrency {
  readonly max: number;
  private readonly clock: Clock;
  private readonly increaseIntervalMs: number;
  private current: number;
  /** Cuts so far: a write remembers the round it started in, to be counted once. */
  private cuts = 0;
  private windowStartedAt: number;

  constructor(options: AdaptiveConcurrencyOptions) {
    const { max } = options;
    if (!Number.isInteger(max) || max < MIN_LIMIT)
      throw new RangeError(`the concurrency ceiling must be a positive integer, got ${String(max)}`);
    const interval = options.increaseIntervalMs ?? DEFAULT_CONCURRENCY_INCREASE_INTERVAL_MS;
    if (!Number.isFinite(interval) || interval <= 0)
      throw new RangeError(`increaseIntervalMs must be a positive number of ms, got ${String(interval)}`);
    this.max = max;
    this.clock = options.clock;
    this.increaseIntervalMs = interval;
    this.current = max;
    this.windowStartedAt = options.clock.now();
  }

  /** Writes allowed in flight now. */
  get limit(): number {
    return this.current;
  }

  /** The round a write starting now belongs to: hand it back to {@link throttled}. */
  get round(): number {
    return this.cuts;
  }

  /**
   * A write of round `startedInRound` was throttled while `inFlight` writes (itself included) were
   * in flight: the change, when the limit moved.
   */
  throttled(startedInRound: number, inFlight: number): ConcurrencyChange | undefined {
    this.windowStartedAt = this.clock.now();
    if (startedInRound !== this.cuts) return undefined;
    this.cuts++;
    const from = this.current;
    this.current = Math.max(MIN_LIMIT, Math.floor(Math.min(from, Math.max(inFlight, 1)) / 2));
    return this.current === from ? undefined : { from, to: this.current, reason: 'throttled' };
  }

  /** A write succeeded with no attempt throttled: the change, when the limit moved. */
  succeeded(): ConcurrencyChange | undefined {
    if (this.current >= this.max) return undefined;
    const now = this.clock.now();
    if (now - this.windowStartedAt < this.increaseIntervalMs) return undefined;
    this.windowStartedAt = now;
    const from = this.current;
    this.current++;
    return { from, to: this.current, reason: 'recovered' };
  }
}
