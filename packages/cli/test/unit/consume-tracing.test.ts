import { SqsMessageQueue } from '@orders/adapters-aws';
import { ManualClock, ManualScheduler } from '@orders/adapters-memory';
import { ProcessOrderBatch, QueueConsumer, serializeOrder } from '@orders/core';
import { OtelRecordTracing } from '@orders/observability';
import {
  acceptingDynamoDb,
  RecordingLogger,
  sampleOrder,
  type SpanRecording,
  startSpanRecording,
} from '@orders/testkit';
import { fakeClient } from '../../../adapters-aws/test/unit/support/fake-client';
import { startCommandTracing } from '../../src/runtime/command-tracing';

const QUEUE_URL = 'http://127.0.0.1:5000/000000000000/OrderQueue';
const PRODUCER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PRODUCER_SPAN = '00f067aa0ba902b7';
const XRAY = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';

/** SQS with two messages to hand out once (raw delivery with a traceparent, and one X-Ray traced), then none. */
function fakeQueue() {
  let pending = [
    {
      MessageId: 'm-raw',
      ReceiptHandle: 'h-raw',
      Body: serializeOrder(sampleOrder({ orderId: 'RAW' })),
      Attributes: { ApproximateReceiveCount: '1', SentTimestamp: '1746273601000' },
      MessageAttributes: {
        traceparent: { DataType: 'String', StringValue: `00-${PRODUCER_TRACE}-${PRODUCER_SPAN}-01` },
      },
    },
    {
      MessageId: 'm-xray',
      ReceiptHandle: 'h-xray',
      Body: serializeOrder(sampleOrder({ orderId: 'XRAY' })),
      Attributes: { ApproximateReceiveCount: '1', SentTimestamp: '1746273601000', AWSTraceHeader: XRAY },
    },
  ];
  // Only `send` is used: a plain object stands in for the SDK client (the CLI does not depend on it).
  const fake = fakeClient({ send: undefined as unknown }, (command) => {
    if (command.name === 'ReceiveMessageCommand') {
      const messages = pending;
      pending = [];
      return { $metadata: {}, Messages: messages };
    }
    if (command.name === 'DeleteMessageBatchCommand') {
      // The X-Ray traced message's delete fails: it will be redelivered, and a line says so.
      const entries = command.input['Entries'] as { Id: string; ReceiptHandle: string }[];
      const failing = entries.filter((e) => e.ReceiptHandle === 'h-xray');
      return {
        $metadata: {},
        Successful: entries.filter((e) => !failing.includes(e)).map((e) => ({ Id: e.Id })),
        Failed: failing.map((e) => ({ Id: e.Id, Code: 'InternalError', Message: 'try again', SenderFault: false })),
      };
    }
    return { $metadata: {} };
  });
  return { ...fake, pendingCount: () => pending.length };
}

describe('the consumer as `orders consume` composes it, with tracing on', () => {
  let recording: SpanRecording;
  beforeAll(async () => {
    recording = await startSpanRecording();
  });
  afterAll(() => recording.stop());

  it('continues each record’s trace from what SQS delivers, one process span per record, the PutItem its child', async () => {
    const sqs = fakeQueue();
    const { items, repository } = acceptingDynamoDb();
    const logger = new RecordingLogger();
    const clock = new ManualClock();
    const consumer = new QueueConsumer(
      {
        queue: new SqsMessageQueue({ queueUrl: QUEUE_URL, client: sqs.client as never }),
        processOrderBatch: new ProcessOrderBatch({ repository, logger, tracing: new OtelRecordTracing(), clock }),
        scheduler: new ManualScheduler(clock),
        logger,
      },
      {
        visibilityTimeoutSeconds: 30,
        pollers: 1,
        waitTimeSeconds: 0,
        idleDelayMs: 1000,
        batchTimeoutMs: 60_000,
        untilEmpty: async () => ({ visible: sqs.pendingCount(), inFlight: 0 }),
      },
    );
    await consumer.run();

    // The receive asks SQS for what extraction reads.
    expect(sqs.inputsOf('ReceiveMessageCommand')[0]).toMatchObject({
      MessageAttributeNames: ['traceparent', 'tracestate'],
      MessageSystemAttributeNames: expect.arrayContaining(['AWSTraceHeader']),
    });
    const spans = recording.spans();
    const processes = spans.filter((span) => span.name === 'process OrderQueue');
    expect(processes.map((span) => [span.attributes['messaging.message.id'], span.spanContext().traceId])).toEqual([
      ['m-raw', PRODUCER_TRACE],
      ['m-xray', '5759e988bd862e3fe1be46a994272793'],
    ]);
    expect(processes.map((span) => span.links.map((link) => link.context.spanId))).toEqual([
      [PRODUCER_SPAN],
      ['53995c3f42cd8ad8'],
    ]);
    const puts = spans.filter((span) => span.name === 'PutItem Orders');
    expect(puts.map((span) => span.parentSpanContext?.spanId)).toEqual(
      processes.map((span) => span.spanContext().spanId),
    );
    expect(items.map((item) => item['traceId']?.S)).toEqual([PRODUCER_TRACE, '5759e988bd862e3fe1be46a994272793']);
    const lines = logger.calls.filter((call) => call.message === 'order message processed');
    expect(lines.map((call) => [call.fields['trace_id'], call.fields['span_id']])).toEqual(
      processes.map((span) => [span.spanContext().traceId, span.spanContext().spanId]),
    );
    // A line about the message after processing (its delete failed) carries its record's ids too.
    const deleteFailed = logger.calls.find((call) => call.message.startsWith('delete failed'));
    expect(deleteFailed?.fields).toMatchObject({
      messageId: 'm-xray',
      trace_id: '5759e988bd862e3fe1be46a994272793',
      span_id: processes[1]?.spanContext().spanId,
    });
  });
});

describe('startCommandTracing', () => {
  it('is off when no OTLP endpoint is set', async () => {
    const tracing = await startCommandTracing('orders-consumer', { env: { OTEL_SDK_DISABLED: 'false' } });
    expect(tracing.enabled).toBe(false);
    await expect(tracing.shutdown()).resolves.toBeUndefined();
  });

  it('is off when the SDK is disabled, even with an endpoint', async () => {
    const tracing = await startCommandTracing('orders-consumer', {
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SDK_DISABLED: 'true' },
    });
    expect(tracing.enabled).toBe(false);
  });
});
