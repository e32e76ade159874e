import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { sampleOrder, recordSpansPerTest, timed } from '@orders/testkit';
import { DynamoDbOrderRepository } from '../../src';
import { fakeClient, type FakeHandler, TEST_CLIENT_CONFIG } from './support/fake-client';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

function repositoryWith(handler: FakeHandler) {
  const fake = fakeClient(new DynamoDBClient(TEST_CLIENT_CONFIG), handler);
  return { ...fake, repository: new DynamoDbOrderRepository({ client: fake.client, tableName: 'OrdersTest' }) };
}

describe('DynamoDbOrderRepository: the trace id beside the order', () => {
  it('stores the save’s trace id as the traceId attribute, outside the ordering condition', async () => {
    const { repository, inputsOf } = repositoryWith(() => ({ $metadata: {} }));
    await repository.save(timed(sampleOrder()), { traceId: TRACE_ID });
    await repository.save(timed(sampleOrder()));
    const [traced, untraced] = inputsOf('PutItemCommand');
    expect(traced?.['Item']).toHaveProperty('traceId', { S: TRACE_ID });
    expect(untraced?.['Item']).not.toHaveProperty('traceId');
    // The one conditional write is the same with or without it: the condition never reads the trace id.
    for (const key of ['ConditionExpression', 'ExpressionAttributeNames', 'ExpressionAttributeValues'])
      expect(traced?.[key]).toEqual(untraced?.[key]);
    expect(JSON.stringify(traced?.['ExpressionAttributeNames'])).not.toContain('traceId');
  });

  it('stores nothing that is not a W3C trace id', async () => {
    const { repository, inputsOf } = repositoryWith(() => ({ $metadata: {} }));
    for (const traceId of ['', 'not-a-trace', TRACE_ID.toUpperCase(), `${TRACE_ID}00`])
      await repository.save(timed(sampleOrder()), { traceId });
    const puts = inputsOf('PutItemCommand');
    expect(puts).toHaveLength(4);
    for (const put of puts) expect(put['Item']).not.toHaveProperty('traceId');
  });

  it('reads the stored trace id back for an operator (`orders get`)', async () => {
    const { repository } = repositoryWith(() => ({
      $metadata: {},
      Item: {
        orderId: { S: 'O1234' },
        userId: { S: 'U123' },
        itemName: { S: 'Laptop' },
        quantity: { N: '1' },
        status: { S: 'new' },
        timestamp: { S: '2025-05-03T12:00:00Z' },
        instant: { N: '1746273600' },
        updatedAt: { S: '2025-05-03T12:00:05.000Z' },
        traceId: { S: TRACE_ID },
      },
    }));
    await expect(repository.findStored('O1234')).resolves.toMatchObject({ orderId: 'O1234', traceId: TRACE_ID });
  });
});

describe('DynamoDbOrderRepository: the PutItem span', () => {
  const recording = recordSpansPerTest();

  /** Runs `work` inside a recorded parent span (a record's process span) and returns that span's id. */
  async function insideParent(work: () => Promise<unknown>): Promise<string> {
    const parent = trace.getTracer('test').startSpan('process OrderQueue', { kind: SpanKind.CONSUMER });
    await context.with(trace.setSpan(context.active(), parent), work).catch(() => undefined);
    parent.end();
    return parent.spanContext().spanId;
  }

  it('is a CLIENT child span of the record’s span with the database attributes', async () => {
    const { repository } = repositoryWith(() => ({ $metadata: {} }));
    const parentId = await insideParent(() => repository.save(timed(sampleOrder()), { traceId: TRACE_ID }));
    const [put] = recording.spans().filter((span) => span.name === 'PutItem OrdersTest');
    expect(put?.kind).toBe(SpanKind.CLIENT);
    expect(put?.parentSpanContext?.spanId).toBe(parentId);
    expect(put?.attributes).toEqual({
      'db.system.name': 'aws.dynamodb',
      'db.system': 'aws.dynamodb',
      'db.operation.name': 'PutItem',
      'db.collection.name': 'OrdersTest',
      'aws.dynamodb.table_names': ['OrdersTest'],
      'rpc.system': 'aws-api',
      'rpc.service': 'DynamoDB',
      'rpc.method': 'PutItem',
    });
    expect(put?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('says a refused condition (a duplicate) as an attribute, not an error', async () => {
    const { repository } = repositoryWith(() => {
      throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
    });
    // The fallback read finds nothing: the fake answers every call the same way; only the put matters here.
    await insideParent(() => repository.save(timed(sampleOrder())));
    const [put] = recording.spans().filter((span) => span.name === 'PutItem OrdersTest');
    expect(put?.attributes['orders.write_condition_failed']).toBe(true);
    expect(put?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('sets status ERROR and error.type when the write fails', async () => {
    const { repository } = repositoryWith(() => {
      throw Object.assign(new Error('Requested resource not found'), {
        name: 'ResourceNotFoundException',
        $metadata: { httpStatusCode: 400 },
      });
    });
    await insideParent(() => repository.save(timed(sampleOrder())));
    const [put] = recording.spans().filter((span) => span.name === 'PutItem OrdersTest');
    expect(put?.status.code).toBe(SpanStatusCode.ERROR);
    expect(put?.attributes['error.type']).toBe('table_not_found');
  });

  it('makes no span for a save outside a recorded span', async () => {
    const { repository } = repositoryWith(() => ({ $metadata: {} }));
    await repository.save(timed(sampleOrder()));
    expect(recording.spans()).toEqual([]);
  });
});
