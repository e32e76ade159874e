import {
  createOrderPipeline,
  InMemoryOrderRepository,
  ManualScheduler,
  type ManualClock,
} from '@orders/adapters-memory';
import {
  type ConsumerObserver,
  type DeleteFailure,
  InfrastructureError,
  type MessageQueue,
  ProcessOrderBatch,
  QueueConsumer,
  type QueueConsumerOptions,
  type ReceivedMessage,
  type ReceiveOptions,
  type ReceiveFailing,
  type VisibilityChange,
  type VisibilityChangeFailure,
} from '@orders/core';
import { RecordingLogger } from '@orders/testkit';
import { publishOrders, tick } from '../support/consumer-driving';

// The long-running consumer when its queue cannot be reached: it says so at every failed receive,
// with the cause, and once every receive has failed for `stopAfterFailingMs` it stops
// (`stoppedBy: 'failing'`) for a supervisor to restart it. On the in-memory queue and a manual
// clock: the consumer's backoff sleeps move the clock, so minutes pass in a few ms. One poller, so
// that the clock is the poller's own (the manual clock's sleeps add up instead of overlapping).

const CAUSE = 'Could not reach the AWS endpoint 127.0.0.1:5055; check that the emulator is running.';

/** The in-memory queue behind a network that is down while `down(now)` says so. */
class OutageQueue implements MessageQueue {
  readonly receivesAt: number[] = [];
  /** Receives answered (not failed), by time. */
  readonly answeredAt: number[] = [];
  receivesDown: (now: number) => boolean = () => true;
  deletesDown = false;

  constructor(
    private readonly inner: MessageQueue,
    private readonly clock: ManualClock,
  ) {}

  async receive(options: ReceiveOptions): Promise<readonly ReceivedMessage[]> {
    const now = this.clock.now();
    this.receivesAt.push(now);
    // A turn of the event loop, as a refused connection takes: a consumer failing in a tight
    // loop of microtasks would never let the test (or a signal) in.
    await tick();
    if (this.receivesDown(now)) throw new InfrastructureError('endpoint_unreachable', CAUSE);
    this.answeredAt.push(now);
    return this.inner.receive(options);
  }

  async deleteBatch(receiptHandles: readonly string[]): Promise<readonly DeleteFailure[]> {
    if (this.deletesDown)
      return receiptHandles.map((receiptHandle) => ({ receiptHandle, code: 'endpoint_unreachable', message: CAUSE }));
    return this.inner.deleteBatch(receiptHandles);
  }

  changeVisibility(receiptHandle: string, seconds: number): Promise<void> {
    return this.inner.changeVisibility(receiptHandle, seconds);
  }

  changeVisibilityBatch(changes: readonly VisibilityChange[]): Promise<readonly VisibilityChangeFailure[]> {
    return this.inner.changeVisibilityBatch(changes);
  }
}

/** What the observer was told, with the clock's time of each event. */
function recordingObserver(clock: ManualClock) {
  const events: { at: number; kind: keyof ConsumerObserver; failing?: ReceiveFailing; count?: number }[] = [];
  const observer: Required<ConsumerObserver> = {
    receiveFailed: (failing) => events.push({ at: clock.now(), kind: 'receiveFailed', failing }),
    receiveRecovered: (failing) => events.push({ at: clock.now(), kind: 'receiveRecovered', failing }),
    deletesFailed: (failed) => events.push({ at: clock.now(), kind: 'deletesFailed', count: failed.count }),
    givingUp: (failing) => events.push({ at: clock.now(), kind: 'givingUp', failing }),
  };
  const of = (kind: keyof ConsumerObserver) => events.filter((event) => event.kind === kind);
  return { observer, events, of };
}

function setUp(options: Partial<QueueConsumerOptions> = {}) {
  const pipeline = createOrderPipeline({ maxReceiveCount: 10, visibilityTimeoutSeconds: 30 });
  const clock = pipeline.clock as ManualClock;
  const scheduler = new ManualScheduler(clock);
  const queue = new OutageQueue(pipeline.queue, clock);
  const logger = new RecordingLogger();
  const watching = recordingObserver(clock);
  const consumer = new QueueConsumer(
    {
      queue,
      processOrderBatch: new ProcessOrderBatch({ repository: new InMemoryOrderRepository() }),
      scheduler,
      logger,
      observer: watching.observer,
    },
    { visibilityTimeoutSeconds: 30, pollers: 1, waitTimeSeconds: 0, idleDelayMs: 1000, ...options },
  );
  return { pipeline, clock, scheduler, queue, logger, consumer, ...watching };
}

