import { parseRfc3339Instant, type OutboundOrderMessage } from '@orders/core';
import type { PublishedMessage } from './soak-invariants';
import { validBody, type PlannedMessage } from './soak-workload';

/** The body the producer publishes for a planned message (the topic may wrap it in an envelope). */
export const producerBody = (message: PlannedMessage): string =>
  message.kind === 'poison' ? message.body : validBody(message);

/**
 * What the producer hands to OrderTopic: a valid event carries its orderId and status as message
 * attributes too, as the real producer does; poison carries nothing but its body.
 */
export const outboundMessage = (message: PlannedMessage): OutboundOrderMessage =>
  message.kind === 'poison'
    ? { body: message.body }
    : { body: validBody(message), orderId: message.order.orderId, status: message.order.status };

/** A planned message as the invariant checker knows it, under the SQS message id it got. */
export function publishedAs(messageId: string, message: PlannedMessage): PublishedMessage {
  if (message.kind === 'poison') return { messageId, kind: 'poison' };
  const parsed = parseRfc3339Instant(message.order.timestamp);
  if (!parsed.ok) throw new Error(`soak bug: generated timestamp ${message.order.timestamp} does not parse`);
  return {
    messageId,
    kind: 'valid',
    orderId: message.order.orderId,
    event: { order: message.order, instant: parsed.instant },
  };
}
