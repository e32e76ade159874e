import { InMemoryOrderRepository } from '@orders/adapters-memory';
import { RepositoryUnavailableError, serializeOrder, type OrderRepository } from '@orders/core';
import {
  SEED_DUMMY_ORDER,
  lambdaContext,
  rawBody,
  sampleOrder,
  snsEnvelopeBody,
  sqsEvent,
  sqsRecord,
} from '@orders/testkit';
import type { SQSEvent } from 'aws-lambda';
import { handlerWith } from './support';

describe('OrderProcessor handler', () => {
  it("stores the seed's dummy order delivered in an SNS envelope and reports no failures", async () => {
    const { handler, repository } = handlerWith();
    const response = await handler(sqsEvent([sqsRecord(snsEnvelopeBody(SEED_DUMMY_ORDER))]), lambdaContext());
    expect(response).toEqual({ batchItemFailures: [] });
    await expect(repository.findById('O1234')).resolves.toEqual(SEED_DUMMY_ORDER);
  });

  it('stores an order delivered raw (raw message delivery on)', async () => {
    const { handler, repository } = handlerWith();
    await expect(handler(sqsEvent([sqsRecord(rawBody(SEED_DUMMY_ORDER))]), lambdaContext())).resolves.toEqual({
      batchItemFailures: [],
    });
    await expect(repository.findById('O1234')).resolves.toEqual(SEED_DUMMY_ORDER);
  });

  it('answers an empty batch with an empty failure list', async () => {
    const { handler } = handlerWith();
    await expect(handler({ Records: [] }, lambdaContext())).resolves.toEqual({ batchItemFailures: [] });
  });

  it('reports exactly the bad records of a mixed batch, each once, and stores the good ones', async () => {
    const { handler, repository } = handlerWith();
    const good = [1, 2, 3].map((n) => sampleOrder({ orderId: `G${n}` }));
    const records = [
      sqsRecord(snsEnvelopeBody(good[0]!)),
      sqsRecord('{not json', { messageId: 'bad-json' }),
      sqsRecord(rawBody(good[1]!)),
      sqsRecord(snsEnvelopeBody(JSON.stringify({ ...SEED_DUMMY_ORDER, quantity: '1' })), { messageId: 'bad-quantity' }),
      sqsRecord(JSON.stringify({ Type: 'Notification', Message: 42 }), { messageId: 'bad-envelope' }),
      sqsRecord(snsEnvelopeBody(good[2]!)),
      sqsRecord('[]', { messageId: 'bad-array' }),
    ];
    const response = await handler(sqsEvent(records), lambdaContext());
    expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual([
      'bad-array',
      'bad-envelope',
      'bad-json',
      'bad-quantity',
    ]);
    for (const order of good) await expect(repository.findById(order.orderId)).resolves.toEqual(order);
  });

  it('acknowledges duplicates and stale events: they are successes, nothing to retry', async () => {
    const { handler, repository } = handlerWith();
    const newer = sampleOrder({ status: 'paid', timestamp: '2025-05-03T13:00:00Z' });
    const records = [
      sqsRecord(snsEnvelopeBody(newer)),
      sqsRecord(snsEnvelopeBody(newer)),
      sqsRecord(snsEnvelopeBody(SEED_DUMMY_ORDER)), // older: stale
    ];
    await expect(handler(sqsEvent(records), lambdaContext())).resolves.toEqual({ batchItemFailures: [] });
    await expect(repository.findById('O1234')).resolves.toEqual(newer);
  });

  it('reports every record a storage outage touched, never swallowing one', async () => {
    const down: OrderRepository = {
      save: async () => {
        throw new RepositoryUnavailableError('DynamoDB is unreachable');
      },
      findById: async () => undefined,
    };
    const { handler, logger } = handlerWith(down);
    const records = [1, 2, 3, 4, 5].map((n) =>
      sqsRecord(snsEnvelopeBody(sampleOrder({ orderId: `O${n}` })), { messageId: `m${n}` }),
    );
    const response = await handler(sqsEvent(records), lambdaContext());
    expect(response.batchItemFailures).toEqual(records.map((r) => ({ itemIdentifier: r.messageId })));
    const failed = logger.calls.filter((l) => l.fields['outcome'] === 'failed');
    expect(failed).toHaveLength(5);
    expect(failed.every((l) => l.fields['errorCode'] === 'repository_unavailable' && l.level === 'error')).toBe(true);
  });

  it('fails only the records whose save failed when the store fails intermittently', async () => {
    const memory = new InMemoryOrderRepository();
    const flaky: OrderRepository = {
      save: async (event) => {
        if (event.order.orderId.endsWith('2')) throw new RepositoryUnavailableError('throttled');
        return memory.save(event);
      },
      findById: (id) => memory.findById(id),
    };
    const { handler } = handlerWith(flaky);
    const records = ['O1', 'O2', 'O3', 'O12'].map((orderId) =>
      sqsRecord(rawBody(sampleOrder({ orderId })), { messageId: orderId }),
    );
    const response = await handler(sqsEvent(records), lambdaContext());
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'O2' }, { itemIdentifier: 'O12' }]);
    expect(memory.size).toBe(2);
  });

  it('reports a repeated messageId once', async () => {
    const { handler } = handlerWith();
    const records = [sqsRecord('x', { messageId: 'same' }), sqsRecord('y', { messageId: 'same' })];
    await expect(handler(sqsEvent(records), lambdaContext())).resolves.toEqual({
      batchItemFailures: [{ itemIdentifier: 'same' }],
    });
  });

  it('treats a record without a string body as an invalid message', async () => {
    const { handler } = handlerWith();
    const record = { ...sqsRecord(''), messageId: 'no-body', body: undefined } as unknown as ReturnType<
      typeof sqsRecord
    >;
    await expect(handler(sqsEvent([record]), lambdaContext())).resolves.toEqual({
      batchItemFailures: [{ itemIdentifier: 'no-body' }],
    });
  });

  it('throws (so Lambda retries the whole batch) when a record has no messageId it could be reported by', async () => {
    const { handler, logger } = handlerWith();
    const record = { ...sqsRecord(rawBody(SEED_DUMMY_ORDER)), messageId: '' };
    await expect(handler(sqsEvent([record]), lambdaContext())).rejects.toMatchObject({ code: 'malformed_event' });
    await expect(handler({} as SQSEvent, lambdaContext())).rejects.toMatchObject({ code: 'malformed_event' });
    expect(logger.calls.some((l) => l.level === 'error' && l.fields['errorCode'] === 'malformed_event')).toBe(true);
  });

  it('hands back records not started before the deadline instead of timing out the whole batch', async () => {
    const { handler, repository } = handlerWith();
    const records = [1, 2, 3].map((n) => sqsRecord(rawBody(sampleOrder({ orderId: `D${n}` })), { messageId: `d${n}` }));
    const response = await handler(sqsEvent(records), lambdaContext({ getRemainingTimeInMillis: () => 1000 }));
    expect(response.batchItemFailures).toHaveLength(3);
    await expect(repository.findById('D1')).resolves.toBeUndefined();
  });

  it('on a FIFO source, hands back every record after the first failure, in order', async () => {
    const { handler, repository } = handlerWith();
    const fifo = 'arn:aws:sqs:us-east-1:000000000000:OrderQueue.fifo';
    const records = [
      sqsRecord(rawBody(sampleOrder({ orderId: 'F1' })), { messageId: 'f1', eventSourceARN: fifo }),
      sqsRecord('bad', { messageId: 'f2', eventSourceARN: fifo }),
      sqsRecord(rawBody(sampleOrder({ orderId: 'F3' })), { messageId: 'f3', eventSourceARN: fifo }),
    ];
    const response = await handler(sqsEvent(records), lambdaContext());
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'f2' }, { itemIdentifier: 'f3' }]);
    await expect(repository.findById('F1')).resolves.toBeDefined();
    await expect(repository.findById('F3')).resolves.toBeUndefined();
  });

  it('logs one structured line per record with ids and outcome, never the payload', async () => {
    const { handler, logger } = handlerWith();
    const secretUser = 'U-very-private-991';
    const secretItem = 'Secret Item Name 7731';
    const order = sampleOrder({ orderId: 'LOG-1', userId: secretUser, itemName: secretItem });
    const bad = JSON.stringify({ ...order, orderId: 'LOG-2', quantity: -1 });
    const records = [
      sqsRecord(snsEnvelopeBody(order), { messageId: 'ok' }),
      sqsRecord(snsEnvelopeBody(bad), { messageId: 'bad' }),
    ];
    await handler(sqsEvent(records), lambdaContext({ awsRequestId: 'req-123' }));
    const perRecord = logger.calls.filter((l) => typeof l.fields['outcome'] === 'string');
    expect(
      perRecord.map((l) => [l.fields['messageId'], l.fields['orderId'], l.fields['outcome'], l.fields['errorCode']]),
    ).toEqual([
      ['ok', 'LOG-1', 'created', undefined],
      ['bad', 'LOG-2', 'invalid', 'out_of_range'],
    ]);
    expect(perRecord.every((l) => l.fields['requestId'] === 'req-123')).toBe(true);
    const everything = JSON.stringify(logger.calls);
    expect(everything).not.toContain(secretUser);
    expect(everything).not.toContain(secretItem);
    expect(everything).not.toContain(serializeOrder(order));
  });

  it('records metrics once per batch and flushes them once per invocation, even when it throws', async () => {
    const { handler, metrics } = handlerWith();
    await handler(sqsEvent([sqsRecord(rawBody(SEED_DUMMY_ORDER)), sqsRecord('bad')]), lambdaContext());
    expect(metrics.batches).toEqual([
      expect.objectContaining({
        batchSize: 2,
        counts: { created: 1, updated: 0, duplicate: 0, conflict: 0, stale: 0, invalid: 1, failed: 0 },
      }),
    ]);
    expect(metrics.flushes).toBe(1);
    await expect(handler({} as SQSEvent, lambdaContext())).rejects.toThrow();
    expect(metrics.flushes).toBe(2);
  });
});

