import type { SnsOrderPublisher, SqsMessageQueue } from '@orders/adapters-aws';
import { outboundMessage, producerBody } from '../planned-message';
import type { PlannedMessage } from '../soak-workload';
import { unwrapSnsEnvelope } from './message-identities';

export interface AwsSoakPublishing {
  readonly publisher: SnsOrderPublisher;
  /** OrderQueue, for the copies SNS "delivers again". */
  readonly queue: SqsMessageQueue;
  /**
   * A second queue subscribed to OrderTopic like OrderQueue (envelope delivery only): it shows the
   * notification SNS delivered, which OrderQueue cannot without a receive that would count
   * toward the message's maxReceiveCount.
   */
  readonly tap: SqsMessageQueue | undefined;
  readonly rawDelivery: boolean;
  /** How long to wait for a notification to show up on the tap (SNS delivers asynchronously on AWS). */
  readonly tapTimeoutMs?: number;
}

/** Producer messages per PublishBatch round (SnsOrderPublisher splits them into calls of 10). */
const FLUSH_EVERY = 100;
const DEFAULT_TAP_TIMEOUT_MS = 30_000;

/**
 * Publishes the planned messages in their planned order, a slice at a time: producer messages
 * (events, republished copies, poison as raw bodies with no attributes) through OrderTopic with
 * `SnsOrderPublisher.publishBatch`; an `sns-redelivery` copy — SNS delivering the same
 * notification again — straight to OrderQueue with `sendRaw`: the notification's envelope (its
 * SNS MessageId, Message and attributes), or the bare body under raw delivery. SNS signs each
 * subscription's delivery separately, so the tap's copy of an envelope differs from the one
 * OrderQueue got in Signature/SigningCertURL/Timestamp (moto) or UnsubscribeURL (AWS): fields
 * the consumer never reads.
 */
export class AwsSoakPublisher {
  private next = 0;
  private topicCount = 0;
  private queueCount = 0;
  private readonly tap: TapReader;

  constructor(
    private readonly messages: readonly PlannedMessage[],
    private readonly io: AwsSoakPublishing,
  ) {
    this.tap = new TapReader(io.tap, io.tapTimeoutMs ?? DEFAULT_TAP_TIMEOUT_MS);
  }

  /** Planned messages not published yet. */
  get remaining(): number {
    return this.messages.length - this.next;
  }

  get published(): number {
    return this.next;
  }

  get publishedToTopic(): number {
    return this.topicCount;
  }

  get sentToQueue(): number {
    return this.queueCount;
  }

  /** Publishes the next `count` planned messages (all that are left, at most). */
  async publishNext(count: number): Promise<void> {
    const end = Math.min(this.messages.length, this.next + count);
    let pending: PlannedMessage[] = [];
    const flush = async (): Promise<void> => {
      if (pending.length === 0) return;
      const result = await this.io.publisher.publishBatch(pending.map(outboundMessage));
      if (result.failures.length > 0) {
        const [first] = result.failures;
        // A producer that knows its publish failed has lost nothing yet; the soak cannot go on without it.
        throw new Error(
          `soak: SNS refused ${result.failures.length} of ${pending.length} messages (first: ${first?.code}: ${first?.message})`,
        );
      }
      this.topicCount += result.published;
      pending = [];
    };
    for (; this.next < end; this.next++) {
      const message = this.messages[this.next] as PlannedMessage;
      if (message.kind === 'valid' && message.duplicate?.kind === 'sns-redelivery') {
        await flush(); // the original must be on the topic (and the tap) before its redelivery
        const original = producerBody(message.duplicate.of);
        await this.io.queue.sendRaw(this.io.rawDelivery ? original : await this.tap.notificationFor(original));
        this.queueCount++;
        continue;
      }
      pending.push(message);
      if (pending.length >= FLUSH_EVERY) await flush();
    }
    await flush();
  }
}

/** Reads the tap queue and remembers each notification's envelope by the producer body it carries. */
class TapReader {
  private readonly envelopes = new Map<string, string>();

  constructor(
    private readonly tap: SqsMessageQueue | undefined,
    private readonly timeoutMs: number,
  ) {}

  async notificationFor(producerBody: string): Promise<string> {
    if (this.tap === undefined)
      throw new Error('soak bug: an SNS redelivery under envelope delivery needs the tap queue');
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const known = this.envelopes.get(producerBody);
      if (known !== undefined) return known;
      if (Date.now() > deadline)
        throw new Error(
          `soak: no notification carrying a published message reached the tap queue within ${this.timeoutMs} ms`,
        );
      const received = await this.tap.receive({ maxMessages: 10, waitTimeSeconds: 1 });
      for (const message of received) {
        const carried = unwrapSnsEnvelope(message.body);
        if (!this.envelopes.has(carried)) this.envelopes.set(carried, message.body);
      }
      // Read once is enough: deleting keeps them from coming back after the tap's visibility timeout.
      if (received.length > 0) await this.tap.deleteBatch(received.map((m) => m.receiptHandle));
    }
  }
}
