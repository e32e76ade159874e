import {
  createOrderPipeline,
  InMemoryOrderRepository,
  ManualScheduler,
  type ManualClock,
} from '@orders/adapters-memory';
// MessageHolds is core's internal: this suite drives it against the in-memory queue.
import { MessageHolds } from '../../../core/src/application/consumer/message-holds';
import {
  fixedRetryDelay,
  ProcessOrderBatch,
  QueueConsumer,
  RepositoryUnavailableError,
  type ConsumerReport,
  type DeleteFailure,
  type MessageQueue,
  type OrderRepository,
  type QueueConsumerOptions,
  type ReceivedMessage,
  type ReceiveOptions,
  type VisibilityChange,
  type VisibilityChangeFailure,
} from '@orders/core';
import { tick, gate, publishOrders, driveConsumer } from '../support/consumer-driving';

// The long-running consumer when the calls under it misbehave: a batch that never finishes, a
// heartbeat still in flight when a retry delay is set, a stop that cannot finish in time, a delete
// answered after the message's visibility ran out. On the in-memory queue and a manual clock, so
// every interleaving is the one the test sets up.

const TIMEOUT_S = 30;

/** The in-memory queue, with hooks around the calls the consumer makes (what a slow network would do). */
class HookedQueue implements MessageQueue {
  readonly log: string[] = [];
  /** Calls of each kind, as SQS would count them. */
  readonly calls = { changeVisibilityBatch: 0, deleteBatch: 0, changeVisibility: 0 };
  beforeChangeVisibility: (seconds: number) => Promise<void> = async () => undefined;
  beforeDelete: () => Promise<void> = async () => undefined;

  constructor(private readonly inner: MessageQueue) {}

  receive(options: ReceiveOptions): Promise<readonly ReceivedMessage[]> {
    return this.inner.receive(options);
  }

  async deleteBatch(receiptHandles: readonly string[]): Promise<readonly DeleteFailure[]> {
    this.calls.deleteBatch++;
    await this.beforeDelete();
    this.log.push('delete');
    return this.inner.deleteBatch(receiptHandles);
  }

  async changeVisibility(receiptHandle: string, seconds: number): Promise<void> {
    this.calls.changeVisibility++;
    await this.inner.changeVisibility(receiptHandle, seconds);
  }

  /** Logs one line per call, by the timeout its entries ask for (the consumer sends one kind per call here). */
  async changeVisibilityBatch(changes: readonly VisibilityChange[]): Promise<readonly VisibilityChangeFailure[]> {
    this.calls.changeVisibilityBatch++;
    const seconds = [...new Set(changes.map((change) => change.visibilityTimeoutSeconds))].join('/');
    this.log.push(`visibility ${seconds} sent`);
    await this.beforeChangeVisibility(changes[0]?.visibilityTimeoutSeconds ?? -1);
    const failures = await this.inner.changeVisibilityBatch(changes);
    this.log.push(`visibility ${seconds} applied`);
    return failures;
  }
}

function setUp(repository: OrderRepository, options: Partial<QueueConsumerOptions> = {}) {
  const pipeline = createOrderPipeline({ maxReceiveCount: 10, visibilityTimeoutSeconds: TIMEOUT_S });
  const scheduler = new ManualScheduler(pipeline.clock as ManualClock);
  const queue = new HookedQueue(pipeline.queue);
  const consumer = new QueueConsumer(
    { queue, processOrderBatch: new ProcessOrderBatch({ repository }), scheduler },
    {
      visibilityTimeoutSeconds: TIMEOUT_S,
      pollers: 1,
      waitTimeSeconds: 0,
      idleDelayMs: 1000,
      untilEmpty: async () => pipeline.queue.depth(),
      ...options,
    },
  );
  return { pipeline, scheduler, queue, consumer };
}

describe('a batch that outlives the batch timeout', () => {
  it('is left for redelivery, the consumer goes on, and the queue still drains', async () => {
    const memory = new InMemoryOrderRepository();
    let hung = 0;
    const hangsOnce: OrderRepository = {
      // The first save of the first order never answers; everything else is normal.
      save: (event) =>
        event.order.orderId.endsWith('000001') && hung++ === 0 ? new Promise(() => undefined) : memory.save(event),
      findById: (id) => memory.findById(id),
    };
    const { pipeline, scheduler, consumer } = setUp(hangsOnce, {
      batchTimeoutMs: 5_000,
      retryPacing: fixedRetryDelay(0),
      batchSize: 5,
    });
    await publishOrders(pipeline, 20);

    const report = await driveConsumer(consumer.run(), scheduler, 500);

    expect(report).toMatchObject({ stoppedBy: 'empty', timedOutBatches: 1, timedOut: 5, abandonedRunning: 1 });
    expect(memory.size).toBe(20);
    expect(pipeline.queue.size).toBe(0);
    expect(pipeline.deadLetterQueue.size).toBe(0);
    // Nothing the timed-out batch held was acknowledged by it: 20 orders, 20 acknowledgements in all.
    expect(report.acknowledged).toBe(20);
  });
});

