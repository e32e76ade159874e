import {
  createOrderPipeline,
  InMemoryOrderRepository,
  ManualScheduler,
  type InMemoryQueue,
  type ManualClock,
} from '@orders/adapters-memory';
import {
  fixedRetryDelay,
  ProcessOrderBatch,
  QueueConsumer,
  RepositoryUnavailableError,
  type DeleteFailure,
  type MessageQueue,
  type OrderRepository,
  type QueueConsumerOptions,
  type ReceivedMessage,
  type ReceiveOptions,
  type VisibilityChange,
  type VisibilityChangeFailure,
} from '@orders/core';
import { tick, ticks, gate, publishOrders, driveConsumer } from '../support/consumer-driving';

// The consumer's pipeline: receives run ahead of processing within a bound, deletes and
// visibility changes go out in batch calls, failed messages come back paced by their class, and
// --until-empty stops as soon as the queue is drained. On the in-memory queue behind a long-poll
// wrapper (an empty receive waits, as SQS's does, instead of returning at once and letting an idle
// poller move the manual clock), so time only moves when a test moves it.

const TIMEOUT_S = 30;

/**
 * The in-memory queue with SQS's long poll (an empty receive waits for a message, its wait time or
 * its signal) and a count of every call and entry, as SQS would bill them.
 */
class LongPollQueue implements MessageQueue {
  readonly calls = { receive: 0, deleteBatch: 0, changeVisibilityBatch: 0, changeVisibility: 0 };
  readonly deleteEntries: number[] = [];
  readonly visibilityEntries: number[][] = [];
  /** Receives cut by their signal. */
  cut = 0;
  /** The most messages in flight at once, seen after every call. */
  maxInFlight = 0;
  /** Refuses visibility-change entries (SQS's per-entry failure) while set. */
  refuseVisibility: string | undefined;
  private readonly waiting = new Set<() => void>();

  constructor(
    readonly inner: InMemoryQueue,
    private readonly scheduler: ManualScheduler,
  ) {
    // Messages become visible as time passes (a retry delay ends, a visibility runs out).
    scheduler.every(100, () => this.wake());
  }

  /** Tells waiting long polls that messages may be there (after a publish). */
  wake(): void {
    for (const retry of [...this.waiting]) retry();
  }

  async receive(options: ReceiveOptions): Promise<readonly ReceivedMessage[]> {
    this.calls.receive++;
    const now = this.inner.receiveNow(options);
    this.observe();
    if (now.length > 0 || options.waitTimeSeconds === 0) return now;
    return new Promise((resolve) => {
      const finish = (messages: readonly ReceivedMessage[]): void => {
        this.waiting.delete(retry);
        cancel();
        options.signal?.removeEventListener('abort', onAbort);
        this.observe();
        resolve(messages);
      };
      const retry = (): void => {
        const messages = this.inner.receiveNow(options);
        if (messages.length > 0) finish(messages);
      };
      const onAbort = (): void => {
        this.cut++;
        finish([]);
      };
      const cancel = this.scheduler.after(options.waitTimeSeconds * 1000, () => finish([]));
      this.waiting.add(retry);
      if (options.signal?.aborted) onAbort();
      else options.signal?.addEventListener('abort', onAbort);
    });
  }

  async deleteBatch(receiptHandles: readonly string[]): Promise<readonly DeleteFailure[]> {
    this.calls.deleteBatch++;
    this.deleteEntries.push(receiptHandles.length);
    const failures = this.inner.deleteNow(receiptHandles);
    this.observe();
    return failures;
  }

  async changeVisibility(receiptHandle: string, seconds: number): Promise<void> {
    this.calls.changeVisibility++;
    await this.inner.changeVisibility(receiptHandle, seconds);
  }

  async changeVisibilityBatch(changes: readonly VisibilityChange[]): Promise<readonly VisibilityChangeFailure[]> {
    this.calls.changeVisibilityBatch++;
    this.visibilityEntries.push(changes.map((change) => change.visibilityTimeoutSeconds));
    const code = this.refuseVisibility;
    if (code !== undefined) return changes.map(({ receiptHandle }) => ({ receiptHandle, code, message: 'refused' }));
    const failures = await this.inner.changeVisibilityBatch(changes);
    this.wake();
    return failures;
  }

