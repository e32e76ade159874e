import type { MessageAttributeValue } from '@aws-sdk/client-sns';
import { type OutboundOrderMessage, TRACEPARENT, TRACESTATE, type W3cTraceFields } from '@orders/core';
import { utf8Bytes } from './batching';

/**
 * SNS takes at most 10 message attributes on a message. More is worse than refused: SNS accepts the
 * Publish, then discards the message as a client-side error on its way to a raw-delivery SQS
 * subscription. So a message whose own attributes exceed it is refused here, before it is sent.
 */
export const MAX_SNS_MESSAGE_ATTRIBUTES = 10;

/** A message whose own attributes (`orderId`, `status` and the caller's) are more than SNS takes. */
export class TooManyMessageAttributesError extends Error {
  override readonly name = 'TooManyMessageAttributesError';
  readonly code = 'too_many_message_attributes';
  constructor(
    readonly orderId: string,
    readonly count: number,
  ) {
    super(
      `Order ${orderId} has ${count} SNS message attributes (orderId, status and the caller's); SNS takes at most ${MAX_SNS_MESSAGE_ATTRIBUTES}, and would discard the message on its way to a raw-delivery queue. Send fewer attributes.`,
    );
  }
}

/**
 * What became of the producer's trace context on one message:
 * - `attached`: `traceparent` (and `tracestate`, when there is one and room for it) went with it;
 * - `caller`: the caller put its own `traceparent` among the attributes, sent as it was;
 * - `no_room`: the caller's attributes took all 10 places, so the message went without it;
 * - `none`: there was no context to attach (tracing off, or no span).
 */
export type TraceContextAttachment = 'attached' | 'caller' | 'no_room' | 'none';

export interface SnsMessageAttributes {
  /** The attributes to send; undefined when there are none (SNS refuses an empty map from some SDKs). */
  readonly attributes: Record<string, MessageAttributeValue> | undefined;
  readonly traceContext: TraceContextAttachment;
  /** What SNS counts toward its size limits: the body plus each attribute's name, type and value. */
  readonly bytes: number;
}

const STRING = 'String';

/**
 * A message's attributes: the caller's first (`orderId`, `status`, then its own), because a
 * subscription's filter policy may route on them and dropping one would misroute the message, then
 * the trace context in the room SNS's limit leaves. `traceparent` needs one place; `tracestate`
 * a second and is left off without it (a trace continues without its vendor state, not without
 * its parent). No room at all: published untraced, and said so (`traceContext: 'no_room'`); never a
 * failed publish for the trace's sake. More than 10 of the message's own: `TooManyMessageAttributesError`.
 * Empty values are left out, as SNS refuses them.
 */
export function snsMessageAttributes(message: OutboundOrderMessage, trace: W3cTraceFields): SnsMessageAttributes {
  const attributes: Record<string, MessageAttributeValue> = {};
  let count = 0;
  let bytes = utf8Bytes(message.body);
  const add = (name: string, value: string | undefined): void => {
    // SNS rejects empty attribute values, so an empty string is left out like an absent one.
    if (!value) return;
    if (!Object.hasOwn(attributes, name)) count++;
    attributes[name] = { DataType: STRING, StringValue: value };
    bytes += utf8Bytes(name) + STRING.length + utf8Bytes(value);
  };
  if (message.attributes !== undefined)
    for (const [name, value] of Object.entries(message.attributes)) add(name, value);
  add('orderId', message.orderId);
  add('status', message.status);
  if (count > MAX_SNS_MESSAGE_ATTRIBUTES)
    throw new TooManyMessageAttributesError(message.orderId ?? '(no orderId)', count);
  const traceContext = attachTraceContext(attributes, count, trace, add);
  return { attributes: count === 0 ? undefined : attributes, traceContext, bytes };
}

function attachTraceContext(
  attributes: Record<string, MessageAttributeValue>,
  count: number,
  trace: W3cTraceFields,
  add: (name: string, value: string | undefined) => void,
): TraceContextAttachment {
  if (Object.hasOwn(attributes, TRACEPARENT)) return 'caller';
  if (!trace.traceparent) return 'none';
  if (count >= MAX_SNS_MESSAGE_ATTRIBUTES) return 'no_room';
  add(TRACEPARENT, trace.traceparent);
  // The caller's own tracestate (without a traceparent) is the caller's attribute: left as it is.
  if (count + 1 < MAX_SNS_MESSAGE_ATTRIBUTES && !Object.hasOwn(attributes, TRACESTATE))
    add(TRACESTATE, trace.tracestate);
  return 'attached';
}
