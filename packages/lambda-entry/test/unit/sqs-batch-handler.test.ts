import { InMemoryOrderRepository } from '@orders/adapters-memory';
import { RepositoryUnavailableError, serializeOrder, type OrderRepository } from '@orders/core';
import { TEST_QUEUE_ARN, rawBody, sampleOrder, snsEnvelopeBody, sqsEvent, sqsRecord } from '@orders/testkit';
import { lambdaContext } from '@orders/lambda-local';
import { SEED_DUMMY_ORDER } from '@orders/simulation';
import type { SQSEvent } from 'aws-lambda';
import { FullBatchFailureError } from '../../src/invocation/full-batch-failure';
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

  it('fails the invocation when every record failed in an outage, after reporting and pacing each one', async () => {
    const down: OrderRepository = {
      save: async () => {
        throw new RepositoryUnavailableError('DynamoDB is unreachable', { code: 'throttled' });
      },
      findById: async () => undefined,
    };
    const { handler, logger, visibility, metrics } = handlerWith(down);
    const records = [1, 2, 3, 4, 5].map((n) =>
      sqsRecord(snsEnvelopeBody(sampleOrder({ orderId: `O${n}` })), {
        messageId: `m${n}`,
        attributes: { ...sqsRecord('').attributes, ApproximateReceiveCount: String(n <= 3 ? 1 : 2) },
      }),
    );
    // A partial response failing every record counts as a success in Lambda's Errors metric: throw.
    const error = await handler(sqsEvent(records), lambdaContext()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FullBatchFailureError);
    expect(error).toMatchObject({ name: 'FullBatchFailureError', code: 'full_batch_failure' });
    expect((error as Error).message).toBe(
      'All 5 records failed: 5 throttled (transient). Their retries are paced; failing the invocation so the Errors alarm sees it.',
    );
    const failed = logger.calls.filter((l) => l.fields['outcome'] === 'failed');
    expect(failed).toHaveLength(5);
    expect(failed.every((l) => l.fields['errorCode'] === 'throttled' && l.fields['failureClass'] === 'transient')).toBe(
      true,
    );
    // Paced before it threw: 60 s after a first receive, an hour after a second.
    expect(visibility.delays()).toEqual({
      AQEBm1: 60,
      AQEBm2: 60,
      AQEBm3: 60,
      AQEBm4: 3600,
      AQEBm5: 3600,
    });
    expect(metrics.flushes).toBe(1);
    const invocationLine = logger.calls.find((l) => l.level === 'error' && l.message.startsWith('every record failed'));
    expect(invocationLine?.fields).toMatchObject({
      errorName: 'FullBatchFailureError',
      errorCode: 'full_batch_failure',
      failureClass: 'transient',
      failures: [{ failureClass: 'transient', code: 'throttled', count: 5 }],
    });
  });

  it('answers (does not throw) when the only failures are poison, and makes poison visible at once', async () => {
    const { handler, visibility } = handlerWith();
    const records = [
      sqsRecord('not json', { messageId: 'p1' }),
      sqsRecord('[]', { messageId: 'p2', attributes: { ...sqsRecord('').attributes, ApproximateReceiveCount: '3' } }),
    ];
    await expect(handler(sqsEvent(records), lambdaContext())).resolves.toEqual({
      batchItemFailures: [{ itemIdentifier: 'p1' }, { itemIdentifier: 'p2' }],
    });
    expect(visibility.delays()).toEqual({ AQEBp1: 0, AQEBp2: 0 });
    expect(visibility.changes.every((c) => c.queueArn === TEST_QUEUE_ARN)).toBe(true);
  });

  it('still reports a failed record whose pacing the queue refused', async () => {
    const { handler, visibility, logger } = handlerWith();
    visibility.refuse.add('AQEBp1');
    const records = [sqsRecord('not json', { messageId: 'p1' }), sqsRecord(rawBody(SEED_DUMMY_ORDER))];
    await expect(handler(sqsEvent(records), lambdaContext())).resolves.toEqual({
      batchItemFailures: [{ itemIdentifier: 'p1' }],
    });
    expect(logger.calls.some((l) => l.level === 'warn' && l.fields['errorCode'] === 'ReceiptHandleIsInvalid')).toBe(
      true,
    );
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
    const { handler, repository } = handlerWith(undefined, { ORDERS_DEADLINE_MARGIN_MS: '3000' });
    const records = [1, 2, 3].map((n) => sqsRecord(rawBody(sampleOrder({ orderId: `D${n}` })), { messageId: `d${n}` }));
    // 10 s at the start (so the 3 s margin is honoured in full), 1 s left once records would start.
    let remainingMs = 10_000;
    const getRemainingTimeInMillis = (): number => {
      const now = remainingMs;
      remainingMs = 1_000;
      return now;
    };
    const error = await handler(sqsEvent(records), lambdaContext({ getRemainingTimeInMillis })).catch(
      (e: unknown) => e,
    );
    // None started: every record failed (deadline_exceeded, transient), so the invocation fails too.
    expect(error).toBeInstanceOf(FullBatchFailureError);
    expect((error as FullBatchFailureError).failures).toEqual([
      { failureClass: 'transient', code: 'deadline_exceeded', count: 3 },
    ]);
    // Only transient failures: the invocation's error is transient too (systemic wakes an operator).
    expect(error).toMatchObject({ failureClass: 'transient', retryable: true });
    await expect(repository.findById('D1')).resolves.toBeUndefined();
  });

  it('scales the default margin to the invocation: a 3 s function still processes its records', async () => {
    const { handler, repository } = handlerWith();
    const records = [1, 2].map((n) => sqsRecord(rawBody(sampleOrder({ orderId: `S${n}` })), { messageId: `s${n}` }));
    const context = lambdaContext({}, 3_000);
    await expect(handler(sqsEvent(records), context)).resolves.toEqual({ batchItemFailures: [] });
    await expect(repository.findById('S2')).resolves.toBeDefined();
  });

  it('cancels saves still running near the deadline, so none outlives the invocation', async () => {
    // Time is the subject: on fake timers (the context's clock reads Date.now, the cut is a timer), so
    // the test says exactly when the save is cut, whatever the machine's load.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] });
    try {
      let aborted = 0;
      const hanging: OrderRepository = {
        save: (_event, options) =>
          new Promise((_resolve, reject) => {
            options?.signal?.addEventListener('abort', () => {
              aborted++;
              reject(new RepositoryUnavailableError('cut short', { code: 'deadline_exceeded' }));
            });
          }),
        findById: async () => undefined,
      };
      const { handler } = handlerWith(hanging);
      const records = [sqsRecord(rawBody(sampleOrder({ orderId: 'H1' })), { messageId: 'h1' })];
      let settled = false;
      const outcome = handler(sqsEvent(records), lambdaContext({}, 400))
        .catch((e: unknown) => e)
        .finally(() => {
          settled = true;
        });
      // 400 ms left: the default margin is 50 ms (a tenth, at least 50), saves are cut at half of it.
      await jest.advanceTimersByTimeAsync(374);
      expect([aborted, settled]).toEqual([0, false]);
      await jest.advanceTimersByTimeAsync(1);
      expect(aborted).toBe(1);
      // ...and the invocation has answered before its 400 ms are up.
      await jest.advanceTimersByTimeAsync(24);
      expect(settled).toBe(true);
      expect(((await outcome) as FullBatchFailureError).failures).toEqual([
        { failureClass: 'transient', code: 'deadline_exceeded', count: 1 },
      ]);
    } finally {
      jest.useRealTimers();
    }
  });

  // FIFO sources: sqs-batch-handler.fifo.test.ts.

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