  private observe(): void {
    this.maxInFlight = Math.max(this.maxInFlight, this.inner.depth().inFlight);
  }
}

/** Saves wait for the gate while it is closed. */
function gatedRepository() {
  const memory = new InMemoryOrderRepository();
  let current = gate();
  let closed = false;
  const repository: OrderRepository = {
    save: async (event) => {
      if (closed) await current.promise;
      return memory.save(event);
    },
    findById: (id) => memory.findById(id),
  };
  return {
    memory,
    repository,
    close: () => {
      closed = true;
      current = gate();
    },
    open: () => {
      closed = false;
      current.open();
    },
  };
}

function setUp(repository: OrderRepository, options: Partial<QueueConsumerOptions> = {}, maxReceiveCount = 10) {
  const pipeline = createOrderPipeline({ maxReceiveCount, visibilityTimeoutSeconds: TIMEOUT_S });
  const scheduler = new ManualScheduler(pipeline.clock as ManualClock);
  const queue = new LongPollQueue(pipeline.queue, scheduler);
  const consumer = new QueueConsumer(
    { queue, processOrderBatch: new ProcessOrderBatch({ repository }), scheduler },
    { visibilityTimeoutSeconds: TIMEOUT_S, waitTimeSeconds: 20, random: () => 0, ...options },
  );
  return { pipeline, scheduler, queue, consumer };
}

