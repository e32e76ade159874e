import { createOrderPipeline, InMemoryOrderRepository, type ManualClock } from '@orders/adapters-memory';
import { serializeOrder } from '@orders/core';
import {
  advanceClockWhenIdle,
  failedIdentifiers,
  runEventSourceMapping,
  type SqsBatchHandler,
} from '@orders/lambda-entry';
import { createOrderGenerator, SEED_DUMMY_ORDER } from '@orders/simulation';
import { handlerWith } from './support';

describe('local event source mapping', () => {
  it('moves a poison message to the DLQ after exactly 3 receives while valid ones in the same batches are stored', async () => {
    const pipeline = createOrderPipeline({ maxReceiveCount: 3 });
    const repository = new InMemoryOrderRepository();
    const { handler } = handlerWith(repository);
    const generator = createOrderGenerator(3);
    const orders = Array.from({ length: 25 }, () => generator.next());
    // The poison message sits in the middle, so it shares batches with valid orders.
    for (const order of orders.slice(0, 12)) await pipeline.topic.publish({ body: serializeOrder(order) });
    await pipeline.topic.publish({ body: '{"orderId":"POISON","quantity":"lots"}' });
    for (const order of orders.slice(12)) await pipeline.topic.publish({ body: serializeOrder(order) });

    const receiveCounts: number[] = [];
    const observing: SqsBatchHandler = async (event, context) => {
      for (const record of event.Records) {
        if (record.body.includes('POISON')) receiveCounts.push(Number(record.attributes.ApproximateReceiveCount));
      }
      return handler(event, context);
    };
    const report = await runEventSourceMapping({
      queue: pipeline.queue,
      queueArn: pipeline.queue.arn,
      handler: observing,
      onIdle: advanceClockWhenIdle(pipeline.queue, pipeline.clock as ManualClock),
    });

    expect(receiveCounts).toEqual([1, 2, 3]);
    expect(pipeline.queue.size).toBe(0);
    const dead = pipeline.deadLetterQueue.peekAll();
    expect(dead).toHaveLength(1);
    expect(dead[0]?.body).toContain('POISON');
    expect(dead[0]?.deadLetterSource?.receiveCount).toBe(3);
    expect(repository.all()).toEqual([...orders].sort((a, b) => a.orderId.localeCompare(b.orderId)));
    expect(report).toMatchObject({
      recordsDelivered: 28,
      recordsDeleted: 25,
      recordsReturned: 3,
      failedInvocations: 0,
    });
  });

  it('deletes nothing when the handler throws, and everything when it answers null', async () => {
    const pipeline = createOrderPipeline({ maxReceiveCount: 2 });
    await pipeline.topic.publish({ body: serializeOrder(SEED_DUMMY_ORDER) });
    const throwing: SqsBatchHandler = async () => {
      throw new Error('boom');
    };
    const thrown = await runEventSourceMapping({
      queue: pipeline.queue,
      queueArn: pipeline.queue.arn,
      handler: throwing,
      maxInvocations: 1,
    });
    expect(thrown).toMatchObject({ invocations: 1, failedInvocations: 1, recordsDeleted: 0 });
    expect(pipeline.queue.size).toBe(1);

    (pipeline.clock as ManualClock).advance(180_000);
    const nullish = (async () => null) as unknown as SqsBatchHandler;
    const acked = await runEventSourceMapping({
      queue: pipeline.queue,
      queueArn: pipeline.queue.arn,
      handler: nullish,
    });
    expect(acked).toMatchObject({ invocations: 1, recordsDeleted: 1 });
    expect(pipeline.queue.size).toBe(0);
  });

  it('reads responses the way Lambda does', () => {
    const batch = new Set(['a', 'b']);
    expect(failedIdentifiers(undefined, batch)).toEqual(new Set());
    expect(failedIdentifiers({}, batch)).toEqual(new Set());
    expect(failedIdentifiers({ batchItemFailures: [] }, batch)).toEqual(new Set());
    expect(failedIdentifiers({ batchItemFailures: [{ itemIdentifier: 'b' }] }, batch)).toEqual(new Set(['b']));
    expect(failedIdentifiers({ batchItemFailures: [{ itemIdentifier: '' }] }, batch)).toBe('whole-batch');
    expect(failedIdentifiers({ batchItemFailures: [{ itemIdentifier: 'zzz' }] }, batch)).toBe('whole-batch');
    expect(failedIdentifiers({ batchItemFailures: [{ id: 'a' }] }, batch)).toBe('whole-batch');
    expect(failedIdentifiers({ batchItemFailures: 'a' }, batch)).toBe('whole-batch');
    expect(failedIdentifiers('ok', batch)).toBe('whole-batch');
  });
});
