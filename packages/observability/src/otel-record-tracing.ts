import {
  type Attributes,
  type Context,
  context,
  createTraceState,
  isSpanContextValid,
  type Link,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import {
  type FailureClass,
  noRecordTracing,
  type ProducerTraceContext,
  type RecordTrace,
  type RecordTraceEnd,
  type RecordTraceStart,
  type RecordTracing,
} from '@orders/core';
import type { TracingRuntime } from './tracing/start-tracing';

/** The instrumentation scope of the process spans. */
export const RECORD_TRACER_NAME = '@orders/process-order-batch';

/**
 * The attributes a process span carries besides OpenTelemetry's messaging ones: what became of the
 * record, and for which order, so a trace can be found from an order id and read without the logs.
 */
export const RECORD_SPAN_ATTRIBUTES = {
  outcome: 'orders.outcome',
  orderId: 'orders.order_id',
  failureClass: 'orders.failure_class',
  deferredBehind: 'orders.deferred_behind',
  traceContextSource: 'orders.trace_context_source',
} as const;

/**
 * core's `RecordTracing` on `@opentelemetry/api`: one `process <queue>` span per record, kind
 * CONSUMER, with OpenTelemetry's messaging attributes (`messaging.system` `aws_sqs`, operation
 * `process`, destination, message id) and the record's outcome; a failure sets status ERROR with
 * its class, and `error.type` to its code.
 *
 * The producer's context is the span's **parent and a link**. The messaging conventions link a
 * process span to the message's creation context, and for a span about one message they allow it
 * as the parent too: as the parent it puts publish → process → PutItem in one trace, so the trace
 * id in a log line or a table row is the producer's (what an operator follows, and what X-Ray draws
 * as one service map); as a link it is where backends that draw links expect it. When processing
 * already runs inside another span (an instrumented Lambda invocation), that span is linked too,
 * as the conventions ask. A record without a context starts a trace (a child of the ambient span,
 * if any).
 *
 * Composition uses it only when tracing is on (`recordTracingFor`); off, core's `noRecordTracing`
 * makes no call into OpenTelemetry at all.
 */
export class OtelRecordTracing implements RecordTracing {
  private readonly tracer: Tracer;

  constructor(options: { readonly tracer?: Tracer } = {}) {
    // A proxy until a provider is registered, then the provider's tracer: safe to take at construction.
    this.tracer = options.tracer ?? trace.getTracer(RECORD_TRACER_NAME);
  }

  startRecord(start: RecordTraceStart): RecordTrace {
    const { messageId, queueName, producer } = start;
    const ambient = context.active();
    const producerContext = producer === undefined ? undefined : remoteSpanContext(producer);
    const parent = producerContext === undefined ? ambient : trace.setSpanContext(ambient, producerContext);
    const attributes: Attributes = {
      'messaging.system': 'aws_sqs',
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.message.id': messageId,
    };
    if (queueName !== undefined) attributes['messaging.destination.name'] = queueName;
    if (producer !== undefined) attributes[RECORD_SPAN_ATTRIBUTES.traceContextSource] = producer.source;
    const span = this.tracer.startSpan(
      queueName === undefined ? 'process' : `process ${queueName}`,
      { kind: SpanKind.CONSUMER, attributes, links: linksFor(producerContext, ambient) },
      parent,
    );
    return new OtelRecordTrace(span, trace.setSpan(parent, span), producerContext, producer);
  }
}

/** The record tracing an entry point composes: OpenTelemetry's when tracing is on, none otherwise. */
export function recordTracingFor(runtime: Pick<TracingRuntime, 'enabled'>): RecordTracing {
  return runtime.enabled ? new OtelRecordTracing() : noRecordTracing;
}

class OtelRecordTrace implements RecordTrace {
  readonly traceId: string | undefined;
  readonly spanId: string | undefined;

  constructor(
    private readonly span: Span,
    private readonly active: Context,
    producerContext: SpanContext | undefined,
    producer: ProducerTraceContext | undefined,
  ) {
    const own = span.spanContext();
    // Without a provider the API hands back the parent's own context as a non-recording span: that
    // span id is the producer's, not this record's, so only the trace id is kept.
    if (isSpanContextValid(own) && own.spanId !== producerContext?.spanId) {
      this.traceId = own.traceId;
      this.spanId = own.spanId;
    } else {
      this.traceId = producer?.traceId;
      this.spanId = undefined;
    }
  }

  run<T>(work: () => Promise<T>): Promise<T> {
    return context.with(this.active, work);
  }

  end(outcome: RecordTraceEnd): void {
    const { span } = this;
    if (span.isRecording()) span.setAttributes(outcomeAttributes(outcome));
    const failure = failureOf(outcome);
    if (failure !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: failure.failureClass });
    span.end();
  }
}

function remoteSpanContext(producer: ProducerTraceContext): SpanContext {
  return {
    traceId: producer.traceId,
    spanId: producer.spanId,
    traceFlags: producer.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
    isRemote: true,
    ...(producer.traceState === undefined ? {} : { traceState: createTraceState(producer.traceState) }),
  };
}

function linksFor(producerContext: SpanContext | undefined, ambient: Context): Link[] | undefined {
  if (producerContext === undefined) return undefined;
  const ambientSpan = trace.getSpanContext(ambient);
  return ambientSpan !== undefined && isSpanContextValid(ambientSpan)
    ? [{ context: producerContext }, { context: ambientSpan }]
    : [{ context: producerContext }];
}

/** A record's own failure (a deferred record failed for no reason of its own): its code and class. */
function failureOf(outcome: RecordTraceEnd): { code: string; failureClass: FailureClass } | undefined {
  if (outcome.deferredBehind !== undefined) return undefined;
  if (outcome.status === 'invalid') return { code: outcome.problems?.[0]?.code ?? 'invalid', failureClass: 'invalid' };
  if (outcome.status === 'failed' && outcome.error !== undefined) return outcome.error;
  return undefined;
}

function outcomeAttributes(outcome: RecordTraceEnd): Attributes {
  const attributes: Attributes = { [RECORD_SPAN_ATTRIBUTES.outcome]: outcome.status };
  if (outcome.orderId !== undefined) attributes[RECORD_SPAN_ATTRIBUTES.orderId] = outcome.orderId;
  // Handed back untried behind another record: not an error of its own (no status, no error.type).
  if (outcome.deferredBehind !== undefined) attributes[RECORD_SPAN_ATTRIBUTES.deferredBehind] = outcome.deferredBehind;
  const failure = failureOf(outcome);
  if (failure !== undefined) {
    attributes['error.type'] = failure.code;
    attributes[RECORD_SPAN_ATTRIBUTES.failureClass] = failure.failureClass;
  }
  return attributes;
}
