import { describeError, type ErrorDescription } from '../../errors/infrastructure-error';
import type { Scheduler } from '../../ports/scheduler';

/** A run of receives that all failed: since when, how many, and why the last one did. */
export interface ReceiveFailing {
  /** When the first of them failed (the scheduler's clock, ms since the epoch). */
  readonly sinceMs: number;
  /** Receives failed since then, in a row (every poller's). */
  readonly failures: number;
  /** Why the last one failed, in one sentence (never a payload). */
  readonly lastError: ErrorDescription;
}

export interface ReceiveFailuresOptions {
  /** Give up once every receive has failed for this long (ms); 0: never. */
  readonly giveUpAfterMs: number;
  /** Called once, when the consumer should stop because it cannot receive. */
  readonly onGiveUp: (failing: ReceiveFailing) => void;
}

/**
 * Says whether the consumer is failing — every receive since some moment has failed — and when it
 * has been failing long enough to give up, so that a supervisor restarts the process instead of a
 * consumer that looks alive while it consumes nothing. One receive that succeeds ends the run of
 * failures and resets the bound.
 *
 * Once the bound has passed, the consumer gives up at once if no receive is out; a receive still
 * out may yet succeed (a healthy long poll takes up to 20 s to answer an empty queue), so otherwise
 * it gives up when the next one fails.
 */
export class ReceiveFailures {
  private failing: ReceiveFailing | undefined;
  private out = 0;
  private boundPassed = false;
  private cancelBound: (() => void) | undefined;
  private gaveUp = false;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly options: ReceiveFailuresOptions,
  ) {
    if (!Number.isFinite(options.giveUpAfterMs) || options.giveUpAfterMs < 0)
      throw new RangeError('the time to give up after must be 0 (never) or more ms');
  }

  /** The run of failures going on, if any. */
  get current(): ReceiveFailing | undefined {
    return this.failing;
  }

  /** A receive went out. */
  sent(): void {
    this.out++;
  }

  /** A receive failed: the run of failures it belongs to. */
  failed(error: unknown): ReceiveFailing {
    this.out--;
    const lastError = describeError(error);
    const failing: ReceiveFailing = this.failing
      ? { ...this.failing, failures: this.failing.failures + 1, lastError }
      : { sinceMs: this.scheduler.now(), failures: 1, lastError };
    if (this.failing === undefined && this.options.giveUpAfterMs > 0) {
      this.cancelBound = this.scheduler.after(this.options.giveUpAfterMs, () => {
        this.cancelBound = undefined;
        this.boundPassed = true;
        if (this.out === 0) this.giveUp();
      });
    }
    this.failing = failing;
    if (this.boundPassed) this.giveUp();
    return failing;
  }

  /** A receive was answered: the run of failures it ended, if any. */
  succeeded(): ReceiveFailing | undefined {
    this.out--;
    const ended = this.failing;
    this.reset();
    return ended;
  }

  /** A receive was cut short by the consumer itself: it says nothing either way. */
  cut(): void {
    this.out--;
  }

  /** The run is over: no more giving up (what `current` says stays, for the report). */
  close(): void {
    this.cancelBound?.();
    this.cancelBound = undefined;
    this.gaveUp = true;
  }

  private giveUp(): void {
    if (this.gaveUp || this.failing === undefined) return;
    this.gaveUp = true;
    this.options.onGiveUp(this.failing);
  }

  private reset(): void {
    this.cancelBound?.();
    this.cancelBound = undefined;
    this.boundPassed = false;
    this.failing = undefined;
  }
}
