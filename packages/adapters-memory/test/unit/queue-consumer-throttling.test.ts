import {
  createOrderPipeline,
  InMemoryOrderRepository,
  type ManualClock,
  ManualScheduler,
} from '@orders/adapters-memory';
import {
  type OrderRepository,
  ProcessOrderBatch,
  QueueConsumer,
  RepositoryUnavailableError,
  serializeOrder,
} from '@orders/core';
import { createOrderGenerator } from '@orders/simulation';

/**
 * The memory store behind a hot partition that takes `capacity` concurrent writes: a save that
 * starts with more in flight (itself included) is throttled. Each save takes a few microtask turns,
 * so the saves of the consumer's pollers overlap. (Not a macrotask: the manual scheduler moves the
 * clock a whole idle delay each time a poller idles, which would make a save seem to take minutes.)
 */
function hotPartition(capacity: number) {
  const memory = new InMemoryOrderRepository();
  const state = { inFlight: 0, throttled: 0, saves: 0, peaks: [] as number[] };
  const repository: OrderRepository = {
    save: async (event) => {
      state.saves++;
      state.inFlight++;
      state.peaks.push(state.inFlight);
      const over = state.inFlight > capacity;
      try {
        for (let turn = 0; turn < 3; turn++) await Promise.resolve();
        if (over) {
          state.throttled++;
          throw new RepositoryUnavailableError('DynamoDB PutItem failed: still throttled after retries.', {
            code: 'throttled',
          });
        }
        return await memory.save(event);
      } finally {
        state.inFlight--;
      }
    },
    findById: (id) => memory.findById(id),
  };
  return { repository, memory, state };
}

describe('QueueConsumer under DynamoDB throttling', () => {
  it("its pollers' saves share one adaptive limit: they come down to what the store takes, and nothing is lost", async () => {
    const capacity = 5;
    const pipeline = createOrderPipeline({ maxReceiveCount: 10, visibilityTimeoutSeconds: 30 });
    const clock = pipeline.clock as ManualClock;
    const { repository, memory, state } = hotPartition(capacity);
    // One use case for every poller, as `orders consume` builds it, on the queue's clock: while the
    // paced retries wait, time passes, and the limit probes for room again.
    const useCase = new ProcessOrderBatch({ repository, clock }, { concurrency: 40 });
    const consumer = new QueueConsumer(
      { queue: pipeline.queue, processOrderBatch: useCase, scheduler: new ManualScheduler(clock) },
      {
        visibilityTimeoutSeconds: 30,
        pollers: 4,
        waitTimeSeconds: 0,
        idleDelayMs: 1000,
        batchTimeoutMs: 10 * 60_000,
        untilEmpty: async () => pipeline.queue.depth(),
      },
    );
    const generator = createOrderGenerator(11);
    const published = new Map<string, string>();
    for (let i = 0; i < 200; i++) {
      const order = generator.next();
      published.set(order.orderId, serializeOrder(order));
      await pipeline.topic.publish({ body: serializeOrder(order) });
    }

    const report = await consumer.run();

    expect(report.stoppedBy).toBe('empty');
    expect(pipeline.deadLetterQueue.size).toBe(0);
    expect(memory.all().map(serializeOrder).sort()).toEqual([...published.values()].sort());
    // Four pollers' batches at first: all forty saves at once, far more than the partition takes...
    expect(Math.max(...state.peaks.slice(0, 40))).toBe(40);
    expect(state.throttled).toBeGreaterThan(0);
    // ...then, in the second half, saves start at most one over it, as the limit probes for room
    // while time passes. Not every one: two pollers' batches can meet in the same instant of the
    // manual clock while the limit has just probed up, and which saves meet there depends on how
    // the microtasks of the run interleave, not on the limit. Without the shared limit, every
    // round starts its forty saves at once.
    const secondHalf = state.peaks.slice(state.peaks.length / 2);
    const withinProbe = secondHalf.filter((inFlight) => inFlight <= capacity + 1).length;
    expect(withinProbe / secondHalf.length).toBeGreaterThanOrEqual(0.95);
    expect(Math.max(...secondHalf)).toBeLessThan(2 * capacity);
    expect(report).toMatchObject({ acknowledged: 200, timedOutBatches: 0 });
    expect(useCase.writeConcurrency.inFlight).toBe(0);
  });
});
