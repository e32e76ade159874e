import type { Scheduler } from '../../ports/scheduler';
import type { DeleteTally, Hold, MessageHolds } from './message-holds';

/** SQS's DeleteMessageBatch takes at most 10 entries. */
const MAX_ENTRIES = 10;

export interface DeleteBatcherOptions {
  /** Longest a processed message waits for others to share its DeleteMessageBatch call (ms). */
  readonly flushDelayMs: number;
  /** Told how each call ended, message by message, as soon as it is answered. */
  readonly onTally: (tally: DeleteTally) => void;
}

/**
 * Deletes processed messages across batches and pollers: a DeleteMessageBatch call goes out as soon
 * as 10 messages are waiting, when the caller says nothing else is coming soon (`flush`), or
 * `flushDelayMs` after the first one waiting — so a batch that came back short, or lost a message
 * to a failure, shares its call with the next batch instead of paying a call of its own. The
 * deletes run in the background: the poller that processed a batch is already receiving again.
 */
export class DeleteBatcher {
  private waiting: { readonly hold: Hold; readonly answered: () => void }[] = [];
  private cancelTimer: (() => void) | undefined;

  constructor(
    private readonly holds: MessageHolds,
    private readonly scheduler: Scheduler,
    private readonly options: DeleteBatcherOptions,
  ) {}

  /** Messages waiting for their call. */
  get pending(): number {
    return this.waiting.length;
  }

  /**
   * Queues the deletes of these messages; resolves when every one of them has been answered
   * (each is told to `onTally`). No heartbeat starts for them from now on. Never rejects.
   */
  delete(holds: readonly Hold[]): Promise<void> {
    if (holds.length === 0) return Promise.resolve();
    this.holds.settle(holds);
    const answered = holds.map(
      (hold) => new Promise<void>((resolve) => this.waiting.push({ hold, answered: resolve })),
    );
    while (this.waiting.length >= MAX_ENTRIES) this.send(MAX_ENTRIES);
    if (this.waiting.length > 0 && this.cancelTimer === undefined) {
      this.cancelTimer = this.scheduler.after(this.options.flushDelayMs, () => {
        this.cancelTimer = undefined;
        this.flush();
      });
    }
    return Promise.all(answered).then(() => undefined);
  }

  /** Sends everything waiting now. */
  flush(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    while (this.waiting.length > 0) this.send(MAX_ENTRIES);
  }

  private send(count: number): void {
    const entries = this.waiting.splice(0, count);
    if (this.waiting.length === 0) {
      this.cancelTimer?.();
      this.cancelTimer = undefined;
    }
    void this.holds.delete(entries.map((entry) => entry.hold)).then((tally) => {
      try {
        this.options.onTally(tally);
      } finally {
        for (const entry of entries) entry.answered();
      }
    });
  }
}
