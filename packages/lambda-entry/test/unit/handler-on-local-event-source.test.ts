import {
  advanceClockWhenIdle,
  createOrderPipeline,
  InMemoryOrderRepository,
  type ManualClock,
} from '@orders/adapters-memory';
import { serializeOrder } from '@orders/core';
import type { SqsBatchHandler } from '@orders/lambda-entry';
import { runEventSourceMapping } from '@orders/lambda-local';
import { createOrderGenerator } from '@orders/simulation';
import { handlerWith } from './support';

describe('the handler on the in-process event source mapping', () => {
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
});