describe('pipelined polling', () => {
  it('keeps receiving while batches are processed, up to maxInFlight and no further', async () => {
    const saves = gatedRepository();
    saves.close();
    const { pipeline, scheduler, queue, consumer } = setUp(saves.repository, { pollers: 1, maxInFlight: 30 });
    await publishOrders(pipeline, 100);
    const stop = new AbortController();
    const running = consumer.run(stop.signal);
    await ticks(10);
    // One poller, nothing processed yet: three receives of 10 went out, and the fourth waits for room.
    expect(queue.calls.receive).toBe(3);
    expect(pipeline.queue.depth()).toEqual({ visible: 70, inFlight: 30 });

    saves.open();
    await ticks(20);
    stop.abort();
    const report = await driveConsumer(running, scheduler, 50);
    expect(queue.maxInFlight).toBeLessThanOrEqual(30);
    expect(report.received).toBeGreaterThan(30);
    expect(report).toMatchObject({ acknowledged: report.received, failed: 0, left: 0, stopTimedOut: false });
    expect(saves.memory.size).toBe(report.received);
  });

  it('sends the deletes of several batches 10 to a DeleteMessageBatch call, never one per message', async () => {
    const saves = gatedRepository();
    saves.close();
    const { pipeline, scheduler, queue, consumer } = setUp(saves.repository, {
      pollers: 2,
      batchSize: 5,
      maxInFlight: 30,
      untilEmpty: async () => pipeline.queue.depth(),
    });
    await publishOrders(pipeline, 30);
    const running = consumer.run();
    await ticks(10);
    expect(queue.calls.receive).toBeGreaterThanOrEqual(6); // six batches of 5 held at once
    expect(pipeline.queue.depth()).toEqual({ visible: 0, inFlight: 30 });
    saves.open(); // the six batches finish together

    const report = await driveConsumer(running, scheduler, 10);
    expect(report).toMatchObject({ stoppedBy: 'empty', received: 30, acknowledged: 30 });
    expect(queue.deleteEntries).toEqual([10, 10, 10]);
  });

  it('sends every visibility change as ChangeMessageVisibilityBatch: one heartbeat call per 10 due messages, across batches', async () => {
    const saves = gatedRepository();
    saves.close();
    const { pipeline, scheduler, queue, consumer } = setUp(saves.repository, {
      pollers: 3,
      maxInFlight: 30,
      batchTimeoutMs: 600_000,
    });
    await publishOrders(pipeline, 30);
    const stop = new AbortController();
    const running = consumer.run(stop.signal);
    await ticks(10);
    expect(pipeline.queue.depth()).toEqual({ visible: 0, inFlight: 30 });
    // Past half the timeout, three batches of 10 are due together.
    scheduler.advance(16_000);
    await ticks(5);
    expect(queue.visibilityEntries).toEqual([
      [TIMEOUT_S, TIMEOUT_S, TIMEOUT_S, TIMEOUT_S, TIMEOUT_S, TIMEOUT_S, TIMEOUT_S, TIMEOUT_S, TIMEOUT_S, TIMEOUT_S],
      [TIMEOUT_S, TIMEOUT_S, TIMEOUT_S, TIMEOUT_S, TIMEOUT_S, TIMEOUT_S, TIMEOUT_S, TIMEOUT_S, TIMEOUT_S, TIMEOUT_S],
      [TIMEOUT_S, TIMEOUT_S, TIMEOUT_S, TIMEOUT_S, TIMEOUT_S, TIMEOUT_S, TIMEOUT_S, TIMEOUT_S, TIMEOUT_S, TIMEOUT_S],
    ]);
    // Three timeouts later, still hidden: the heartbeats keep them ours.
    for (let i = 0; i < 6; i++) {
      scheduler.advance(15_000);
      await ticks(3);
    }
    expect(pipeline.queue.depth()).toEqual({ visible: 0, inFlight: 30 });
    stop.abort();
    saves.open();
    const report = await driveConsumer(running, scheduler, 50);
    expect(report).toMatchObject({ acknowledged: 30, heartbeatFailures: 0 });
    expect(queue.calls.changeVisibility).toBe(0);
    expect(queue.visibilityEntries.every((entries) => entries.length <= 10)).toBe(true);
  });

  it('on a graceful stop, finishes everything polling ran ahead for, and starts no new receive', async () => {
    const saves = gatedRepository();
    saves.close();
    const { pipeline, scheduler, queue, consumer } = setUp(saves.repository, { pollers: 2, maxInFlight: 40 });
    await publishOrders(pipeline, 100);
    const stop = new AbortController();
    const running = consumer.run(stop.signal);
    await ticks(10);
    expect(pipeline.queue.depth().inFlight).toBe(40);
    const receivesAtStop = queue.calls.receive;
    stop.abort();
    saves.open();
    const report = await driveConsumer(running, scheduler, 50);
    expect(queue.calls.receive).toBe(receivesAtStop);
    expect(report).toMatchObject({ received: 40, acknowledged: 40, left: 0, stopTimedOut: false });
    expect(pipeline.queue.depth()).toEqual({ visible: 60, inFlight: 0 });
  });

  it('when the stop timeout runs out, hands back every message it holds, batched, and says so', async () => {
    const never: OrderRepository = { save: () => new Promise(() => undefined), findById: async () => undefined };
    const { pipeline, scheduler, queue, consumer } = setUp(never, {
      pollers: 2,
      maxInFlight: 30,
      stopTimeoutMs: 3_000,
      handBackTimeoutMs: 1_000,
    });
    await publishOrders(pipeline, 50);
    const stop = new AbortController();
    const running = consumer.run(stop.signal);
    await ticks(10);
    stop.abort();
    const started = pipeline.clock.now();
    const report = await driveConsumer(running, scheduler, 250);
    expect(pipeline.clock.now() - started).toBeLessThanOrEqual(3_000 + 1_000);
    expect(report).toMatchObject({ stopTimedOut: true, received: 30, acknowledged: 0, left: 30, handedBack: 30 });
    expect(queue.visibilityEntries.filter((entries) => entries.every((seconds) => seconds === 0))).toHaveLength(3);
    expect(pipeline.queue.depth()).toEqual({ visible: 50, inFlight: 0 });
  });
});

