import { InMemoryOrderRepository, ManualClock } from '@orders/adapters-memory';
import {
  DEFAULT_RETRY_PACING,
  type InboundMessage,
  isFailure,
  type Order,
  type OrderRepository,
  ProcessOrderBatch,
  RepositoryUnavailableError,
  retryDelaySeconds,
  type SaveOptions,
  type SaveResult,
  serializeOrder,
  type TimedOrder,
} from '@orders/core';
import {
  DEFAULT_ROUND_TRIPS,
  DYNAMODB_PARTITION_WCU_PER_SECOND,
  TableWriteThroughput,
  ThroughputLimitedOrderRepository,
} from '@orders/simulation';
import { runSimulation } from '../../src/simulate/run-simulation';
import { SIMULATE_DEFAULTS, type SimulateFlags, simulationOptionsFrom } from '../../src/simulate/simulate-flags';
import { STACK_DEFAULT_SETTINGS } from '../../src/simulate/stack-settings';

/**
 * Issue 19, item 4: DynamoDB throttling is a pressure signal. A hot orderId is throttled by its
 * partition (1,000 write units a second); the handler and the consumer halve their saves in flight
 * and climb back afterwards (AIMD, core's AdaptiveConcurrency), and the throttles are absorbed —
 * by the SDK's retries and the queue's paced ones — without losing an order. First as
 * `orders simulate` shows it (the real handler, one per execution environment, its saves in
 * simulated time: invocation-saves.test.ts), then a consumer-shaped run on the same DynamoDB model.
 */

describe('orders simulate: a hot key under the adaptive write limit (the real handler, one per execution environment)', () => {
  // A flash sale: for 5 s, 80 % of 2,000 orders/s are newer events of one order, over its partition's
  // 1,000 write units a second; then 25 s of ordinary traffic. ORDERS_CONCURRENCY 10, the batch
  // size: above it the limit never binds a batch of 10, so back at 10 is recovered.
  const flashSale: SimulateFlags = {
    ...SIMULATE_DEFAULTS,
    rate: 2_000,
    duration: 30,
    hotKeyShare: 0.8,
    hotKeyWindow: { startSeconds: 0, durationSeconds: 5 },
    maximumConcurrency: 900,
    useCaseConcurrency: 10,
    seed: 7,
  };

  it('absorbs the throttles without loss: the environments cut their saves in flight, then climb back once the key cools', async () => {
    const summary = await runSimulation(simulationOptionsFrom(STACK_DEFAULT_SETTINGS, flashSale), { kind: 'defaults' });
    const r = summary.results;
    expect(r.dynamodb_throttles).toBeGreaterThan(0);
    expect(r.throttled_saves).toBeGreaterThan(0);
    expect(r.valid_dead_lettered).toBe(0);
    expect(r.lost).toBe(0);
    expect(r.stored_wrong).toBe(0);
    expect(r.drained).toBe(true);
    expect(summary.ok).toBe(true);
    // Cut to half of a batch or less while the partition pushed back …
    expect(r.write_concurrency.configured).toBe(10);
    expect(r.write_concurrency.lowest).toBeLessThanOrEqual(5);
    // … and back at the configured concurrency in every environment still in use at the end: the
    // limit climbs on the simulation's clock (a step a second), not the machine's.
    expect(r.write_concurrency.final).toBe(10);
  }, 120_000);

  it('composes one handler per execution environment: each cold start gets its own use case, so its own limit', async () => {
    const execute = jest.spyOn(ProcessOrderBatch.prototype, 'execute');
    try {
      const summary = await runSimulation(
        simulationOptionsFrom(STACK_DEFAULT_SETTINGS, {
          ...SIMULATE_DEFAULTS,
          rate: 400,
          duration: 3,
          maximumConcurrency: 30,
        }),
        { kind: 'defaults' },
      );
      const useCases = new Set(execute.mock.contexts);
      expect(summary.results.cold_starts).toBeGreaterThan(1);
      expect(useCases.size).toBe(summary.results.cold_starts);
      expect(execute).toHaveBeenCalledTimes(summary.results.invocations);
    } finally {
      execute.mockRestore();
    }
  }, 60_000);
});

