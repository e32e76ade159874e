import type { AbortSignalLike, Scheduler } from '@orders/core';
import type { ManualClock } from './manual-clock';

interface RepeatingTask {
  nextAt: number;
  /** 0: runs once. */
  readonly everyMs: number;
  readonly task: () => void;
}

/**
 * A Scheduler on a ManualClock: `sleep` moves the clock forward (running any repeating task that
 * falls due on the way) instead of waiting, so a consumer's idle pauses and heartbeats are
 * simulated instantly and deterministically.
 */
export class ManualScheduler implements Scheduler {
  private readonly tasks = new Set<RepeatingTask>();

  constructor(readonly clock: ManualClock) {}

  now(): number {
    return this.clock.now();
  }

  async sleep(ms: number, signal?: AbortSignalLike): Promise<void> {
    if (signal?.aborted) return;
    this.advance(ms);
  }

  every(ms: number, task: () => void): () => void {
    if (!(ms > 0)) throw new RangeError('a repeating task needs a positive period');
    const entry: RepeatingTask = { nextAt: this.clock.now() + ms, everyMs: ms, task };
    this.tasks.add(entry);
    return () => {
      this.tasks.delete(entry);
    };
  }

  after(ms: number, task: () => void): () => void {
    if (!(ms >= 0)) throw new RangeError('a delay cannot be negative');
    const entry: RepeatingTask = { nextAt: this.clock.now() + ms, everyMs: 0, task };
    this.tasks.add(entry);
    return () => {
      this.tasks.delete(entry);
    };
  }

  /** Moves the clock forward by `ms`, running due tasks at their due times, in time order. */
  advance(ms: number): void {
    const target = this.clock.now() + ms;
    for (;;) {
      let next: RepeatingTask | undefined;
      for (const task of this.tasks) if (task.nextAt <= target && (!next || task.nextAt < next.nextAt)) next = task;
      if (!next) break;
      this.clock.advanceTo(next.nextAt);
      if (next.everyMs === 0) this.tasks.delete(next);
      else next.nextAt += next.everyMs;
      next.task();
    }
    this.clock.advanceTo(target);
  }
}
