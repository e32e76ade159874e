import {
  createOrderPipeline,
  InMemoryOrderRepository,
  ManualScheduler,
  type InMemoryQueue,
  type ManualClock,
} from '@orders/adapters-memory';
import {
  type DeleteFailure,
  fixedRetryDelay,
  type MessageQueue,
  type OrderRepository,
  ProcessOrderBatch,
  QueueConsumer,
  type ReceivedMessage,
  type ReceiveOptions,
  RepositoryUnavailableError,
  type RetryPacingOptions,
  type VisibilityChange,
  type VisibilityChangeFailure,
} from '@orders/core';
import { RecordingLogger } from '@orders/testkit';
import { driveConsumer, gate, publishOrders, ticks } from '../support/consumer-driving';

// SQS keeps a message hidden at most 12 h after its receive: ChangeMessageVisibility's timeout
// counts from the change, and a change reaching past that is refused (the message then comes back
// after the visibility it already had). The consumer caps each paced delay to what is left.

const TWELVE_HOURS_S = 43_200;

/**
 * The in-memory queue with SQS's 12 h rule for visibility changes (and every change it was asked
 * for), and SQS's long poll: an empty receive waits out its wait time on the manual clock, or until
 * cut, so an idle poller neither spins nor moves the clock.
 */
class TwelveHourQueue implements MessageQueue {
  readonly changes: { seconds: number; leftSeconds: number }[] = [];
  private readonly receivedAt = new Map<string, number>();

  constructor(
    private readonly inner: InMemoryQueue,
    private readonly scheduler: ManualScheduler,
  ) {}

  async receive(options: ReceiveOptions): Promise<readonly ReceivedMessage[]> {
    const messages = this.inner.receiveNow(options);
    for (const message of messages) this.receivedAt.set(message.receiptHandle, this.scheduler.now());
    if (messages.length > 0) return messages;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        cancel();
        options.signal?.removeEventListener('abort', done);
        resolve();
      };
      const cancel = this.scheduler.after(options.waitTimeSeconds * 1000, done);
      if (options.signal?.aborted) done();
      else options.signal?.addEventListener('abort', done);
    });
    return [];
  }

  async deleteBatch(receiptHandles: readonly string[]): Promise<readonly DeleteFailure[]> {
    return this.inner.deleteNow(receiptHandles);
  }

  async changeVisibility(receiptHandle: string, seconds: number): Promise<void> {
    const [failure] = await this.changeVisibilityBatch([{ receiptHandle, visibilityTimeoutSeconds: seconds }]);
    if (failure) throw new Error(`${failure.code}: ${failure.message}`);
  }

  async changeVisibilityBatch(changes: readonly VisibilityChange[]): Promise<readonly VisibilityChangeFailure[]> {
    const refused: VisibilityChangeFailure[] = [];
    const allowed: VisibilityChange[] = [];
    for (const change of changes) {
      const now = this.scheduler.now();
      const leftSeconds = TWELVE_HOURS_S - (now - (this.receivedAt.get(change.receiptHandle) ?? now)) / 1000;
      this.changes.push({ seconds: change.visibilityTimeoutSeconds, leftSeconds });
      if (change.visibilityTimeoutSeconds <= leftSeconds) allowed.push(change);
      else {
        refused.push({
          receiptHandle: change.receiptHandle,
          code: 'InvalidParameterValue',
          message: 'Total VisibilityTimeout for the message is beyond the limit [43200 seconds]',
        });
      }
    }
    return [...refused, ...(await this.inner.changeVisibilityBatch(allowed))];
  }
}

function setUp(repository: OrderRepository, retryPacing: RetryPacingOptions) {
  const pipeline = createOrderPipeline({ maxReceiveCount: 3, visibilityTimeoutSeconds: 600 });
  const clock = pipeline.clock as ManualClock;
  const scheduler = new ManualScheduler(clock);
  const queue = new TwelveHourQueue(pipeline.queue, scheduler);
  const logger = new RecordingLogger();
  const consumer = new QueueConsumer(
    { queue, processOrderBatch: new ProcessOrderBatch({ repository }), scheduler, logger },
    {
      visibilityTimeoutSeconds: 600,
      pollers: 1,
      maxInFlight: 10,
      waitTimeSeconds: 20,
      batchTimeoutMs: 3 * 3_600_000,
      retryPacing,
    },
  );
  return { pipeline, clock, scheduler, queue, logger, consumer };
}

describe('paced retries within SQS 12 h from the receive', () => {
  it('sets a configured 43,200 s delay, an hour after the receive, to what SQS still accepts', async () => {
    const saving = gate();
    const throttled: OrderRepository = {
      save: async () => {
        await saving.promise;
        throw new RepositoryUnavailableError('throttled', { code: 'throttled' });
      },
      findById: async () => undefined,
    };
    const { pipeline, clock, scheduler, queue, logger, consumer } = setUp(throttled, fixedRetryDelay(TWELVE_HOURS_S));
    await publishOrders(pipeline, 1);
    const stop = new AbortController();
    const running = consumer.run(stop.signal);
    await ticks(5);
    // The save takes an hour; heartbeats keep the message hidden meanwhile.
    for (let minute = 0; minute < 60; minute++) {
      scheduler.advance(60_000);
      await ticks(3);
    }
    saving.open();
    for (let i = 0; i < 20 && !queue.changes.some((change) => change.seconds > 600); i++) await ticks(1);
    const pacedAt = clock.now();
    stop.abort();
    const report = await driveConsumer(running, scheduler, 100);

    const paced = queue.changes.filter((change) => change.seconds > 600);
    expect(paced).toHaveLength(1);
    // 12 h less the hour since the receive, less the consumer's minute of safety: accepted, and applied.
    expect(paced[0]?.seconds).toBe(TWELVE_HOURS_S - 3_600 - 60);
    expect(paced[0]?.seconds).toBeLessThanOrEqual(paced[0]?.leftSeconds ?? 0);
    expect(report).toMatchObject({ failed: 1, releaseFailures: 0 });
    const [message] = pipeline.queue.peekAll();
    expect((message?.visibleAt ?? 0) - pacedAt).toBe((TWELVE_HOURS_S - 3_600 - 60) * 1000);

    // Said once, at the start: configured, and what a message paced at the latest (a long poll and
    // the 3 h batch timeout after its receive was sent) can get.
    const warnings = logger.calls.filter(
      (call) => call.level === 'warn' && call.message.includes('cannot be honoured'),
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.fields).toEqual({
      configuredMaxDelaySeconds: TWELVE_HOURS_S,
      effectiveMaxDelaySeconds: TWELVE_HOURS_S - 20 - 3 * 3_600 - 60,
      longestHoldSeconds: 20 + 3 * 3_600,
    });
  }, 20_000);

  it('says nothing when the longest delay fits whatever the hold', async () => {
    const { logger, consumer, scheduler } = setUp(new InMemoryOrderRepository(), fixedRetryDelay(30_000));
    const stop = new AbortController();
    const running = consumer.run(stop.signal);
    stop.abort();
    await driveConsumer(running, scheduler, 100);
    expect(logger.calls.filter((call) => call.level === 'warn')).toEqual([]);
  }, 20_000);
});