// ---------------------------------------------------------------------------------------------
// The same model (the simulation package's partitions and throughput-limited repository), driven
// on a manual clock where a save takes its simulated time, so the saves in flight are what the
// partition sees: the limit's effect on the partition is observable, and so is its recovery.
// ---------------------------------------------------------------------------------------------

/** Timers on a manual clock, fired in time order whenever nothing else is left to run. */
class SimulatedTime {
  private timers: { at: number; seq: number; fire: () => void }[] = [];
  private seq = 0;

  constructor(readonly clock: ManualClock) {}

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.timers.push({ at: this.clock.now() + ms, seq: this.seq++, fire: resolve });
    });
  }

  /** Runs until `work` settles: each time every chain waits on a timer, the earliest ones fire. */
  async run<T>(work: Promise<T>): Promise<T> {
    let settled = false;
    const done = work.finally(() => {
      settled = true;
    });
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      if (settled) return done;
      if (this.timers.length === 0) throw new Error('nothing scheduled, and the work is not done');
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const at = (this.timers[0] as { at: number }).at;
      this.clock.advanceTo(at);
      while (this.timers.length > 0 && (this.timers[0] as { at: number }).at === at) this.timers.shift()?.fire();
    }
  }
}

/**
 * DynamoDB as the simulator models it (ThroughputLimitedOrderRepository: a conditional PutItem per
 * save against its partition's write units, the SDK's throttling backoff, the adapter's error once
 * every attempt was throttled, each throttled attempt told to the caller as DynamoDbOrderRepository
 * tells it, `onThrottledAttempt`), with the save taking its simulated latency — unless
 * `hidePressure`, the baseline: then the use case never learns the store pushed back.
 */
class SimulatedDynamoDb implements OrderRepository {
  readonly table = new TableWriteThroughput();
  readonly store = new InMemoryOrderRepository();
  private latency = 0;
  private readonly limited: ThroughputLimitedOrderRepository;

  constructor(
    private readonly time: SimulatedTime,
    private readonly hidePressure: boolean,
  ) {
    this.limited = new ThroughputLimitedOrderRepository(this.store, {
      table: this.table,
      now: () => time.clock.now(),
      putRoundTripMs: DEFAULT_ROUND_TRIPS.dynamoPutMs,
      onSave: (latencyMs) => {
        this.latency = latencyMs;
      },
    });
  }

  async save(event: TimedOrder, options: SaveOptions = {}): Promise<SaveResult> {
    this.latency = Number.NaN;
    // Its attempts are decided at once, at their simulated times (each throttled one told to the
    // caller, unless hidden); the answer comes after the latency.
    const { onThrottledAttempt: _hidden, ...told } = options;
    const answer = this.limited.save(event, this.hidePressure ? told : options).then(
      (result) => ({ result }),
      (error: unknown) => ({ error }),
    );
    if (Number.isNaN(this.latency))
      throw new Error('ThroughputLimitedOrderRepository no longer says its latency at once');
    await this.time.sleep(this.latency);
    const settled = await answer;
    if ('error' in settled) {
      if (!this.hidePressure) throw settled.error;
      throw new RepositoryUnavailableError('DynamoDB PutItem failed (cause hidden from the use case).', {
        code: 'timeout',
      });
    }
    return settled.result;
  }

  findById(orderId: string): Promise<Order | undefined> {
    return this.store.findById(orderId);
  }
}

interface Sample {
  readonly atMs: number;
  readonly limit: number;
  readonly inFlight: number;
}

interface RunFacts {
  readonly samples: readonly Sample[];
  /** Throttled PutItem attempts per simulated second. */
  readonly throttlesPerSecond: number[];
  readonly acknowledged: number;
  readonly published: number;
  /** When the last event of the hot order was acknowledged (ms from the start). */
  readonly hotDrainedAtMs: number;
  readonly mostReceives: number;
  readonly stored: readonly Order[];
  readonly expected: ReadonlyMap<string, string>;
  readonly startMs: number;
}

