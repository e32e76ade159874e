import { SNSClient } from '@aws-sdk/client-sns';
import {
  context,
  createTraceState,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { parseTraceparent } from '@orders/core';
import { RecordingLogger, recordSpansPerTest } from '@orders/testkit';
import { SnsOrderPublisher } from '../../src';
import {
  MAX_SNS_MESSAGE_ATTRIBUTES,
  snsMessageAttributes,
  TooManyMessageAttributesError,
} from '../../src/sns-message-attributes';
import { fakeClient, type FakeHandler, TEST_CLIENT_CONFIG } from './support/fake-client';

const TOPIC = 'arn:aws:sns:us-east-1:000000000000:OrderTopic';
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

type Attributes = Record<string, { DataType: string; StringValue: string }>;
type Entry = { Id: string; MessageAttributes?: Attributes };

const answerAll: FakeHandler = (command) =>
  command.name === 'PublishCommand'
    ? { MessageId: 'sns-1', $metadata: {} }
    : {
        $metadata: {},
        Successful: (command.input['PublishBatchRequestEntries'] as Entry[]).map((e) => ({ Id: e.Id, MessageId: 'm' })),
      };

function publisherWith(handler: FakeHandler = answerAll, logger = new RecordingLogger()) {
  const fake = fakeClient(new SNSClient(TEST_CLIENT_CONFIG), handler);
  return { ...fake, logger, publisher: new SnsOrderPublisher({ topicArn: TOPIC, client: fake.client, logger }) };
}

/** Caller attributes a0…a(n-1). */
const callerAttributes = (n: number): Record<string, string> =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`a${i}`, `v${i}`]));

describe('snsMessageAttributes: the trace context within SNS’s 10 attributes', () => {
  const trace = { traceparent: TRACEPARENT, tracestate: 'vendor=opaque' };

  it("adds traceparent and tracestate after the caller's attributes", () => {
    const { attributes, traceContext } = snsMessageAttributes({ body: '{}', orderId: 'O1', status: 'new' }, trace);
    expect(traceContext).toBe('attached');
    expect(Object.keys(attributes ?? {})).toEqual(['orderId', 'status', 'traceparent', 'tracestate']);
    expect(attributes?.['traceparent']).toEqual({ DataType: 'String', StringValue: TRACEPARENT });
  });

  it('keeps traceparent and leaves tracestate off when one place is left', () => {
    const result = snsMessageAttributes(
      { body: '{}', orderId: 'O1', status: 'new', attributes: callerAttributes(7) },
      trace,
    );
    expect(result.traceContext).toBe('attached');
    expect(Object.keys(result.attributes ?? {})).toHaveLength(MAX_SNS_MESSAGE_ATTRIBUTES);
    expect(result.attributes).toHaveProperty('traceparent');
    expect(result.attributes).not.toHaveProperty('tracestate');
  });

  it('keeps every caller attribute and sends no trace context when they take all 10 places', () => {
    const result = snsMessageAttributes(
      { body: '{}', orderId: 'O1', status: 'new', attributes: callerAttributes(8) },
      trace,
    );
    expect(result.traceContext).toBe('no_room');
    expect(Object.keys(result.attributes ?? {})).toEqual([
      'a0',
      'a1',
      'a2',
      'a3',
      'a4',
      'a5',
      'a6',
      'a7',
      'orderId',
      'status',
    ]);
  });

  it("sends a caller's own traceparent as it is", () => {
    const own = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const result = snsMessageAttributes({ body: '{}', attributes: { traceparent: own } }, trace);
    expect(result.traceContext).toBe('caller');
    expect(result.attributes).toEqual({ traceparent: { DataType: 'String', StringValue: own } });
  });

  it('adds nothing without a context (tracing off), and counts what SNS counts toward its size limit', () => {
    const result = snsMessageAttributes({ body: 'ab', orderId: 'O1' }, {});
    expect(result).toEqual({
      attributes: { orderId: { DataType: 'String', StringValue: 'O1' } },
      traceContext: 'none',
      bytes: 2 + 'orderId'.length + 'String'.length + 2,
    });
  });
});

describe('SnsOrderPublisher with tracing off', () => {
  it('sends no trace attribute: the API is a no-op', async () => {
    const { publisher, inputsOf } = publisherWith();
    await publisher.publish({ body: '{}', orderId: 'O1' });
    await publisher.publishBatch([{ body: '{}', orderId: 'O2' }]);
    expect(inputsOf('PublishCommand')[0]?.['MessageAttributes']).toEqual({
      orderId: { DataType: 'String', StringValue: 'O1' },
    });
    const [entry] = (inputsOf('PublishBatchCommand')[0]?.['PublishBatchRequestEntries'] ?? []) as Entry[];
    expect(Object.keys(entry?.MessageAttributes ?? {})).toEqual(['orderId']);
  });
});