describe('a batch given up on', () => {
  it('cancels its saves still in flight, so none holds a slot of the process-wide write limit', async () => {
    const memory = new InMemoryOrderRepository();
    let hung = 0;
    let cancelled = 0;
    const hangsOnceUntilCancelled: OrderRepository = {
      // The first save of the first order answers only when it is cancelled, as the SDK's abort does.
      save: (event, options) =>
        event.order.orderId.endsWith('000001') && hung++ === 0
          ? new Promise((_resolve, reject) =>
              options?.signal?.addEventListener('abort', () => {
                cancelled++;
                reject(new RepositoryUnavailableError('cancelled', { code: 'aborted' }));
              }),
            )
          : memory.save(event),
      findById: (id) => memory.findById(id),
    };
    const { pipeline, scheduler, consumer } = setUp(hangsOnceUntilCancelled, {
      batchTimeoutMs: 5_000,
      retryPacing: fixedRetryDelay(0),
      batchSize: 5,
    });
    await publishOrders(pipeline, 20);

    const report = await driveConsumer(consumer.run(), scheduler, 500);

    expect(cancelled).toBe(1);
    expect(report).toMatchObject({ stoppedBy: 'empty', timedOutBatches: 1, timedOut: 5, abandonedRunning: 0 });
    expect(memory.size).toBe(20);
    expect(pipeline.deadLetterQueue.size).toBe(0);
  });
});

describe('heartbeats and retry delays', () => {
  it('sends a retry delay only after the heartbeat in flight has ended, so the heartbeat cannot undo it', async () => {
    const save = gate<never>();
    const failing: OrderRepository = { save: () => save.promise, findById: async () => undefined };
    // One message in flight at most: the poller waits instead of idling (which moves the manual clock).
    const { pipeline, scheduler, queue, consumer } = setUp(failing, {
      retryPacing: fixedRetryDelay(5),
      stopTimeoutMs: 600_000,
      batchSize: 1,
      maxInFlight: 1,
    });
    await publishOrders(pipeline, 1);
    const heartbeatOnWire = gate();
    queue.beforeChangeVisibility = (seconds) => (seconds === TIMEOUT_S ? heartbeatOnWire.promise : Promise.resolve());

    const stop = new AbortController();
    const running = consumer.run(stop.signal);
    await tick();
    scheduler.advance(16_000); // past half the timeout: a heartbeat goes out, and hangs on the wire
    await tick();
    expect(queue.log).toEqual([`visibility ${TIMEOUT_S} sent`]);

    stop.abort(); // one batch is all this test needs
    save.fail(new RepositoryUnavailableError('throttled')); // the batch fails: retry in 5 s
    for (let i = 0; i < 5; i++) await tick();
    expect(queue.log).toEqual([`visibility ${TIMEOUT_S} sent`]); // the release waits its turn

    heartbeatOnWire.open();
    const report = await driveConsumer(running, scheduler, 100);
    expect(queue.log).toEqual([
      `visibility ${TIMEOUT_S} sent`,
      `visibility ${TIMEOUT_S} applied`,
      'visibility 5 sent',
      'visibility 5 applied',
    ]);
    expect(report).toMatchObject({ failed: 1, heartbeatFailures: 0, releaseFailures: 0 });
    // The retry delay is what stands: visible again 5 s after the release, not 30 s.
    expect((pipeline.queue.nextVisibleAt() ?? 0) - pipeline.clock.now()).toBeLessThanOrEqual(5_000);
  });
});

describe('a graceful stop that cannot finish in time', () => {
  it('hands back what is still in hand after the stop timeout and returns, saying what it left', async () => {
    const never: OrderRepository = { save: () => new Promise(() => undefined), findById: async () => undefined };
    // No room for a second batch: an idle poller would move the manual clock past the batch timeout.
    const { pipeline, scheduler, consumer } = setUp(never, {
      stopTimeoutMs: 3_000,
      handBackTimeoutMs: 1_000,
      maxInFlight: 10,
    });
    await publishOrders(pipeline, 4);
    const stop = new AbortController();
    const running = consumer.run(stop.signal);
    await tick();
    expect(pipeline.queue.depth()).toEqual({ visible: 0, inFlight: 4 });
    stop.abort();
    const started = pipeline.clock.now();

    const report = await driveConsumer(running, scheduler, 500);

    expect(pipeline.clock.now() - started).toBeLessThanOrEqual(3_000 + 1_000);
    expect(report).toMatchObject({
      stoppedBy: 'signal',
      stopTimedOut: true,
      received: 4,
      acknowledged: 0,
      left: 4,
      handedBack: 4,
    });
    // Visible again at once for another consumer, not in 30 s.
    expect(pipeline.queue.depth()).toEqual({ visible: 4, inFlight: 0 });
  });

  it('finishes the batch in hand when it can, and then leaves nothing', async () => {
    const memory = new InMemoryOrderRepository();
    const { pipeline, scheduler, consumer } = setUp(memory, { stopTimeoutMs: 3_000 });
    await publishOrders(pipeline, 4);
    const stop = new AbortController();
    stop.abort();
    const report = await driveConsumer(consumer.run(stop.signal), scheduler, 500);
    expect(report).toMatchObject({ stopTimedOut: false, left: 0, handedBack: 0 });
  });
});