const HOT_SECONDS = 8;
const HOT_RATE = 1_500;
const COLD_SECONDS = 30;
const COLD_RATE = 100;
const POLLERS = 2;
const CONCURRENCY = 20;

/**
 * A consumer-shaped run: `POLLERS` pollers sharing one use case (concurrency 20), taking up to 10
 * messages that are due. For 8 s, 1,500 events a second of one hot order (over its partition's
 * 1,000 write units a second); then 30 s of 100 new orders a second, spread over the table. A
 * failed record comes back after the handler's paced delay (60 s), as from SQS.
 */
async function runHotThenCold(hidePressure: boolean): Promise<RunFacts> {
  const clock = new ManualClock();
  const time = new SimulatedTime(clock);
  const dynamo = new SimulatedDynamoDb(time, hidePressure);
  const useCase = new ProcessOrderBatch({ repository: dynamo, clock }, { concurrency: CONCURRENCY });
  const startMs = clock.now();
  const hotEnd = startMs + HOT_SECONDS * 1_000;
  const end = hotEnd + COLD_SECONDS * 1_000;

  const expected = new Map<string, string>();
  const arrivals: { at: number; message: InboundMessage }[] = [];
  const hotStart = Date.parse('2025-05-03T12:00:00Z');
  for (let i = 0; i < HOT_SECONDS * HOT_RATE; i++) {
    const order = { orderId: 'HOT', userId: 'U1', itemName: 'Laptop', quantity: 1 + (i % 9), status: 'new' as const };
    const timestamp = new Date(hotStart + i).toISOString();
    expected.set('HOT', timestamp);
    arrivals.push({
      at: startMs + Math.floor((i * 1_000) / HOT_RATE),
      message: { messageId: `h${i}`, body: serializeOrder({ ...order, timestamp }) },
    });
  }
  for (let i = 0; i < COLD_SECONDS * COLD_RATE; i++) {
    const timestamp = new Date(hotStart + i).toISOString();
    const order = { orderId: `C${i}`, userId: 'U2', itemName: 'Book', quantity: 2, status: 'new' as const, timestamp };
    expected.set(order.orderId, timestamp);
    arrivals.push({
      at: hotEnd + Math.floor((i * 1_000) / COLD_RATE),
      message: { messageId: `c${i}`, body: serializeOrder(order) },
    });
  }
  const published = arrivals.length;
  // The queue: messages by when they are visible, and how often each was received.
  let queue = arrivals.map(({ at, message }) => ({ at, message, receives: 0 }));
  let acknowledged = 0;
  let hotDrainedAtMs = 0;
  let mostReceives = 0;
  const samples: Sample[] = [];
  const throttlesPerSecond: number[] = [];
  let lastThrottled = 0;

  const poller = async (): Promise<void> => {
    while (queue.length > 0) {
      const now = clock.now();
      const due = queue.filter((entry) => entry.at <= now).slice(0, 10);
      if (due.length === 0) {
        await time.sleep(20); // an empty receive
        continue;
      }
      const taken = new Set(due);
      queue = queue.filter((entry) => !taken.has(entry));
      for (const entry of due) mostReceives = Math.max(mostReceives, ++entry.receives);
      const result = await useCase.execute(due.map((entry) => ({ ...entry.message, receiveCount: entry.receives })));
      samples.push({ atMs: clock.now() - startMs, ...useCase.writeConcurrency });
      const failed = new Set(result.outcomes.filter(isFailure).map((outcome) => outcome.messageId));
      for (const entry of due) {
        if (!failed.has(entry.message.messageId)) {
          acknowledged++;
          if (entry.message.messageId.startsWith('h')) hotDrainedAtMs = clock.now() - startMs;
          continue;
        }
        const delay = retryDelaySeconds('transient', entry.receives, DEFAULT_RETRY_PACING, () => 0.5);
        queue.push({ ...entry, at: clock.now() + delay * 1_000 });
      }
    }
  };
  const meter = async (): Promise<void> => {
    while (queue.length > 0 || clock.now() < end) {
      await time.sleep(1_000);
      throttlesPerSecond.push(dynamo.table.throttled - lastThrottled);
      lastThrottled = dynamo.table.throttled;
    }
  };
  await time.run(Promise.all([...Array.from({ length: POLLERS }, poller), meter()]));
  return {
    samples,
    throttlesPerSecond,
    acknowledged,
    published,
    hotDrainedAtMs,
    mostReceives,
    stored: dynamo.store.all(),
    expected,
    startMs,
  };
}