describe('paced retries in the long-running consumer', () => {
  it('brings poison back at once and a transient failure after its backoff, through one batch call', async () => {
    const memory = new InMemoryOrderRepository();
    const throttled: OrderRepository = {
      save: async () => {
        throw new RepositoryUnavailableError('throttled', { code: 'throttled' });
      },
      findById: (id) => memory.findById(id),
    };
    const { pipeline, queue, consumer } = setUp(throttled, { pollers: 1, maxInFlight: 10 }, 3);
    await publishOrders(pipeline, 1);
    await pipeline.topic.publish({ body: 'poison' });
    const stop = new AbortController();
    const running = consumer.run(stop.signal);
    for (let i = 0; i < 20 && queue.visibilityEntries.length === 0; i++) await tick();
    stop.abort();
    // One call: the throttled message after 60 s (the default pacing, no jitter), the poison at once.
    expect(queue.visibilityEntries[0]).toEqual([60, 0]);
    const now = pipeline.clock.now();
    const order = pipeline.queue.peekAll().find((message) => !message.body.includes('"Message":"poison"'));
    expect((order?.visibleAt ?? 0) - now).toBe(60_000);
    const report = await running;
    expect(report).toMatchObject({ failed: report.received, releaseFailures: 0, acknowledged: 0 });
  });

  it('makes a message on its last receive visible at once (maxReceiveCount known), so it reaches the DLQ now', async () => {
    const failing: OrderRepository = {
      save: async () => {
        throw new RepositoryUnavailableError('throttled', { code: 'throttled' });
      },
      findById: async () => undefined,
    };
    const { pipeline, scheduler, queue, consumer } = setUp(
      failing,
      { pollers: 1, maxInFlight: 10, maxReceiveCount: 3, retryPacing: fixedRetryDelay(5) },
      3,
    );
    await publishOrders(pipeline, 1);
    const stop = new AbortController();
    const running = consumer.run(stop.signal);
    // Receive 1 and 2 fail: 5 s each (the fixed delay); receive 3 is the last: at once.
    for (let i = 0; i < 200 && pipeline.deadLetterQueue.size === 0; i++) {
      await tick();
      scheduler.advance(100);
    }
    stop.abort();
    await driveConsumer(running, scheduler, 100);
    expect(queue.visibilityEntries).toEqual([[5], [5], [0]]);
    expect(pipeline.deadLetterQueue.size).toBe(1);
  });

  it('counts a delete after a refused heartbeat as late: SQS said the handle no longer held the message', async () => {
    const saves = gatedRepository();
    saves.close();
    const { pipeline, scheduler, queue, consumer } = setUp(saves.repository, { pollers: 1, maxInFlight: 10 });
    await publishOrders(pipeline, 2);
    const stop = new AbortController();
    const running = consumer.run(stop.signal);
    await ticks(5);
    queue.refuseVisibility = 'ReceiptHandleIsInvalid';
    scheduler.advance(16_000); // a heartbeat goes out, and SQS refuses it
    await ticks(5);
    queue.refuseVisibility = undefined;
    stop.abort();
    saves.open();
    const report = await driveConsumer(running, scheduler, 50);
    expect(report).toMatchObject({ received: 2, acknowledged: 0, deletedLate: 2, heartbeatFailures: 2 });
  });
});

