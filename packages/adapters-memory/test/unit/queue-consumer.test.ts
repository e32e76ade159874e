import {
  createOrderPipeline,
  InMemoryOrderRepository,
  ManualScheduler,
  type ManualClock,
} from '@orders/adapters-memory';
import {
  ProcessOrderBatch,
  RepositoryUnavailableError,
  serializeOrder,
  type OrderRepository,
  type TimedOrder,
} from '@orders/core';
import { QueueConsumer } from '@orders/core';
import { createOrderGenerator, nextEvent } from '@orders/simulation';

// The long-running consumer lives in core; it is tested here, on the in-memory queue it is
// meant to be interchangeable with SQS against.

function setUp(
  options: { repository?: OrderRepository; maxReceiveCount?: number; pollers?: number; maxInFlight?: number } = {},
) {
  const pipeline = createOrderPipeline({ maxReceiveCount: options.maxReceiveCount ?? 3, visibilityTimeoutSeconds: 30 });
  const scheduler = new ManualScheduler(pipeline.clock as ManualClock);
  const repository = options.repository ?? new InMemoryOrderRepository();
  const consumer = new QueueConsumer(
    { queue: pipeline.queue, processOrderBatch: new ProcessOrderBatch({ repository }), scheduler },
    {
      visibilityTimeoutSeconds: 30,
      pollers: options.pollers ?? 2,
      ...(options.maxInFlight === undefined ? {} : { maxInFlight: options.maxInFlight }),
      waitTimeSeconds: 0,
      idleDelayMs: 1000,
      // Longer than any test here holds a batch: the batch timeout has tests of its own.
      batchTimeoutMs: 10 * 60_000,
      untilEmpty: async () => pipeline.queue.depth(),
    },
  );
  return { pipeline, scheduler, repository, consumer };
}

describe('QueueConsumer', () => {
  it('drains the queue: stores every order at its newest event and dead-letters poison after maxReceiveCount', async () => {
    const { pipeline, repository, consumer } = setUp();
    const generator = createOrderGenerator(9);
    const latest = new Map<string, string>();
    for (let i = 0; i < 60; i++) {
      const first = generator.next();
      const second = nextEvent(first);
      // Newest first: the older event then arrives stale.
      await pipeline.topic.publish({ body: serializeOrder(second) });
      await pipeline.topic.publish({ body: serializeOrder(first) });
      latest.set(first.orderId, serializeOrder(second));
    }
    await pipeline.topic.publish({ body: 'poison' });
    const report = await consumer.run();
    expect(report.stoppedBy).toBe('empty');
    expect(pipeline.queue.size).toBe(0);
    expect(pipeline.deadLetterQueue.size).toBe(1);
    expect(pipeline.deadLetterQueue.peekAll()[0]?.deadLetterSource?.receiveCount).toBe(3);
    const stored = (repository as InMemoryOrderRepository).all();
    expect(stored).toHaveLength(60);
    for (const order of stored) expect(serializeOrder(order)).toBe(latest.get(order.orderId));
    expect(report).toMatchObject({ received: 123, acknowledged: 120, failed: 3, deleteFailures: 0 });
  });

  it('retries transient storage failures until they succeed, losing nothing', async () => {
    const memory = new InMemoryOrderRepository();
    let calls = 0;
    const flaky: OrderRepository = {
      save: async (event: TimedOrder) => {
        if (++calls % 3 === 0) throw new RepositoryUnavailableError('throttled');
        return memory.save(event);
      },
      findById: (id) => memory.findById(id),
    };
    const { pipeline, consumer } = setUp({ repository: flaky, maxReceiveCount: 10 });
    const generator = createOrderGenerator(4);
    for (let i = 0; i < 40; i++) await pipeline.topic.publish({ body: serializeOrder(generator.next()) });
    const report = await consumer.run();
    expect(memory.size).toBe(40);
    expect(pipeline.deadLetterQueue.size).toBe(0);
    expect(report.failed).toBeGreaterThan(0);
  });

  it('extends visibility while a slow batch is in flight, so it is not redelivered meanwhile', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const memory = new InMemoryOrderRepository();
    const slow: OrderRepository = {
      save: async (event) => {
        await gate;
        return memory.save(event);
      },
      findById: (id) => memory.findById(id),
    };
    // One poller with no room for a second batch: an idle poller would move the manual clock for us.
    const { pipeline, scheduler, consumer } = setUp({ repository: slow, pollers: 1, maxInFlight: 10 });
    await pipeline.topic.publish({ body: serializeOrder(createOrderGenerator(1).next()) });
    const running = consumer.run();
    await new Promise((resolve) => setImmediate(resolve));
    // Three visibility timeouts pass while the save is stuck: heartbeats keep the message hidden.
    for (let i = 0; i < 6; i++) {
      scheduler.advance(15_000);
      await new Promise((resolve) => setImmediate(resolve));
      expect(pipeline.queue.depth()).toEqual({ visible: 0, inFlight: 1 });
    }
    release();
    const report = await running;
    expect(report).toMatchObject({ received: 1, acknowledged: 1 });
    expect(memory.size).toBe(1);
  });

  it('on stop, starts no new receive, finishes the batch in hand and deletes it', async () => {
    const { pipeline, repository, consumer } = setUp();
    const generator = createOrderGenerator(2);
    for (let i = 0; i < 100; i++) await pipeline.topic.publish({ body: serializeOrder(generator.next()) });
    const controller = new AbortController();
    const originalExecute = ProcessOrderBatch.prototype.execute;
    let batches = 0;
    const spy = jest.spyOn(ProcessOrderBatch.prototype, 'execute').mockImplementation(async function (
      this: ProcessOrderBatch,
      ...args
    ) {
      if (++batches === 3) controller.abort();
      return originalExecute.apply(this, args);
    });
    try {
      const report = await consumer.run(controller.signal);
      expect(report.stoppedBy).toBe('signal');
      const stored = (repository as InMemoryOrderRepository).size;
      // Every received message was stored and deleted; the rest is still on the queue, untouched.
      expect(report.acknowledged).toBe(report.received);
      expect(stored).toBe(report.received);
      expect(pipeline.queue.size).toBe(100 - stored);
      expect(pipeline.queue.depth().inFlight).toBe(0);
    } finally {
      spy.mockRestore();
    }
  });

  it('refuses options SQS would refuse', () => {
    const { pipeline } = setUp();
    const deps = {
      queue: pipeline.queue,
      processOrderBatch: new ProcessOrderBatch({ repository: new InMemoryOrderRepository() }),
      scheduler: new ManualScheduler(pipeline.clock as ManualClock),
    };
    expect(() => new QueueConsumer(deps, { visibilityTimeoutSeconds: 30, batchSize: 11 })).toThrow(RangeError);
    expect(() => new QueueConsumer(deps, { visibilityTimeoutSeconds: 30, waitTimeSeconds: 21 })).toThrow(RangeError);
    expect(() => new QueueConsumer(deps, { visibilityTimeoutSeconds: 0 })).toThrow(RangeError);
  });
});

