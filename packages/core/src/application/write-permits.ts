import type { AbortSignalLike } from '../ports/abort-signal';
import type { AdaptiveConcurrency, ConcurrencyChange } from './adaptive-concurrency';

/** How a write ended, as the limit reads it: throttled, succeeded, or something else (no signal). */
export type WriteEnd = 'succeeded' | 'throttled' | 'other';

/** One write's slot: given back once, saying how the write ended. */
export interface WritePermit {
  /**
   * The store pushed back on this write (an attempt throttled, the SDK about to retry it): the
   * limit's change, when it moved. Said at the first throttled attempt, while the writes that met
   * the throttling are still in flight — by the time the write ends, after the SDK's backoff, the
   * others of its round have ended and "half of what is in flight" would read as half of one.
   * Once per permit; later calls do nothing.
   */
  throttled(): ConcurrencyChange | undefined;
  /** Frees the slot; the limit's change, when this write moved it. Later calls do nothing. */
  release(end: WriteEnd): ConcurrencyChange | undefined;
}

/**
 * The process's writes in flight, held under an {@link AdaptiveConcurrency} limit: a write takes a
 * permit before it starts and gives it back when it ends, whichever batch it belongs to, so the sum
 * of the process's writes follows the one limit. When the limit is cut below what is in flight,
 * no write starts until enough have ended. Waiters are served in arrival order; one whose signal
 * aborts leaves the line without a permit.
 */
export class WritePermits {
  private running = 0;
  private readonly waiters: { readonly grant: () => void }[] = [];

  constructor(readonly limit: AdaptiveConcurrency) {}

  /** Writes holding a permit now. */
  get inFlight(): number {
    return this.running;
  }

  /** A permit now, if one is free and nobody is waiting for one; else undefined. */
  tryAcquire(): WritePermit | undefined {
    return this.waiters.length === 0 && this.running < this.limit.limit ? this.grant() : undefined;
  }

  /** A permit once one is free, or undefined if `signal` aborts first. */
  acquire(signal?: AbortSignalLike): Promise<WritePermit | undefined> {
    if (signal?.aborted) return Promise.resolve(undefined);
    const now = this.tryAcquire();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise((resolve) => {
      const waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(this.grant());
        },
      };
      const onAbort = (): void => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        resolve(undefined);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  private grant(): WritePermit {
    this.running++;
    const round = this.limit.round;
    let released = false;
    let pushedBack = false;
    return {
      throttled: () => {
        if (released || pushedBack) return undefined;
        pushedBack = true;
        return this.limit.throttled(round, this.running);
      },
      release: (end) => {
        if (released) return undefined;
        released = true;
        // The throttled write counts among those in flight when it was throttled.
        const inFlight = this.running;
        this.running--;
        // Said again at the end (a write already counted in its round cuts nothing twice): any
        // throttling restarts the recovery window, and a store that reports no attempts is heard here.
        const change =
          end === 'throttled'
            ? this.limit.throttled(round, inFlight)
            : end === 'succeeded'
              ? this.limit.succeeded()
              : undefined;
        this.serve();
        return change;
      },
    };
  }

  private serve(): void {
    while (this.waiters.length > 0 && this.running < this.limit.limit) this.waiters.shift()?.grant();
  }
}
