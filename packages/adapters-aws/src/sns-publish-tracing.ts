import {
  type Attributes,
  context,
  type Link,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { TRACEPARENT, TRACESTATE, type W3cTraceFields } from '@orders/core';

/** The instrumentation scope of the SNS publisher's spans. */
export const SNS_PUBLISH_TRACER_NAME = '@orders/adapters-aws/sns-order-publisher';

/** Where a publish goes, as its spans name it. */
export interface PublishDestination {
  readonly topicName: string;
  readonly topicArn: string;
}

/** A producer span and the trace context to put on its message (empty when tracing is off). */
export interface ProducerSpan {
  readonly span: Span;
  readonly traceContext: W3cTraceFields;
}

const tracer = () => trace.getTracer(SNS_PUBLISH_TRACER_NAME);

function destinationAttributes(destination: PublishDestination, operation: 'publish' | 'create'): Attributes {
  return {
    'messaging.system': 'aws.sns',
    'messaging.operation.type': operation === 'create' ? 'create' : 'send',
    'messaging.operation.name': operation,
    'messaging.destination.name': destination.topicName,
    'aws.sns.topic.arn': destination.topicArn,
  };
}

/**
 * A PRODUCER span for one message, `publish <topic>` for a single Publish (the span is the
 * message's creation context) or `create <topic>` for a message of a PublishBatch (one per
 * message, so each order keeps a trace of its own), and the W3C context the global propagator
 * injects for it. With tracing off the API's no-op span is returned and nothing is injected: the
 * message carries no trace attribute at all.
 */
export function startProducerSpan(
  destination: PublishDestination,
  operation: 'publish' | 'create',
  orderId: string | undefined,
): ProducerSpan {
  const attributes = destinationAttributes(destination, operation);
  if (orderId) attributes['orders.order_id'] = orderId;
  const span = tracer().startSpan(`${operation} ${destination.topicName}`, { kind: SpanKind.PRODUCER, attributes });
  const carrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(context.active(), span), carrier);
  const traceparent = carrier[TRACEPARENT];
  const tracestate = carrier[TRACESTATE];
  return {
    span,
    traceContext:
      traceparent === undefined ? {} : tracestate === undefined ? { traceparent } : { traceparent, tracestate },
  };
}

/**
 * The CLIENT span of one PublishBatch call, `publish <topic>`, linked to the creation context of
 * each message it carries, as OpenTelemetry's messaging conventions ask when "create" spans exist.
 */
export function startBatchSendSpan(destination: PublishDestination, creations: readonly Span[]): Span {
  const attributes = destinationAttributes(destination, 'publish');
  attributes['messaging.batch.message_count'] = creations.length;
  const links: Link[] = creations.map((creation) => ({ context: creation.spanContext() }));
  return tracer().startSpan(`publish ${destination.topicName}`, { kind: SpanKind.CLIENT, attributes, links });
}

/** Runs `work` with `span` as the current span (an instrumented SDK call then nests under it). */
export function withSpan<T>(span: Span, work: () => Promise<T>): Promise<T> {
  return context.with(trace.setSpan(context.active(), span), work);
}

/** Ends a publish span as failed: status ERROR, `error.type` the stable code. */
export function endFailed(span: Span, code: string): void {
  span.setAttribute('error.type', code);
  span.setStatus({ code: SpanStatusCode.ERROR, message: code });
  span.end();
}