describe('what counts as acknowledged', () => {
  async function runWithSlowDelete(processingMs: number, deleteMs: number): Promise<ConsumerReport> {
    const memory = new InMemoryOrderRepository();
    const slowSave = gate();
    const slow: OrderRepository = {
      save: async (event) => {
        await slowSave.promise;
        return memory.save(event);
      },
      findById: (id) => memory.findById(id),
    };
    // A stop timeout longer than anything here: the stop only ends the run after the batch. No
    // room for a second batch: the poller waits instead of idling (which moves the manual clock).
    const { pipeline, scheduler, queue, consumer } = setUp(slow, { stopTimeoutMs: 600_000, maxInFlight: 10 });
    await publishOrders(pipeline, 3);
    queue.beforeDelete = async () => scheduler.advance(deleteMs); // the delete's answer takes that long
    const stop = new AbortController();
    const running = consumer.run(stop.signal);
    await tick();
    scheduler.advance(processingMs);
    for (let i = 0; i < 3; i++) await tick();
    stop.abort();
    slowSave.open();
    return driveConsumer(running, scheduler, 100);
  }

  it('is a delete SQS confirmed while the message was still ours', async () => {
    // 10 s of processing, a 5 s delete: well inside the 30 s visibility timeout.
    await expect(runWithSlowDelete(10_000, 5_000)).resolves.toMatchObject({ acknowledged: 3, deletedLate: 0 });
  });

  it('counts a delete confirmed after the visibility deadline as late, not acknowledged (the handle may be stale)', async () => {
    // A 40 s delete answer from 10 s in: the deadline (30 s) passed while it was on the wire.
    await expect(runWithSlowDelete(10_000, 40_000)).resolves.toMatchObject({ acknowledged: 0, deletedLate: 3 });
  });

  it('moves the deadline on with every heartbeat SQS confirmed', async () => {
    // 20 s of processing: a heartbeat at 15 s moved the deadline to 45 s; the delete lands at 35 s.
    await expect(runWithSlowDelete(20_000, 15_000)).resolves.toMatchObject({ acknowledged: 3, deletedLate: 0 });
  });
});

describe('MessageHolds', () => {
  const message = (id: string): ReceivedMessage => ({
    messageId: id,
    receiptHandle: `h-${id}`,
    body: '{}',
    receiveCount: 1,
    sentTimestamp: 0,
  });

  it('counts a deadline from when a request was sent, moves it only by heartbeats that succeeded, and pulls it back when SQS says the handle no longer holds the message', async () => {
    let now = 1_000;
    const failures: string[] = [];
    const batches: string[][] = [];
    const queue: MessageQueue = {
      receive: async () => [],
      deleteBatch: async () => [],
      changeVisibility: async () => {
        throw new Error('the holds use batch calls only');
      },
      changeVisibilityBatch: async (changes) => {
        batches.push(changes.map((change) => change.receiptHandle));
        now += 2_000; // two seconds on the wire
        return changes.flatMap(({ receiptHandle }) =>
          receiptHandle === 'h-b'
            ? [{ receiptHandle, code: 'ReceiptHandleIsInvalid', message: 'stale' }]
            : receiptHandle === 'h-c'
              ? [{ receiptHandle, code: 'InternalError', message: 'try again' }]
              : [],
        );
      },
    };
    const holds = new MessageHolds(
      queue,
      { now: () => now },
      { onHeartbeatFailure: (h) => failures.push(h.message.messageId) },
    );
    const held = holds.hold([message('a'), message('b'), message('c')], 500, 10);
    expect(held[0]?.deadline).toBe(10_500);
    holds.extendDue(held, 10, 10_000);
    await holds.quiesce(held);
    expect(batches).toEqual([['h-a', 'h-b', 'h-c']]); // one call for the three
    expect(held[0]?.deadline).toBe(11_000); // sent at 1,000 (not answered at 3,000) + 10 s
    expect(held[1]?.deadline).toBe(1_000); // not ours since (at the latest) the heartbeat was sent
    expect(held[2]?.deadline).toBe(10_500); // refused for another reason: as it was
    expect(failures).toEqual(['b', 'c']);
  });
});