describe('SnsOrderPublisher with tracing on', () => {
  const recording = recordSpansPerTest();

  it('publishes one message under a PRODUCER span whose context it carries as traceparent', async () => {
    const { publisher, inputsOf } = publisherWith();
    await publisher.publish({ body: '{}', orderId: 'O1234', status: 'new' });
    const [span] = recording.spans();
    expect(span?.name).toBe('publish OrderTopic');
    expect(span?.kind).toBe(SpanKind.PRODUCER);
    expect(span?.attributes).toEqual({
      'messaging.system': 'aws.sns',
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'publish',
      'messaging.destination.name': 'OrderTopic',
      'aws.sns.topic.arn': TOPIC,
      'orders.order_id': 'O1234',
      'messaging.message.id': 'sns-1',
    });
    const attributes = inputsOf('PublishCommand')[0]?.['MessageAttributes'] as Attributes;
    const carried = parseTraceparent(attributes['traceparent']?.StringValue ?? '');
    expect(carried).toEqual({
      ok: true,
      traceId: span?.spanContext().traceId,
      spanId: span?.spanContext().spanId,
      sampled: true,
    });
    expect(attributes).not.toHaveProperty('tracestate');
  });

  it('carries the tracestate of the context it publishes in', async () => {
    const { publisher, inputsOf } = publisherWith();
    const parent = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.SAMPLED,
      traceState: createTraceState('vendor=opaque'),
      isRemote: true,
    });
    await context.with(parent, () => publisher.publish({ body: '{}' }));
    const attributes = inputsOf('PublishCommand')[0]?.['MessageAttributes'] as Attributes;
    expect(attributes['tracestate']?.StringValue).toBe('vendor=opaque');
    expect(attributes['traceparent']?.StringValue).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-/);
  });

  it('gives each message of a batch its own trace (a create span), and links the PublishBatch span to them', async () => {
    const { publisher, inputsOf } = publisherWith();
    await publisher.publishBatch([
      { body: '{}', orderId: 'O1' },
      { body: '{}', orderId: 'O2' },
    ]);
    const spans = recording.spans();
    const creates = spans.filter((s) => s.name === 'create OrderTopic');
    const [send] = spans.filter((s) => s.name === 'publish OrderTopic');
    expect(
      creates.map((s) => [s.kind, s.attributes['orders.order_id'], s.attributes['messaging.operation.type']]),
    ).toEqual([
      [SpanKind.PRODUCER, 'O1', 'create'],
      [SpanKind.PRODUCER, 'O2', 'create'],
    ]);
    expect(send?.kind).toBe(SpanKind.CLIENT);
    expect(send?.attributes['messaging.batch.message_count']).toBe(2);
    expect(send?.links.map((l) => l.context.spanId)).toEqual(creates.map((s) => s.spanContext().spanId));
    const entries = inputsOf('PublishBatchCommand')[0]?.['PublishBatchRequestEntries'] as Entry[];
    const carried = entries.map((e) => parseTraceparent(e.MessageAttributes?.['traceparent']?.StringValue ?? ''));
    expect(carried.map((c) => (c.ok ? [c.traceId, c.spanId] : c.reason))).toEqual(
      creates.map((s) => [s.spanContext().traceId, s.spanContext().spanId]),
    );
    expect(new Set(carried.map((c) => (c.ok ? c.traceId : ''))).size).toBe(2);
  });

  it("publishes untraced, says so once, and never fails, when the caller's attributes leave no room", async () => {
    const { publisher, inputsOf, logger } = publisherWith();
    const crowded = { body: '{}', orderId: 'O1', status: 'new', attributes: callerAttributes(8) };
    await expect(publisher.publish(crowded)).resolves.toEqual({ messageId: 'sns-1' });
    await expect(publisher.publishBatch([crowded, crowded])).resolves.toEqual({ published: 2, failures: [] });
    expect(Object.keys(inputsOf('PublishCommand')[0]?.['MessageAttributes'] as Attributes)).toHaveLength(10);
    expect(inputsOf('PublishCommand')[0]?.['MessageAttributes']).not.toHaveProperty('traceparent');
    expect(logger.calls.map((call) => [call.level, call.fields['maxMessageAttributes']])).toEqual([['warn', 10]]);
  });

  it("refuses a message whose own attributes are more than SNS's 10, sends nothing for it, and publishes the rest", async () => {
    const { publisher, inputsOf } = publisherWith();
    const crowded = { body: '{}', orderId: 'O9', status: 'new', attributes: callerAttributes(9) };
    await expect(publisher.publish(crowded)).rejects.toThrow(TooManyMessageAttributesError);
    await expect(publisher.publish(crowded)).rejects.toThrow('Order O9 has 11 SNS message attributes');
    expect(inputsOf('PublishCommand')).toHaveLength(0);

    const ok = { body: '{}', orderId: 'O1', status: 'new' };
    const result = await publisher.publishBatch([ok, crowded, ok]);
    expect(result.published).toBe(2);
    expect(result.failures).toEqual([
      expect.objectContaining({ index: 1, code: 'too_many_message_attributes', retryable: false }),
    ]);
    const entries = inputsOf('PublishBatchCommand')[0]?.['PublishBatchRequestEntries'] as Entry[];
    expect(entries.map((entry) => entry.Id)).toEqual(['0', '2']);
  });

  it('marks the span failed with the error code when SNS refuses the call', async () => {
    const { publisher } = publisherWith(() => {
      throw Object.assign(new Error('Topic does not exist'), {
        name: 'NotFoundException',
        $metadata: { httpStatusCode: 404 },
      });
    });
    await expect(publisher.publish({ body: '{}' })).rejects.toThrow();
    const [span] = recording.spans();
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.attributes['error.type']).toBe('resource_missing');
  });
});
