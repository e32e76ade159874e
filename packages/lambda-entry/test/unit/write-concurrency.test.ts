import { InMemoryOrderRepository } from '@orders/adapters-memory';
import type { OrderRepository } from '@orders/core';
import { lambdaContext } from '@orders/lambda-local';
import { rawBody, sampleOrder, sqsEvent, sqsRecord } from '@orders/testkit';
import { handlerWith } from './support';

/** The memory store behind a "DynamoDB" whose SDK retried past one throttled attempt of every save. */
function storeThrottlingOnce(): OrderRepository {
  const memory = new InMemoryOrderRepository();
  return {
    save: async (event, options) => {
      // The throttled answer comes back a round trip later, when every save of the batch has started.
      await new Promise((resolve) => setImmediate(resolve));
      options?.onThrottledAttempt?.();
      return memory.save(event);
    },
    findById: (id) => memory.findById(id),
  };
}

const records = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) =>
    sqsRecord(rawBody(sampleOrder({ orderId: `${prefix}${i}` })), { messageId: `${prefix}-m${i}` }),
  );

describe('OrderProcessor handler: write concurrency under DynamoDB throttling', () => {
  it('says the throttled saves and the write limit in its batch line, and counts them in the metrics', async () => {
    const { handler, logger, metrics } = handlerWith(storeThrottlingOnce(), { ORDERS_CONCURRENCY: '40' });
    await expect(handler(sqsEvent(records('A', 10)), lambdaContext())).resolves.toEqual({ batchItemFailures: [] });
    const line = logger.calls.find((call) => call.message === 'batch processed');
    // Ten saves in flight when the first came back throttled: the limit is half of that.
    expect(line?.fields).toMatchObject({ batchSize: 10, failed: 0, throttledSaves: 10, writeConcurrency: 5 });
    expect(metrics.batches[0]).toMatchObject({ throttledSaves: 10 });
    expect(logger.calls.find((call) => call.level === 'warn')).toMatchObject({
      message: 'the store is throttling writes; fewer saves at once',
      fields: { writeConcurrency: 5, previousWriteConcurrency: 40, maxWriteConcurrency: 40 },
    });
  });

  it('keeps one limit per execution environment: the next invocation starts where the last one left it', async () => {
    const { handler, logger } = handlerWith(storeThrottlingOnce());
    await handler(sqsEvent(records('A', 10)), lambdaContext());
    await handler(sqsEvent(records('B', 10)), lambdaContext());
    const lines = logger.calls.filter((call) => call.message === 'batch processed');
    const cuts = logger.calls.filter((call) => call.level === 'warn');
    // Every save throttled (so no recovery step, whatever the system clock does): 10 in flight → 5;
    // the second invocation starts at 5, not at the configured 100, and each new round halves again.
    expect(cuts.map((call) => [call.fields['previousWriteConcurrency'], call.fields['writeConcurrency']])).toEqual([
      [100, 5],
      [5, 2],
      [2, 1],
    ]);
    expect(lines.map((call) => call.fields['writeConcurrency'])).toEqual([5, 1]);
  });

  it('says the configured bound when nothing was throttled', async () => {
    const { handler, logger, metrics } = handlerWith(new InMemoryOrderRepository());
    await handler(sqsEvent(records('A', 3)), lambdaContext());
    expect(logger.calls.find((call) => call.message === 'batch processed')?.fields).toMatchObject({
      throttledSaves: 0,
      writeConcurrency: 100,
    });
    expect(metrics.batches[0]).not.toHaveProperty('throttledSaves');
  });
});
