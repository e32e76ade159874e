import { InMemoryOrderRepository } from '@orders/adapters-memory';
import { type OrderRepository, RepositoryUnavailableError } from '@orders/core';
import { buildContainer, readEntryConfig, SQS_BATCH_HANDLER, type SqsBatchHandler } from '@orders/lambda-entry';
import { lambdaContext } from '@orders/lambda-local';
import {
  acceptingDynamoDb,
  RecordingLogger,
  recordSpansPerTest,
  rawBody,
  sampleOrder,
  snsEnvelopeBody,
  type SpanRecording,
  sqsEvent,
  sqsRecord,
  startSpanRecording,
} from '@orders/testkit';
import { RecordingMetrics, RecordingVisibility } from './support';

const PRODUCER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PRODUCER_SPAN = '00f067aa0ba902b7';
const TRACEPARENT = `00-${PRODUCER_TRACE}-${PRODUCER_SPAN}-01`;
const XRAY = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';

/** The handler from the real composition root, with tracing on or off as the entry would have started it. */
function handlerWith(repository: OrderRepository, tracingEnabled: boolean) {
  const logger = new RecordingLogger();
  const flushes: number[] = [];
  const tracing = {
    enabled: tracingEnabled,
    forceFlush: async () => {
      flushes.push(flushes.length + 1);
    },
    shutdown: async () => undefined,
  };
  const container = buildContainer(readEntryConfig({ ORDERS_REPOSITORY: 'memory', ORDERS_RETRY_JITTER: '0' }), {
    repository,
    logger,
    metrics: new RecordingMetrics(),
    visibilityFor: new RecordingVisibility().visibilityFor,
    tracing,
  });
  return { handler: container.resolve<SqsBatchHandler>(SQS_BATCH_HANDLER), logger, flushes };
}

/** The three ways a record carries its producer's context, and one that carries none. */
const deliveries = () => [
  sqsRecord(snsEnvelopeBody(sampleOrder({ orderId: 'ENVELOPE' }), { traceparent: TRACEPARENT }), {
    messageId: 'm-envelope',
  }),
  sqsRecord(rawBody(sampleOrder({ orderId: 'RAW' })), {
    messageId: 'm-raw',
    messageAttributes: { traceparent: { stringValue: TRACEPARENT, dataType: 'String' } },
  }),
  sqsRecord(rawBody(sampleOrder({ orderId: 'XRAY' })), {
    messageId: 'm-xray',
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1746273601000',
      SenderId: 'AIDAIENQZJOLO23YVJ4VO',
      ApproximateFirstReceiveTimestamp: '1746273601500',
      AWSTraceHeader: XRAY,
    },
  }),
  sqsRecord(rawBody(sampleOrder({ orderId: 'NONE' })), { messageId: 'm-none' }),
];

