import { RecordingLogger, rawBody, sampleOrder } from '@orders/testkit';
import {
  decideSave,
  describeError,
  type InboundMessage,
  type Order,
  type OrderRepository,
  ProcessOrderBatch,
  RepositoryUnavailableError,
  type SaveOptions,
  type SaveResult,
  type TimedOrder,
} from '../../src';
import { ManualClock, RecordingMetrics } from '../support/recording-metrics';

const messages = (count: number, prefix = 'O'): InboundMessage[] =>
  Array.from({ length: count }, (_, i) => ({
    messageId: `m-${prefix}${i}`,
    body: rawBody(sampleOrder({ orderId: `${prefix}${i}` })),
  }));

const throttledError = (): RepositoryUnavailableError =>
  new RepositoryUnavailableError('DynamoDB PutItem failed: still throttled after retries (ThrottlingException).', {
    code: 'throttled',
  });

/**
 * A store with room for `capacity` concurrent writes, like a hot partition: a save that starts with
 * more than that in flight (itself included) is throttled. Each save takes a macrotask turn, so
 * saves started together overlap. Counts in flight are its own, not the use case's.
 */
class HotPartition implements OrderRepository {
  readonly stored = new Map<string, TimedOrder>();
  inFlight = 0;
  peak = 0;
  throttled = 0;
  saves = 0;
  /** When false, the partition has cooled down: nothing is throttled any more. */
  hot = true;
  /** Throttled attempts the SDK retried past before this success (reported, then the save succeeds). */
  retriedAttempts = 0;

  constructor(readonly capacity: number) {}

  async save(event: TimedOrder, options: SaveOptions = {}): Promise<SaveResult> {
    this.saves++;
    this.inFlight++;
    this.peak = Math.max(this.peak, this.inFlight);
    const over = this.hot && this.inFlight > this.capacity;
    try {
      await new Promise((resolve) => setImmediate(resolve));
      for (let i = 0; i < this.retriedAttempts; i++) options.onThrottledAttempt?.();
      if (over) {
        this.throttled++;
        throw throttledError();
      }
      const current = this.stored.get(event.order.orderId);
      const decision = decideSave(current && { kind: 'current', event: current }, event);
      if (decision.write) this.stored.set(event.order.orderId, event);
      return decision.result;
    } finally {
      this.inFlight--;
    }
  }

  async findById(orderId: string): Promise<Order | undefined> {
    return this.stored.get(orderId)?.order;
  }

  /** Starts a new observation window for `peak`. */
  resetPeak(): void {
    this.peak = 0;
  }
}

/**
 * Runs `pending` through the use case as a queue would: each round, every message not yet
 * acknowledged comes back (a paced retry), in batches of 10 run at once, as the consumer's pollers
 * share one use case. Returns each round's peak of saves in flight.
 */
async function deliverUntilAcknowledged(
  useCase: ProcessOrderBatch,
  repository: HotPartition,
  pending: InboundMessage[],
  options: { readonly maxRounds: number; readonly between?: () => void },
): Promise<{ readonly peaks: number[]; readonly limits: number[]; readonly left: InboundMessage[] }> {
  const peaks: number[] = [];
  const limits: number[] = [];
  let left = pending;
  for (let round = 0; round < options.maxRounds && left.length > 0; round++) {
    repository.resetPeak();
    const batches = Array.from({ length: Math.ceil(left.length / 10) }, (_, i) => left.slice(i * 10, i * 10 + 10));
    const results = await Promise.all(batches.map((batch) => useCase.execute(batch)));
    const failed = new Set(results.flatMap((result) => result.failedMessageIds));
    left = left.filter((message) => failed.has(message.messageId));
    peaks.push(repository.peak);
    limits.push(useCase.writeConcurrency.limit);
    options.between?.();
  }
  return { peaks, limits, left };
}

