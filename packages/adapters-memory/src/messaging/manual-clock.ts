import type { Clock } from '@orders/core';

/**
 * A clock that only moves when told to. The queue simulator reads time from it, so visibility
 * timeouts expire instantly and a run with thousands of messages takes milliseconds, the same
 * way every time.
 */
export class ManualClock implements Clock {
  constructor(private current = Date.UTC(2025, 4, 3, 12)) {}

  now(): number {
    return this.current;
  }

  advance(milliseconds: number): void {
    if (milliseconds < 0) throw new RangeError('a clock cannot go backwards');
    this.current += milliseconds;
  }

  /** Moves to `time` if that is later; never backwards. */
  advanceTo(time: number): void {
    if (time > this.current) this.current = time;
  }
}