describe("the simulator's DynamoDB model on a manual clock: AIMD on a hot partition", () => {
  let adaptive: RunFacts;
  let baseline: RunFacts;
  beforeAll(async () => {
    adaptive = await runHotThenCold(false);
    baseline = await runHotThenCold(true);
  }, 120_000);

  const during = (facts: RunFacts, fromSeconds: number, toSeconds: number) =>
    facts.samples.filter((s) => s.atMs >= fromSeconds * 1_000 && s.atMs < toSeconds * 1_000);

  it('absorbs the throttles without loss: every message acknowledged, no one received more than twice', () => {
    expect(adaptive.acknowledged).toBe(adaptive.published);
    // maxReceiveCount 3 would dead-letter none of them.
    expect(adaptive.mostReceives).toBeLessThanOrEqual(2);
    const stored = new Map(adaptive.stored.map((order) => [order.orderId, order.timestamp]));
    expect(stored).toEqual(adaptive.expected);
    expect(adaptive.throttlesPerSecond.slice(0, HOT_SECONDS).some((count) => count > 0)).toBe(true);
  });

  it('drops its write concurrency while the partition is hot, then recovers it once the traffic has cooled', () => {
    const hot = during(adaptive, 0, HOT_SECONDS);
    expect(hot[0]?.limit).toBe(CONCURRENCY);
    // The partition takes 1,000 writes a second at 8 ms a write: about 8 in flight.
    const sustainable = (DYNAMODB_PARTITION_WCU_PER_SECOND * DEFAULT_ROUND_TRIPS.dynamoPutMs) / 1_000;
    expect(Math.min(...hot.map((s) => s.limit))).toBeLessThanOrEqual(sustainable);
    const lastCold = during(adaptive, HOT_SECONDS + COLD_SECONDS - 5, HOT_SECONDS + COLD_SECONDS);
    expect(lastCold.length).toBeGreaterThan(0);
    expect(lastCold.every((s) => s.limit === CONCURRENCY)).toBe(true);
    // It climbed back one step a second, not at once: from its lowest to its ceiling took that long.
    const lowest = Math.min(...adaptive.samples.map((s) => s.limit));
    const lastLowAt = adaptive.samples.filter((s) => s.limit === lowest).at(-1)?.atMs ?? 0;
    const backAt = adaptive.samples.find((s) => s.atMs > lastLowAt && s.limit === CONCURRENCY)?.atMs ?? 0;
    expect(backAt - lastLowAt).toBeGreaterThanOrEqual((CONCURRENCY - lowest - 1) * 1_000);
  });

  it('hammers the hot partition less than the same consumer deaf to throttling, at a bounded cost in drain time', () => {
    const hotThrottles = (facts: RunFacts) =>
      facts.throttlesPerSecond.slice(0, HOT_SECONDS + 5).reduce((sum, count) => sum + count, 0);
    expect(baseline.acknowledged).toBe(baseline.published);
    expect(during(baseline, 0, HOT_SECONDS).every((s) => s.limit === CONCURRENCY)).toBe(true);
    expect(hotThrottles(baseline)).toBeGreaterThan(10);
    expect(hotThrottles(adaptive)).toBeLessThan(hotThrottles(baseline) / 4);
    // The price: fewer saves at once while the limit climbs back. The hot order's backlog (the
    // partition serves 1,000 of its 1,500 events a second) still drains within half as long again.
    expect(adaptive.hotDrainedAtMs).toBeLessThan(baseline.hotDrainedAtMs * 1.5);
  });
});
