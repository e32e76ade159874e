import { InMemoryOrderRepository } from '@orders/adapters-memory';
import { type OrderRepository, RepositoryUnavailableError } from '@orders/core';
import { lambdaContext } from '@orders/lambda-local';
import { rawBody, sampleOrder, sqsEvent, sqsRecord } from '@orders/testkit';
import { FullBatchFailureError } from '../../src/invocation/full-batch-failure';
import { handlerWith } from './support';

const FIFO_ARN = 'arn:aws:sqs:us-east-1:000000000000:OrderQueue.fifo';

/** A record of a FIFO source, in message group `group` (none: as a local event without the attribute). */
function fifoRecord(messageId: string, body: string, group?: string, receiveCount = 1) {
  return sqsRecord(body, {
    messageId,
    eventSourceARN: FIFO_ARN,
    attributes: {
      ...sqsRecord('').attributes,
      ApproximateReceiveCount: String(receiveCount),
      ...(group === undefined ? {} : { MessageGroupId: group }),
    },
  });
}

const order = (orderId: string) => rawBody(sampleOrder({ orderId }));

/** The memory store, except that saving these orders fails with this error; it remembers what it was asked to save. */
function storeFailing(orderIds: readonly string[], error: () => Error) {
  const memory = new InMemoryOrderRepository();
  const saved: string[] = [];
  const repository: OrderRepository = {
    save: async (event) => {
      saved.push(event.order.orderId);
      if (orderIds.includes(event.order.orderId)) throw error();
      return memory.save(event);
    },
    findById: (id) => memory.findById(id),
  };
  return { repository, memory, saved };
}

const throttled = () => new RepositoryUnavailableError('DynamoDB throttled', { code: 'throttled' });
const accessDenied = () =>
  new RepositoryUnavailableError('not allowed to write', { code: 'access_denied', retryable: false });