describe('QueueConsumer when something around the use case throws', () => {
  it('keeps every poller alive, leaves the batch for redelivery, and drains once the fault clears', async () => {
    const pipeline = createOrderPipeline({ maxReceiveCount: 10, visibilityTimeoutSeconds: 30 });
    const repository = new InMemoryOrderRepository();
    let throwsLeft = 2;
    const useCase = new ProcessOrderBatch({ repository });
    const flakyUseCase = {
      execute: async (...args: Parameters<ProcessOrderBatch['execute']>) => {
        if (throwsLeft-- > 0) throw new Error('log sink broke');
        return useCase.execute(...args);
      },
    } as unknown as ProcessOrderBatch;
    const consumer = new QueueConsumer(
      {
        queue: pipeline.queue,
        processOrderBatch: flakyUseCase,
        scheduler: new ManualScheduler(pipeline.clock as ManualClock),
      },
      {
        visibilityTimeoutSeconds: 30,
        waitTimeSeconds: 0,
        idleDelayMs: 1000,
        untilEmpty: async () => pipeline.queue.depth(),
      },
    );
    const generator = createOrderGenerator(6);
    for (let i = 0; i < 30; i++) await pipeline.topic.publish({ body: serializeOrder(generator.next()) });
    const report = await consumer.run();
    expect(report.stoppedBy).toBe('empty');
    expect(repository.size).toBe(30);
    expect(report.failed).toBe(20);
    expect(pipeline.deadLetterQueue.size).toBe(0);
  });

  it('does not call the queue drained while delayed messages are still to come', async () => {
    const pipeline = createOrderPipeline();
    let probes = 0;
    const consumer = new QueueConsumer(
      {
        queue: pipeline.queue,
        processOrderBatch: new ProcessOrderBatch({ repository: new InMemoryOrderRepository() }),
        scheduler: new ManualScheduler(pipeline.clock as ManualClock),
      },
      {
        visibilityTimeoutSeconds: 30,
        pollers: 1,
        waitTimeSeconds: 0,
        idleDelayMs: 1000,
        // The first two probes see one delayed message (as SQS's DelaySeconds would show it).
        untilEmpty: async () => ({ visible: 0, inFlight: 0, delayed: ++probes <= 2 ? 1 : 0 }),
      },
    );
    await consumer.run();
    expect(probes).toBe(3);
  });
});
