import type { SqsMessageQueue } from '@orders/adapters-aws';
import type {
  AbortSignalLike,
  DeleteFailure,
  MessageQueue,
  ReceivedMessage,
  ReceiveOptions,
  VisibilityChange,
  VisibilityChangeFailure,
} from '@orders/core';
import type { AwsSoakPublisher } from './aws-soak-publisher';
import type { MessageIdentities } from './message-identities';

export interface DrainQueueSettings {
  /** Publish window (0: everything was published before the drain). */
  readonly window: number;
  /** Give up when OrderQueue holds messages but none was received for this long. */
  readonly idleTimeoutMs: number;
  readonly notice: (message: string) => void;
  /** The publisher and identities of the current run (they exist once the soak has published). */
  readonly run: () => { readonly publisher: AwsSoakPublisher; readonly identities: MessageIdentities };
}

const IDLE_POLL_MS = 200;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * OrderQueue as the soak's event source mapping polls it: every delivery is shown to the
 * identities (which published message it is), the rest of the workload is published as the
 * queue drains (see the publish window in aws-soak-target), and `onIdle` decides whether an
 * empty receive means "drained".
 */
export class AwsDrainQueue implements MessageQueue {
  private deleted = 0;
  private idleSince: number | undefined;

  constructor(
    private readonly queue: SqsMessageQueue,
    private readonly settings: DrainQueueSettings,
  ) {}

  async receive(options: ReceiveOptions): Promise<readonly ReceivedMessage[]> {
    await this.feed(false);
    const messages = await this.queue.receive(options);
    if (messages.length > 0) this.idleSince = undefined;
    const { identities } = this.settings.run();
    for (const message of messages) identities.seen(message);
    return messages;
  }

  async deleteBatch(receiptHandles: readonly string[]): Promise<readonly DeleteFailure[]> {
    const failures = await this.queue.deleteBatch(receiptHandles);
    this.deleted += receiptHandles.length - failures.length;
    return failures;
  }

  changeVisibility(receiptHandle: string, seconds: number): Promise<void> {
    return this.queue.changeVisibility(receiptHandle, seconds);
  }

  changeVisibilityBatch(
    changes: readonly VisibilityChange[],
    options?: { readonly signal?: AbortSignalLike },
  ): Promise<readonly VisibilityChangeFailure[]> {
    return this.queue.changeVisibilityBatch(changes, options);
  }

  /** For the event source mapping: true to poll again, false when OrderQueue is drained. */
  readonly onIdle = async (): Promise<boolean> => {
    if (await this.feed(true)) return true;
    const depth = await this.queue.depth();
    if (depth.visible + depth.inFlight + depth.delayed === 0) return false;
    // Messages are only hidden (a failed one waits out its visibility timeout): poll again,
    // unless nothing has been received for far longer than any timeout could explain.
    this.idleSince ??= Date.now();
    if (Date.now() - this.idleSince > this.settings.idleTimeoutMs) {
      this.settings.notice(
        `drain gave up: OrderQueue still holds ${depth.visible + depth.inFlight} messages but none was received for ${this.settings.idleTimeoutMs} ms`,
      );
      this.idleSince = undefined;
      return false;
    }
    await sleep(IDLE_POLL_MS);
    return true;
  };

  /**
   * Publishes the next half window when fewer than half a window of published messages is still
   * unsettled (or, forced, whenever any is left). Deleted messages are settled; the few bound for
   * OrderDLQ count as unsettled, which only delays the next slice a little. True if it published.
   */
  private async feed(force: boolean): Promise<boolean> {
    const { window } = this.settings;
    const { publisher } = this.settings.run();
    if (window === 0 || publisher.remaining === 0) return false;
    if (!force && publisher.published - this.deleted >= window / 2) return false;
    await publisher.publishNext(Math.ceil(window / 2));
    return true;
  }
}