describe('OrderProcessor handler on a FIFO source', () => {
  it('does not hold a message group behind poison: the valid record after it is stored and the invocation answers', async () => {
    const { handler, repository, visibility, metrics } = handlerWith();
    const records = [fifoRecord('p1', 'not json', 'A'), fifoRecord('a2', order('A2'), 'A')];
    // Poison fails the same way on every receive and is never applied: nothing can overtake it.
    await expect(handler(sqsEvent(records), lambdaContext())).resolves.toEqual({
      batchItemFailures: [{ itemIdentifier: 'p1' }],
    });
    await expect(repository.findById('A2')).resolves.toBeDefined();
    expect(visibility.delays()).toEqual({ AQEBp1: 0 });
    expect(metrics.batches[0]).toMatchObject({ counts: { created: 1, invalid: 1, failed: 0 } });
    expect(metrics.batches[0]).not.toHaveProperty('deferred');
  });

  it("does not hold a group behind a retryable failure on its last receive: it goes to the DLQ whatever follows, so the group's later records are tried, not dead-lettered with it", async () => {
    const store = storeFailing(['A1'], throttled);
    const { handler, visibility } = handlerWith(store.repository, { ORDERS_MAX_RECEIVE_COUNT: '3' });
    // A1 on its third receive of three: its next receive moves it to the DLQ.
    const records = [fifoRecord('a1', order('A1'), 'A', 3), fifoRecord('a2', order('A2'), 'A', 3)];
    await expect(handler(sqsEvent(records), lambdaContext())).resolves.toEqual({
      batchItemFailures: [{ itemIdentifier: 'a1' }],
    });
    expect(store.saved).toEqual(['A1', 'A2']);
    await expect(store.memory.findById('A2')).resolves.toBeDefined();
    // The last receive is made visible at once, to reach the DLQ and its alarm.
    expect(visibility.delays()).toEqual({ AQEBa1: 0 });
    // Before its last receive the same failure still holds the group back.
    const earlier = storeFailing(['B1'], throttled);
    const held = handlerWith(earlier.repository, { ORDERS_MAX_RECEIVE_COUNT: '3' });
    await expect(
      held.handler(
        sqsEvent([fifoRecord('b1', order('B1'), 'B', 2), fifoRecord('b2', order('B2'), 'B', 2)]),
        lambdaContext(),
      ),
    ).rejects.toBeInstanceOf(FullBatchFailureError);
    expect(earlier.saved).toEqual(['B1']);
  });

  it('answers when every record it tried was poison, in one group or several', async () => {
    const { handler, repository } = handlerWith();
    const records = [
      fifoRecord('a1', order('A1'), 'A'),
      fifoRecord('a2', 'bad', 'A'),
      fifoRecord('a3', order('A3'), 'A'),
      fifoRecord('b1', '[]', 'B'),
      fifoRecord('b2', '{"orderId":"B2"}', 'B'),
    ];
    await expect(handler(sqsEvent(records), lambdaContext())).resolves.toEqual({
      batchItemFailures: [{ itemIdentifier: 'a2' }, { itemIdentifier: 'b1' }, { itemIdentifier: 'b2' }],
    });
    for (const id of ['A1', 'A3']) await expect(repository.findById(id)).resolves.toBeDefined();
    const allPoison = handlerWith();
    await expect(
      allPoison.handler(sqsEvent([fifoRecord('x1', 'bad', 'X'), fifoRecord('x2', '[]', 'X')]), lambdaContext()),
    ).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'x1' }, { itemIdentifier: 'x2' }] });
  });

  it.each([
    ['transient', throttled, 'throttled', 60],
    ['systemic', accessDenied, 'access_denied', 60],
  ] as const)(
    'defers the rest of a group behind a %s failure, untried and released at once, while other groups go on',
    async (failureClass, error, code, delay) => {
      const store = storeFailing(['A1'], error);
      const { handler, logger, visibility, metrics } = handlerWith(store.repository);
      const records = [
        fifoRecord('a1', order('A1'), 'A'),
        fifoRecord('b1', order('B1'), 'B'),
        fifoRecord('a2', order('A2'), 'A'),
        fifoRecord('a3', 'bad', 'A'),
        fifoRecord('b2', order('B2'), 'B'),
      ];
      // Some record succeeded: an answer, not an outage.
      await expect(handler(sqsEvent(records), lambdaContext())).resolves.toEqual({
        batchItemFailures: [{ itemIdentifier: 'a1' }, { itemIdentifier: 'a2' }, { itemIdentifier: 'a3' }],
      });
      // A2 was never tried: applying it while A1 goes back to the queue would put it before A1.
      expect(store.saved).toEqual(['A1', 'B1', 'B2']);
      // A1 backs off; the records behind it are made visible at once: the group stays locked while
      // A1 is in flight, so they come back with it (not after the queue's whole visibility timeout).
      expect(visibility.delays()).toEqual({ AQEBa1: delay, AQEBa2: 0, AQEBa3: 0 });
      // Counted apart: one failure of class `failureClass`, two deferred, not three failures.
      expect(metrics.batches).toHaveLength(1);
      expect(metrics.batches[0]).toMatchObject({
        batchSize: 5,
        counts: { created: 2, invalid: 0, failed: 1 },
        failures: [{ failureClass, code, count: 1 }],
        deferred: 2,
      });
      const deferredLines = logger.calls.filter((l) => l.fields['deferredBehind'] !== undefined);
      expect(deferredLines.map((l) => [l.level, l.fields['messageId'], l.fields['deferredBehind']])).toEqual([
        ['warn', 'a2', 'a1'],
        ['warn', 'a3', 'a1'],
      ]);
      expect(deferredLines[0]?.fields).toMatchObject({ outcome: 'failed', errorCode: 'fifo_group_blocked' });
      expect(deferredLines.every((l) => l.fields['failureClass'] === undefined)).toBe(true);
      expect(logger.calls.find((l) => l.message === 'batch processed')?.fields).toMatchObject({
        failed: 3,
        deferred: 2,
      });
    },
  );

  it('fails the invocation when every record it tried failed in an outage, leaving the deferred ones out of it', async () => {
    const store = storeFailing(['A1'], throttled);
    const { handler, visibility, metrics } = handlerWith(store.repository);
    const records = [fifoRecord('a1', order('A1'), 'A'), fifoRecord('a2', order('A2'), 'A')];
    const error = await handler(sqsEvent(records), lambdaContext()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FullBatchFailureError);
    expect(error).toMatchObject({
      failures: [{ failureClass: 'transient', code: 'throttled', count: 1 }],
      deferred: 1,
      failureClass: 'transient',
    });
    expect((error as Error).message).toBe(
      'All 1 records failed (and 1 deferred behind them): 1 throttled (transient). Their retries are paced; failing the invocation so the Errors alarm sees it.',
    );
    // Paced and released before it threw.
    expect(visibility.delays()).toEqual({ AQEBa1: 60, AQEBa2: 0 });
    expect(metrics.batches[0]).toMatchObject({ failures: [{ code: 'throttled', count: 1 }], deferred: 1 });
  });

  it('releases a deferred record at once on any receive: it comes back with the record it waits behind', async () => {
    const store = storeFailing(['A1'], throttled);
    const { handler, visibility } = handlerWith(store.repository, { ORDERS_RETRY_BASE_DELAY_SECONDS: '30' });
    const records = [
      fifoRecord('a1', order('A1'), 'A', 2),
      fifoRecord('a2', order('A2'), 'A', 2),
      fifoRecord('b1', order('B1'), 'B'),
    ];
    await handler(sqsEvent(records), lambdaContext());
    expect(visibility.delays()).toEqual({ AQEBa1: 30 * 60, AQEBa2: 0 });
  });

  it('treats records without a MessageGroupId as one group (the strictest order)', async () => {
    const store = storeFailing(['X1'], throttled);
    const { handler, metrics } = handlerWith(store.repository);
    const records = [fifoRecord('x1', order('X1')), fifoRecord('x2', order('X2'))];
    await expect(handler(sqsEvent(records), lambdaContext())).rejects.toBeInstanceOf(FullBatchFailureError);
    expect(store.saved).toEqual(['X1']);
    expect(metrics.batches[0]).toMatchObject({ deferred: 1 });
  });

  it('still reports a deferred record whose release the queue refused, and says so', async () => {
    const store = storeFailing(['A1'], throttled);
    const { handler, logger, visibility } = handlerWith(store.repository);
    visibility.refuse.add('AQEBa2');
    const records = [
      fifoRecord('a1', order('A1'), 'A'),
      fifoRecord('a2', order('A2'), 'A'),
      fifoRecord('b1', order('B1'), 'B'),
    ];
    await expect(handler(sqsEvent(records), lambdaContext())).resolves.toEqual({
      batchItemFailures: [{ itemIdentifier: 'a1' }, { itemIdentifier: 'a2' }],
    });
    const warning = logger.calls.find((l) => l.level === 'warn' && l.message.startsWith('could not release'));
    expect(warning?.fields).toMatchObject({ messageId: 'a2', errorCode: 'ReceiptHandleIsInvalid' });
  });
});
