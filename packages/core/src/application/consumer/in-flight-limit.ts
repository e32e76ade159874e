import type { StopSignal } from './stop-signal';

/**
 * The consumer's bound on messages in flight: received and not yet settled (deleted, released or
 * left). A poller reserves a whole receive's worth before it asks SQS (a receive may hand out that
 * many), gives back what the receive did not fill, and each message's slot comes back when it is
 * settled. So however far polling runs ahead of processing, the consumer never holds more than
 * `max` messages, and never more than it can heartbeat, process and delete.
 *
 * Waiters are served in arrival order: a poller waiting for a whole batch is not overtaken forever
 * by smaller reservations.
 */
export class InFlightLimit {
  private used = 0;
  private readonly waiters: { readonly count: number; readonly resolve: (reserved: boolean) => void }[] = [];

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1)
      throw new RangeError(`the in-flight limit must be a positive integer, got ${max}`);
  }

  /** Slots reserved or held right now. */
  get inUse(): number {
    return this.used;
  }

  /** Resolves true once `count` slots are reserved for the caller, or false if `stop` is raised first. */
  reserve(count: number, stop: StopSignal): Promise<boolean> {
    if (count > this.max) throw new RangeError(`cannot reserve ${count} of ${this.max} slots`);
    if (stop.aborted) return Promise.resolve(false);
    if (this.waiters.length === 0 && this.used + count <= this.max) {
      this.used += count;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const waiter = {
        count,
        resolve: (reserved: boolean) => {
          stop.removeEventListener('abort', onStop);
          resolve(reserved);
        },
      };
      const onStop = (): void => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        waiter.resolve(false);
        // The head may have changed: someone behind the one that left may fit now.
        this.serve();
      };
      stop.addEventListener('abort', onStop);
      this.waiters.push(waiter);
    });
  }

  /** Gives `count` slots back (a receive that came back short, a message settled). */
  release(count: number): void {
    if (count <= 0) return;
    this.used = Math.max(0, this.used - count);
    this.serve();
  }

  private serve(): void {
    for (let head = this.waiters[0]; head && this.used + head.count <= this.max; head = this.waiters[0]) {
      this.waiters.shift();
      this.used += head.count;
      head.resolve(true);
    }
  }
}
