import {
  wrapInSnsNotification,
  type Clock,
  type OrderEventPublisher,
  type OutboundOrderMessage,
  type PublishFailure,
} from '@orders/core';
import { IdSequence } from './id-sequence';
import type { InMemoryQueue } from './in-memory-queue';

export interface SubscriptionOptions {
  /** SNS's RawMessageDelivery: deliver the message itself instead of the notification envelope. */
  readonly rawMessageDelivery?: boolean;
}

interface Subscription {
  readonly queue: InMemoryQueue;
  readonly rawMessageDelivery: boolean;
}

/**
 * An SNS topic in memory that fans each published message out to its subscribed queues, wrapped
 * in the same notification envelope SNS writes (or raw), with `orderId`/`status` attributes.
 */
export class InMemoryTopic implements OrderEventPublisher {
  readonly arn: string;
  private readonly subscriptions: Subscription[] = [];
  private readonly ids: IdSequence;

  constructor(
    readonly name: string,
    private readonly clock: Clock,
    ids?: IdSequence,
  ) {
    this.arn = `arn:aws:sns:us-east-1:000000000000:${name}`;
    this.ids = ids ?? new IdSequence('5e5e5e5e');
  }

  subscribe(queue: InMemoryQueue, options: SubscriptionOptions = {}): void {
    if (this.subscriptions.some((s) => s.queue === queue)) return; // SNS subscribe is idempotent too
    this.subscriptions.push({ queue, rawMessageDelivery: options.rawMessageDelivery ?? false });
  }

  async publish(message: OutboundOrderMessage): Promise<{ readonly messageId: string }> {
    return { messageId: this.publishNow(message) };
  }

  async publishBatch(
    messages: readonly OutboundOrderMessage[],
  ): Promise<{ published: number; failures: readonly PublishFailure[] }> {
    for (const message of messages) this.publishNow(message);
    return { published: messages.length, failures: [] };
  }

  /** Publishes synchronously; returns the SNS message id. */
  publishNow(message: OutboundOrderMessage): string {
    const messageId = this.ids.next();
    const attributes: Record<string, string> = { ...message.attributes };
    if (message.orderId !== undefined) attributes['orderId'] = message.orderId;
    if (message.status !== undefined) attributes['status'] = message.status;
    let envelope: string | undefined;
    for (const { queue, rawMessageDelivery } of this.subscriptions) {
      if (rawMessageDelivery) {
        queue.send(message.body);
        continue;
      }
      envelope ??= JSON.stringify(
        wrapInSnsNotification(message.body, {
          messageId,
          topicArn: this.arn,
          timestamp: new Date(this.clock.now()).toISOString(),
          attributes,
        }),
      );
      queue.send(envelope);
    }
    return messageId;
  }
}