describe('ProcessOrderBatch under a store that throttles (AIMD on the saves in flight)', () => {
  it('converges to what the store can take: saves in flight end at or below its capacity, and every record is stored', async () => {
    const capacity = 4;
    const repository = new HotPartition(capacity);
    // The clock stands still: no recovery step, so what is left is the decrease at work.
    const useCase = new ProcessOrderBatch({ repository, clock: new ManualClock() }, { concurrency: 40 });
    const all = messages(120);

    const { peaks, limits, left } = await deliverUntilAcknowledged(useCase, repository, all, { maxRounds: 30 });

    expect(left).toEqual([]);
    expect(repository.stored.size).toBe(all.length);
    // It started far above what the store takes...
    expect(peaks[0]).toBeGreaterThan(capacity * 4);
    // ...and came down to it: the last rounds ran at or below the capacity, with no throttling.
    expect(useCase.writeConcurrency.limit).toBeLessThanOrEqual(capacity);
    expect(useCase.writeConcurrency.limit).toBeGreaterThanOrEqual(1);
    expect(peaks.at(-1)).toBeLessThanOrEqual(capacity);
    // Halvings, not a collapse: it never went below a quarter of the capacity it found.
    expect(Math.min(...limits)).toBeGreaterThanOrEqual(capacity / 4);
    expect(useCase.writeConcurrency.inFlight).toBe(0);
  });

  it('probes back gently while the store stays hot: one save over its capacity at most, one halving per probe, every record stored', async () => {
    const capacity = 4;
    const repository = new HotPartition(capacity);
    const clock = new ManualClock();
    const logger = new RecordingLogger();
    const useCase = new ProcessOrderBatch({ repository, clock, logger }, { concurrency: 40 });
    // Converge first.
    await deliverUntilAcknowledged(useCase, repository, messages(80, 'A'), { maxRounds: 30 });
    const throttledBefore = repository.throttled;
    const cutsBefore = logger.calls.filter((c) => c.level === 'warn' && c.fields['writeConcurrency'] !== undefined);

    // Then a steady stream for a simulated minute, a second per round: AIMD probes for room.
    const peaks: number[] = [];
    const limits: number[] = [];
    for (let second = 0; second < 60; second++) {
      const result = await deliverUntilAcknowledged(useCase, repository, messages(12, `S${second}-`), {
        maxRounds: 30,
        between: () => {
          clock.current += 1_000;
        },
      });
      expect(result.left).toEqual([]);
      peaks.push(...result.peaks);
      limits.push(...result.limits);
    }
    // Never more than one save over what the store takes...
    expect(Math.max(...peaks)).toBeLessThanOrEqual(capacity + 1);
    expect(Math.max(...limits)).toBeLessThanOrEqual(capacity + 1);
    // ...it did probe, and each probe was answered by one halving, not a collapse to 1.
    expect(new Set(limits).size).toBeGreaterThan(1);
    expect(Math.min(...limits)).toBe(Math.floor((capacity + 1) / 2));
    // A probe costs the throttles of one round trip over capacity: at most what was then in flight.
    const cuts = logger.calls.filter((c) => c.level === 'warn' && c.fields['writeConcurrency'] !== undefined);
    const probes = cuts.length - cutsBefore.length;
    const throttles = repository.throttled - throttledBefore;
    expect(probes).toBeGreaterThan(10);
    expect(throttles).toBeLessThanOrEqual(probes * (capacity + 1));
  });

  it('recovers its configured concurrency once the store cools down, one step a second, and says so once', async () => {
    const repository = new HotPartition(4);
    const clock = new ManualClock();
    const logger = new RecordingLogger();
    const useCase = new ProcessOrderBatch({ repository, clock, logger }, { concurrency: 20 });
    await deliverUntilAcknowledged(useCase, repository, messages(60, 'A'), { maxRounds: 30 });
    const low = useCase.writeConcurrency.limit;
    expect(low).toBeLessThanOrEqual(4);
    expect(logger.calls.filter((c) => c.message.startsWith('the store is throttling writes')).length).toBeGreaterThan(
      0,
    );

    repository.hot = false;
    const limits: number[] = [];
    for (let second = 0; second < 30; second++) {
      clock.current += 1_000;
      await useCase.execute(messages(10, `C${second}-`));
      limits.push(useCase.writeConcurrency.limit);
    }
    // +1 per second of successful saves, to the ceiling, not beyond.
    expect(limits.slice(0, 20 - low)).toEqual(Array.from({ length: 20 - low }, (_, i) => low + 1 + i));
    expect(limits.slice(20 - low)).toEqual(Array.from({ length: 10 + low }, () => 20));
    const recovered = logger.calls.filter((c) => c.message === 'write concurrency back to its configured bound');
    expect(recovered).toHaveLength(1);
    expect(recovered[0]).toMatchObject({ level: 'info', fields: { writeConcurrency: 20 } });
  });

  it('shares one limit across the batches it runs at once: their saves together stay within the bound', async () => {
    const repository = new HotPartition(Number.POSITIVE_INFINITY);
    const useCase = new ProcessOrderBatch({ repository }, { concurrency: 5 });
    // Two pollers' batches at once, as the consumer runs them through one use case.
    await Promise.all([useCase.execute(messages(10, 'P')), useCase.execute(messages(10, 'Q'))]);
    expect(repository.peak).toBe(5);
    expect(repository.stored.size).toBe(20);
  });

  it('takes throttled attempts the SDK retried past as pressure: acknowledged, counted and the limit cut', async () => {
    const repository = new HotPartition(Number.POSITIVE_INFINITY);
    repository.retriedAttempts = 2;
    const metrics = new RecordingMetrics();
    const logger = new RecordingLogger();
    const useCase = new ProcessOrderBatch({ repository, metrics, logger, clock: new ManualClock() });

    const result = await useCase.execute(messages(10));

    expect(result.failedMessageIds).toEqual([]);
    expect(result.outcomes.every((outcome) => outcome.status === 'created')).toBe(true);
    expect(result.throttledSaves).toBe(10);
    // All ten in flight when the first came back throttled: half of that, once for the round.
    expect(result.writeConcurrency).toBe(5);
    expect(metrics.batches[0]).toMatchObject({ throttledSaves: 10, failures: [] });
    const cuts = logger.calls.filter((c) => c.message === 'the store is throttling writes; fewer saves at once');
    expect(cuts).toEqual([
      {
        level: 'warn',
        message: 'the store is throttling writes; fewer saves at once',
        fields: { writeConcurrency: 5, previousWriteConcurrency: 100, maxWriteConcurrency: 100 },
      },
    ]);
  });

  it('counts a throttled save that failed as its record failure too: transient, retried, and in the metrics', async () => {
    const repository = new HotPartition(0);
    const metrics = new RecordingMetrics();
    const result = await new ProcessOrderBatch({ repository, metrics }).execute(messages(3));
    expect(result.outcomes.map((o) => o.status)).toEqual(['failed', 'failed', 'failed']);
    expect(result.outcomes[0]).toMatchObject({ error: { code: 'throttled', failureClass: 'transient' } });
    expect(describeError(throttledError()).failureClass).toBe('transient');
    expect(metrics.batches[0]).toMatchObject({
      throttledSaves: 3,
      failures: [{ failureClass: 'transient', code: 'throttled', count: 3 }],
    });
  });

  it('records no throttledSaves metric when nothing was throttled', async () => {
    const metrics = new RecordingMetrics();
    const result = await new ProcessOrderBatch({ repository: new HotPartition(100), metrics }).execute(messages(3));
    expect(result).toMatchObject({ throttledSaves: 0, writeConcurrency: 100 });
    expect(metrics.batches[0]).not.toHaveProperty('throttledSaves');
  });

  it('hands back untried a record still waiting for a write slot when the deadline passes', async () => {
    let releaseFirst: () => void = () => undefined;
    const saved: string[] = [];
    const repository: OrderRepository = {
      save: async (event) => {
        saved.push(event.order.orderId);
        if (event.order.orderId === 'H0') await new Promise<void>((resolve) => (releaseFirst = resolve));
        return { outcome: 'created' };
      },
      findById: async () => undefined,
    };
    const useCase = new ProcessOrderBatch({ repository }, { concurrency: 1 });
    const holding = useCase.execute(messages(1, 'H'));
    const controller = new AbortController();
    const waiting = useCase.execute(messages(1, 'W'), { signal: controller.signal });
    await new Promise((resolve) => setImmediate(resolve));
    expect(useCase.writeConcurrency.inFlight).toBe(1);
    controller.abort();
    const result = await waiting;
    expect(result.outcomes[0]).toMatchObject({
      status: 'failed',
      orderId: 'W0',
      error: { code: 'deadline_exceeded', failureClass: 'transient' },
    });
    releaseFirst();
    await holding;
    expect(saved).toEqual(['H0']);
    expect(useCase.writeConcurrency.inFlight).toBe(0);
  });
});