describe('OrderProcessor handler with its real Powertools logger', () => {
  it('answers a caller that passes no context (local tools do), instead of failing in the logger', async () => {
    const { buildContainer, readEntryConfig, SQS_BATCH_HANDLER } = await import('@orders/lambda-entry');
    const container = buildContainer(readEntryConfig({ ORDERS_REPOSITORY: 'memory', LOG_LEVEL: 'error' }), {
      metrics: { recordBatch: () => undefined },
    });
    const handler = container.resolve<import('@orders/lambda-entry').SqsBatchHandler>(SQS_BATCH_HANDLER);
    const noContext = undefined as unknown as Parameters<typeof handler>[1];
    await expect(
      handler(sqsEvent([sqsRecord(rawBody(SEED_DUMMY_ORDER), { messageId: 'ok' })]), noContext),
    ).resolves.toEqual({ batchItemFailures: [] });
  });
});

describe('OrderProcessor handler with a context whose clock throws', () => {
  it('processes the batch as if no deadline were known', async () => {
    const { handler, repository } = handlerWith();
    const broken = lambdaContext({
      getRemainingTimeInMillis: () => {
        throw new Error('no clock');
      },
    });
    await expect(handler(sqsEvent([sqsRecord(rawBody(SEED_DUMMY_ORDER))]), broken)).resolves.toEqual({
      batchItemFailures: [],
    });
    await expect(repository.findById('O1234')).resolves.toEqual(SEED_DUMMY_ORDER);
  });
});
