import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { noRecordTracing, type ProducerTraceContext } from '@orders/core';
import { recordSpansPerTest } from '@orders/testkit';
import { OtelRecordTracing, recordTracingFor } from '../../src';

const PRODUCER: ProducerTraceContext = {
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  sampled: true,
  traceState: 'vendor=opaque',
  source: 'sns-envelope',
};

describe('OtelRecordTracing', () => {
  const recording = recordSpansPerTest();

  it("makes one CONSUMER span per record, child of the producer's context and linked to it, with the messaging attributes", () => {
    const record = new OtelRecordTracing().startRecord({
      messageId: 'm-1',
      queueName: 'OrderQueue',
      producer: PRODUCER,
    });
    record.end({ status: 'created', orderId: 'O1234' });
    const [span] = recording.spans();
    expect(span?.name).toBe('process OrderQueue');
    expect(span?.kind).toBe(SpanKind.CONSUMER);
    expect(span?.spanContext().traceId).toBe(PRODUCER.traceId);
    expect(span?.parentSpanContext).toMatchObject({
      traceId: PRODUCER.traceId,
      spanId: PRODUCER.spanId,
      isRemote: true,
    });
    expect(span?.links.map((link) => [link.context.traceId, link.context.spanId])).toEqual([
      [PRODUCER.traceId, PRODUCER.spanId],
    ]);
    expect(span?.parentSpanContext?.traceState?.get('vendor')).toBe('opaque');
    expect(span?.attributes).toEqual({
      'messaging.system': 'aws_sqs',
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.destination.name': 'OrderQueue',
      'messaging.message.id': 'm-1',
      'orders.trace_context_source': 'sns-envelope',
      'orders.outcome': 'created',
      'orders.order_id': 'O1234',
    });
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
    // What the log line and the stored item carry: this span's ids.
    expect([record.traceId, record.spanId]).toEqual([PRODUCER.traceId, span?.spanContext().spanId]);
  });

  it('starts a new trace for a record without a context, with no link', () => {
    const record = new OtelRecordTracing().startRecord({ messageId: 'm-2' });
    record.end({ status: 'duplicate', orderId: 'O1' });
    const [span] = recording.spans();
    expect(span?.name).toBe('process');
    expect(span?.parentSpanContext).toBeUndefined();
    expect(span?.links).toEqual([]);
    expect(record.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(record.traceId).not.toBe(PRODUCER.traceId);
  });

  it('sets status ERROR with the failure class, and error.type to the code, when the record fails', () => {
    const tracing = new OtelRecordTracing();
    tracing
      .startRecord({ messageId: 'm-f', producer: PRODUCER })
      .end({ status: 'failed', orderId: 'O1', error: { code: 'throttled', failureClass: 'transient' } });
    tracing.startRecord({ messageId: 'm-i' }).end({ status: 'invalid', problems: [{ code: 'not_json' }] });
    tracing.startRecord({ messageId: 'm-d' }).end({
      status: 'failed',
      error: { code: 'fifo_group_blocked', failureClass: 'transient' },
      deferredBehind: 'm-f',
    });
    const [failed, invalid, deferred] = recording.spans();
    expect(failed?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'transient' });
    expect(failed?.attributes).toMatchObject({
      'orders.outcome': 'failed',
      'error.type': 'throttled',
      'orders.failure_class': 'transient',
    });
    expect(invalid?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'invalid' });
    expect(invalid?.attributes).toMatchObject({ 'error.type': 'not_json', 'orders.failure_class': 'invalid' });
    // Deferred behind another record: not an error of its own.
    expect(deferred?.status.code).toBe(SpanStatusCode.UNSET);
    expect(deferred?.attributes).toMatchObject({ 'orders.deferred_behind': 'm-f' });
    expect(deferred?.attributes).not.toHaveProperty('error.type');
  });

  it("runs work inside the record's span, so what it starts is the span's child", async () => {
    const record = new OtelRecordTracing().startRecord({ messageId: 'm-3', producer: PRODUCER });
    await record.run(async () => {
      await Promise.resolve();
      trace.getTracer('test').startSpan('PutItem Orders').end();
    });
    record.end({ status: 'created' });
    const [child, process] = recording.spans();
    expect(child?.parentSpanContext?.spanId).toBe(process?.spanContext().spanId);
    expect(child?.spanContext().traceId).toBe(PRODUCER.traceId);
  });

  it('also links the ambient span when processing runs inside one (an instrumented invocation)', () => {
    const invocation = trace.getTracer('test').startSpan('invocation');
    context.with(trace.setSpan(context.active(), invocation), () => {
      new OtelRecordTracing().startRecord({ messageId: 'm-4', producer: PRODUCER }).end({ status: 'created' });
    });
    invocation.end();
    const [span] = recording.spans();
    expect(span?.parentSpanContext?.spanId).toBe(PRODUCER.spanId);
    expect(span?.links.map((link) => link.context.spanId)).toEqual([PRODUCER.spanId, invocation.spanContext().spanId]);
  });
});

describe('OtelRecordTracing without a registered provider', () => {
  it("keeps the producer's trace id and claims no span id of its own", () => {
    const record = new OtelRecordTracing().startRecord({ messageId: 'm-1', producer: PRODUCER });
    expect([record.traceId, record.spanId]).toEqual([PRODUCER.traceId, undefined]);
    record.end({ status: 'created' });
  });
});

describe('recordTracingFor', () => {
  it('is OpenTelemetry when tracing is on, and core’s no-op (no OpenTelemetry call at all) when off', () => {
    expect(recordTracingFor({ enabled: true })).toBeInstanceOf(OtelRecordTracing);
    expect(recordTracingFor({ enabled: false })).toBe(noRecordTracing);
  });
});