describe('--until-empty', () => {
  it('stops as soon as the queue is drained: the idle long poll is cut, not waited out, and depth is asked only on evidence', async () => {
    const memory = new InMemoryOrderRepository();
    let probes = 0;
    let lastDeleteAt = 0;
    const { pipeline, scheduler, queue, consumer } = setUp(memory, {
      pollers: 2,
      untilEmpty: async () => {
        probes++;
        return pipeline.queue.depth();
      },
    });
    const deleteBatch = queue.deleteBatch.bind(queue);
    queue.deleteBatch = async (handles) => {
      lastDeleteAt = pipeline.clock.now();
      return deleteBatch(handles);
    };
    await publishOrders(pipeline, 95);
    const report = await driveConsumer(consumer.run(), scheduler, 10);
    expect(report).toMatchObject({ stoppedBy: 'empty', received: 95, acknowledged: 95 });
    expect(memory.size).toBe(95);
    // A 20 s long poll was in flight: it was cut within a second of the last delete.
    expect(pipeline.clock.now() - lastDeleteAt).toBeLessThan(1_000);
    expect(queue.cut).toBeGreaterThan(0);
    // Not once per receive (there were ten or more): once per sign of an empty queue.
    expect(queue.calls.receive).toBeGreaterThanOrEqual(10);
    expect(probes).toBeLessThanOrEqual(3);
  });

  it('stops at once on an empty queue, without a 20 s long poll', async () => {
    const { pipeline, scheduler, consumer } = setUp(new InMemoryOrderRepository(), {
      untilEmpty: async () => pipeline.queue.depth(),
    });
    const started = pipeline.clock.now();
    const report = await driveConsumer(consumer.run(), scheduler, 10);
    expect(report.stoppedBy).toBe('empty');
    expect(pipeline.clock.now() - started).toBeLessThan(1_000);
  });

  it('does not call the queue drained while a message of its own failed and is coming back', async () => {
    let fails = 2;
    const memory = new InMemoryOrderRepository();
    const flaky: OrderRepository = {
      save: async (event) => {
        if (fails-- > 0) throw new RepositoryUnavailableError('throttled', { code: 'throttled' });
        return memory.save(event);
      },
      findById: (id) => memory.findById(id),
    };
    const { pipeline, scheduler, consumer } = setUp(flaky, {
      pollers: 1,
      retryPacing: fixedRetryDelay(3),
      untilEmpty: async () => pipeline.queue.depth(),
    });
    await publishOrders(pipeline, 1);
    const report = await driveConsumer(consumer.run(), scheduler, 50);
    expect(report).toMatchObject({ stoppedBy: 'empty', received: 3, failed: 2, acknowledged: 1 });
    expect(memory.size).toBe(1);
  });

  it('stops within about a second of a poison message moving to the DLQ, not after the long poll that moved it', async () => {
    // The walkthrough's last state: only a poison message left. SQS moves it to the DLQ at the
    // receive that would deliver it a 4th time, and that receive answers nothing and waits on.
    const { pipeline, scheduler, queue, consumer } = setUp(
      new InMemoryOrderRepository(),
      { pollers: 2, maxReceiveCount: 3, untilEmpty: async () => pipeline.queue.depth() },
      3,
    );
    // As on SQS: the release takes a round trip (here longer than the 200 ms after which a receive
    // counts as idle), and a long poll notices the message visible again a moment after it, not
    // within the release call (the wrapper's 100 ms wake-up). So the depth asked once the release
    // is back still counts the message, which the next receive then moves to the DLQ.
    queue.changeVisibilityBatch = (changes) =>
      new Promise((resolve) => scheduler.after(300, () => resolve(pipeline.queue.changeVisibilityBatch(changes))));
    const waits: number[] = [];
    const receive = queue.receive.bind(queue);
    queue.receive = (options) => {
      waits.push(options.waitTimeSeconds);
      return receive(options);
    };
    await pipeline.topic.publish({ body: 'poison' });
    let movedAt: number | undefined;
    scheduler.every(10, () => {
      if (movedAt === undefined && pipeline.deadLetterQueue.size > 0) movedAt = pipeline.clock.now();
    });
    const started = pipeline.clock.now();
    const report = await driveConsumer(consumer.run(), scheduler, 10);
    expect(report).toMatchObject({ stoppedBy: 'empty', received: 3, failed: 3, acknowledged: 0 });
    expect(pipeline.deadLetterQueue.size).toBe(1);
    expect(movedAt).toBeDefined();
    // Well under one 20 s long poll of simulated time, all told: while draining, no receive waits
    // longer than a second (20 s asked for), and each one is evidence.
    expect(pipeline.clock.now() - (movedAt ?? 0)).toBeLessThanOrEqual(1_500);
    expect(pipeline.clock.now() - started).toBeLessThan(5_000);
    expect(Math.max(...waits)).toBe(1);
  });

  it('does not call the queue drained while messages it does not hold are in flight elsewhere', async () => {
    const { pipeline, scheduler, consumer } = setUp(new InMemoryOrderRepository(), {
      pollers: 1,
      untilEmpty: async () => pipeline.queue.depth(),
    });
    await publishOrders(pipeline, 1);
    // Another consumer holds it for 10 s, then lets it go.
    const [held] = pipeline.queue.receiveNow({ maxMessages: 1, visibilityTimeoutSeconds: 10 });
    expect(held).toBeDefined();
    const report = await driveConsumer(consumer.run(), scheduler, 50);
    expect(report).toMatchObject({ stoppedBy: 'empty', received: 1, acknowledged: 1 });
    expect(pipeline.queue.size).toBe(0);
  });
});