describe('a consumer whose every receive fails', () => {
  it('says so at the first failed receive, with the cause, and at every one after', async () => {
    const { clock, logger, consumer, of } = setUp({ stopAfterFailingMs: 60_000 });
    const started = clock.now();
    const report = await consumer.run();
    const failures = of('receiveFailed');
    expect(failures[0]).toMatchObject({ at: started, failing: { sinceMs: started, failures: 1 } });
    expect(failures[0]?.failing?.lastError).toMatchObject({ code: 'endpoint_unreachable', message: CAUSE });
    // Told as they happen, one by one, and each counted: what was shown is what the report says.
    expect(failures.map((event) => event.failing?.failures)).toEqual(failures.map((_, i) => i + 1));
    expect(report.receiveErrors).toBe(failures.length);
    const logged = logger.calls.filter((call) => call.message === 'receive failed; retrying');
    expect(logged).toHaveLength(failures.length);
    expect(logged[0]?.fields).toMatchObject({
      errorCode: 'endpoint_unreachable',
      errorMessage: CAUSE,
      failuresInARow: 1,
    });
  });

  it('stops after the bound, and not before: stoppedBy failing, with the cause in the report', async () => {
    const { clock, queue, logger, consumer, of } = setUp({ stopAfterFailingMs: 60_000 });
    const started = clock.now();
    const report = await consumer.run();
    expect(report).toMatchObject({
      stoppedBy: 'failing',
      received: 0,
      receiveFailing: { sinceMs: started, lastError: { code: 'endpoint_unreachable', message: CAUSE } },
    });
    expect(report.receiveFailing?.failures).toBe(report.receiveErrors);
    const [givingUp, ...more] = of('givingUp');
    expect(more).toEqual([]);
    // Exactly at the bound: every receive since the start failed, and none was out to wait for.
    expect(givingUp?.at).toBe(started + 60_000);
    expect(of('receiveFailed').every((event) => event.at < started + 60_000)).toBe(true);
    // It kept trying until then (backing off up to 20 s), and started no receive after.
    expect(queue.receivesAt.filter((at) => at > started + 20_000).length).toBeGreaterThan(0);
    expect(queue.receivesAt.every((at) => at < started + 60_000)).toBe(true);
    expect(queue.answeredAt).toEqual([]);
    expect(logger.calls.filter((call) => call.message.startsWith('every receive has failed'))).toEqual([
      expect.objectContaining({ level: 'error', fields: expect.objectContaining({ errorMessage: CAUSE }) }),
    ]);
  });

  it('starts the bound over after one receive that succeeds', async () => {
    const { clock, queue, consumer, of } = setUp({ stopAfterFailingMs: 60_000 });
    const started = clock.now();
    // Down, up for two seconds (a receive or two get through), down again for good.
    queue.receivesDown = (now) => !(now >= started + 50_000 && now < started + 52_000);
    const report = await consumer.run();
    expect(report.stoppedBy).toBe('failing');
    const [recovered] = of('receiveRecovered');
    expect(recovered?.at).toBeGreaterThanOrEqual(started + 50_000);
    expect(recovered?.failing).toMatchObject({ sinceMs: started });
    const firstFailureAfter = queue.receivesAt.find((at) => at >= started + 52_000) ?? Number.NaN;
    expect(report.receiveFailing?.sinceMs).toBe(firstFailureAfter);
    // Not at the first run's bound (60 s from the start): 60 s from the first failure after the success.
    expect(of('givingUp')[0]?.at).toBe(firstFailureAfter + 60_000);
  });

  it('never stops on its own when the bound is 0 (the default): only a signal stops it', async () => {
    const { clock, consumer, of } = setUp();
    const started = clock.now();
    const stop = new AbortController();
    const running = consumer.run(stop.signal);
    while (clock.now() < started + 10 * 60_000) await tick();
    stop.abort();
    const report = await running;
    expect(report).toMatchObject({ stoppedBy: 'signal', receiveFailing: { sinceMs: started } });
    expect(report.receiveErrors).toBe(of('receiveFailed').length);
    expect(of('givingUp')).toEqual([]);
  });

  it('refuses a negative bound', () => {
    expect(() => setUp({ stopAfterFailingMs: -1 })).toThrow(RangeError);
  });
});

describe('a consumer whose deletes fail', () => {
  it('tells each failed delete as it is answered, and the report counts as many', async () => {
    const { pipeline, queue, consumer, of } = setUp({ untilEmpty: async () => pipeline.queue.depth() });
    queue.receivesDown = () => false;
    queue.deletesDown = true;
    await publishOrders(pipeline, 12);
    const stop = new AbortController();
    const running = consumer.run(stop.signal);
    while (of('deletesFailed').reduce((sum, event) => sum + (event.count ?? 0), 0) < 12) await tick();
    stop.abort();
    const report = await running;
    const told = of('deletesFailed').reduce((sum, event) => sum + (event.count ?? 0), 0);
    expect(report.deleteFailures).toBe(told);
    expect(report.receiveFailing).toBeUndefined();
  });
});