describe('OrderProcessor handler with tracing on', () => {
  const recording = recordSpansPerTest();

  it("makes one process span per record, in its producer's trace and linked to it, with the PutItem as its child", async () => {
    const { items, repository } = acceptingDynamoDb();
    const { handler } = handlerWith(repository, true);
    await handler(sqsEvent(deliveries()), lambdaContext());

    const spans = recording.spans();
    const processes = spans.filter((span) => span.name === 'process OrderQueue');
    expect(processes.map((span) => span.attributes['messaging.message.id'])).toEqual([
      'm-envelope',
      'm-raw',
      'm-xray',
      'm-none',
    ]);
    expect(processes.every((span) => span.attributes['messaging.system'] === 'aws_sqs')).toBe(true);
    expect(processes.every((span) => span.attributes['messaging.destination.name'] === 'OrderQueue')).toBe(true);
    expect(processes.map((span) => [span.parentSpanContext?.spanId, span.links.map((l) => l.context.spanId)])).toEqual([
      [PRODUCER_SPAN, [PRODUCER_SPAN]],
      [PRODUCER_SPAN, [PRODUCER_SPAN]],
      ['53995c3f42cd8ad8', ['53995c3f42cd8ad8']],
      [undefined, []],
    ]);
    expect(processes.map((span) => span.spanContext().traceId).slice(0, 3)).toEqual([
      PRODUCER_TRACE,
      PRODUCER_TRACE,
      '5759e988bd862e3fe1be46a994272793',
    ]);

    // Each PutItem is the child of its record's process span, and the item keeps that span's trace id.
    const puts = spans.filter((span) => span.name === 'PutItem Orders');
    expect(puts).toHaveLength(4);
    for (const put of puts) {
      const parent = processes.find((span) => span.spanContext().spanId === put.parentSpanContext?.spanId);
      expect(parent).toBeDefined();
      expect(put.spanContext().traceId).toBe(parent?.spanContext().traceId);
    }
    expect(items.map((item) => [item['orderId']?.S, item['traceId']?.S])).toEqual(
      processes.map((span, i) => [['ENVELOPE', 'RAW', 'XRAY', 'NONE'][i], span.spanContext().traceId]),
    );
  });

  it("puts the record's trace_id and span_id on its log line, and flushes the spans once per invocation", async () => {
    const { handler, logger, flushes } = handlerWith(new InMemoryOrderRepository(), true);
    await handler(sqsEvent(deliveries()), lambdaContext());
    const processes = recording.spans().filter((span) => span.name === 'process OrderQueue');
    const lines = logger.calls.filter((call) => call.message === 'order message processed');
    expect(lines.map((call) => [call.fields['messageId'], call.fields['trace_id'], call.fields['span_id']])).toEqual(
      processes.map((span) => [
        span.attributes['messaging.message.id'],
        span.spanContext().traceId,
        span.spanContext().spanId,
      ]),
    );
    expect(flushes).toEqual([1]);
  });

  it("carries the record's trace ids on the line said when its retry cannot be paced", async () => {
    const failing = {
      save: async () => {
        throw new RepositoryUnavailableError('table unreachable');
      },
      findById: async () => undefined,
    };
    const logger = new RecordingLogger();
    const visibility = new RecordingVisibility();
    visibility.refuse.add('h-failing');
    const container = buildContainer(readEntryConfig({ ORDERS_REPOSITORY: 'memory', ORDERS_RETRY_JITTER: '0' }), {
      repository: failing,
      logger,
      metrics: new RecordingMetrics(),
      visibilityFor: visibility.visibilityFor,
      tracing: { enabled: true, forceFlush: async () => undefined, shutdown: async () => undefined },
    });
    const handler = container.resolve<SqsBatchHandler>(SQS_BATCH_HANDLER);
    const record = sqsRecord(rawBody(sampleOrder({ orderId: 'F' })), {
      messageId: 'm-failing',
      receiptHandle: 'h-failing',
      messageAttributes: { traceparent: { stringValue: TRACEPARENT, dataType: 'String' } },
    });
    // Every record failed in an outage: the invocation fails too, after pacing.
    await expect(handler(sqsEvent([record]), lambdaContext())).rejects.toThrow();
    const [span] = recording.spans();
    const line = logger.calls.find((call) => call.message.startsWith('could not pace the retry'));
    expect(line?.fields).toMatchObject({
      messageId: 'm-failing',
      trace_id: PRODUCER_TRACE,
      span_id: span?.spanContext().spanId,
    });
  });

  it('marks a rejected record’s span as an error, with the code, and still continues its trace', async () => {
    const { handler } = handlerWith(new InMemoryOrderRepository(), true);
    await handler(
      sqsEvent([sqsRecord(snsEnvelopeBody('not json', { traceparent: TRACEPARENT }), { messageId: 'm-bad' })]),
      lambdaContext(),
    );
    const [span] = recording.spans();
    expect(span?.spanContext().traceId).toBe(PRODUCER_TRACE);
    expect(span?.status).toEqual({ code: 2, message: 'invalid' });
    expect(span?.attributes).toMatchObject({ 'orders.outcome': 'invalid', 'error.type': 'not_json' });
  });
});

describe('OrderProcessor handler with tracing off', () => {
  let recording: SpanRecording;
  beforeAll(async () => {
    // A provider is registered, so a span made by mistake would be seen.
    recording = await startSpanRecording();
  });
  afterAll(() => recording.stop());

  it("records no span and flushes nothing, yet keeps the producer's trace id in the log line and the item", async () => {
    const { items, repository } = acceptingDynamoDb();
    const { handler, logger, flushes } = handlerWith(repository, false);
    await handler(sqsEvent(deliveries()), lambdaContext());
    expect(recording.spans()).toEqual([]);
    expect(flushes).toEqual([]);
    expect(items.map((item) => item['traceId']?.S)).toEqual([
      PRODUCER_TRACE,
      PRODUCER_TRACE,
      '5759e988bd862e3fe1be46a994272793',
      undefined,
    ]);
    const lines = logger.calls.filter((call) => call.message === 'order message processed');
    expect(lines.map((call) => [call.fields['trace_id'], call.fields['span_id']])).toEqual([
      [PRODUCER_TRACE, undefined],
      [PRODUCER_TRACE, undefined],
      ['5759e988bd862e3fe1be46a994272793', undefined],
      [undefined, undefined],
    ]);
  });
});
