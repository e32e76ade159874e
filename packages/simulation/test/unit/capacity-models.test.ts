import { InMemoryOrderRepository } from '@orders/adapters-memory';
import { describeError, parseRfc3339Instant, RepositoryUnavailableError, type TimedOrder } from '@orders/core';
import {
  EventSourceMappingScaling,
  LambdaConcurrencyPool,
  TableWriteThroughput,
  ThroughputLimitedOrderRepository,
} from '@orders/simulation';

const event = (orderId: string, timestamp = '2025-05-03T12:00:00Z'): TimedOrder => {
  const parsed = parseRfc3339Instant(timestamp);
  if (!parsed.ok) throw new Error('bad timestamp');
  return {
    order: { orderId, userId: 'U1', itemName: 'Laptop', quantity: 1, status: 'new', timestamp },
    instant: parsed.instant,
  };
};

describe('EventSourceMappingScaling (standard mode)', () => {
  it('starts at 5 batches and adds 300 a minute while messages wait, up to 1,000', () => {
    const scaling = new EventSourceMappingScaling({ mode: 'standard' });
    expect(scaling.concurrency).toBe(5);
    for (let s = 0; s < 60; s++) scaling.tick({ backlog: true, throttled: false });
    expect(scaling.concurrency).toBe(305);
    for (let s = 0; s < 600; s++) scaling.tick({ backlog: true, throttled: false });
    expect(scaling.concurrency).toBe(1_000);
  });

  it('stops at MaximumConcurrency, does not grow while throttled, and falls back to 5 when idle', () => {
    const scaling = new EventSourceMappingScaling({ mode: 'standard', maximumConcurrency: 50 });
    for (let s = 0; s < 30; s++) scaling.tick({ backlog: true, throttled: true });
    expect(scaling.concurrency).toBe(5);
    for (let s = 0; s < 60; s++) scaling.tick({ backlog: true, throttled: false });
    expect(scaling.concurrency).toBe(50);
    for (let s = 0; s < 60; s++) scaling.tick({ backlog: false, throttled: false });
    expect(scaling.concurrency).toBe(5);
  });

  it('refuses a MaximumConcurrency outside 2–1,000', () => {
    expect(() => new EventSourceMappingScaling({ mode: 'standard', maximumConcurrency: 1 })).toThrow(/2 to 1000/);
    expect(() => new EventSourceMappingScaling({ mode: 'standard', maximumConcurrency: 1001 })).toThrow(/2 to 1000/);
  });
});

describe('EventSourceMappingScaling (provisioned mode)', () => {
  it('starts at MinimumPollers × 10, scales three times as fast, up to MaximumPollers × 10', () => {
    const scaling = new EventSourceMappingScaling({ mode: 'provisioned', minimumPollers: 10, maximumPollers: 2_000 });
    expect(scaling.concurrency).toBe(100);
    for (let s = 0; s < 60; s++) scaling.tick({ backlog: true, throttled: false });
    expect(scaling.concurrency).toBe(1_000); // +900 a minute
    for (let s = 0; s < 3_600; s++) scaling.tick({ backlog: true, throttled: false });
    expect(scaling.concurrency).toBe(20_000);
  });
});

describe('LambdaConcurrencyPool', () => {
  it('throttles at reserved concurrency and counts why', () => {
    const pool = new LambdaConcurrencyPool({ reservedConcurrency: 2 });
    expect(pool.acquire(0)).toEqual({ ok: true, coldStart: true, environment: 0 });
    expect(pool.acquire(0)).toEqual({ ok: true, coldStart: true, environment: 1 });
    expect(pool.acquire(0)).toEqual({ ok: false, reason: 'reserved-concurrency' });
    pool.release(1);
    // An environment freed is reused warm.
    expect(pool.acquire(1)).toEqual({ ok: true, coldStart: false, environment: 1 });
    expect(pool.throttles['reserved-concurrency']).toBe(1);
    expect(pool.peak).toBe(2);
  });

  it('shares the account pool with other functions: none left, every invocation is throttled', () => {
    let others = 0;
    const pool = new LambdaConcurrencyPool({ accountLimit: 10, otherFunctionsInUse: () => others });
    for (let i = 0; i < 10; i++) expect(pool.acquire(0).ok).toBe(true);
    expect(pool.acquire(0)).toEqual({ ok: false, reason: 'account-concurrency' });
    for (let i = 0; i < 10; i++) pool.release(i);
    others = 10;
    expect(pool.acquire(0)).toEqual({ ok: false, reason: 'account-concurrency' });
  });

  it('creates at most 1,000 environments per 10 s', () => {
    const pool = new LambdaConcurrencyPool({ accountLimit: 5_000 });
    for (let i = 0; i < 1_000; i++) expect(pool.acquire(0).ok).toBe(true);
    expect(pool.acquire(0)).toEqual({ ok: false, reason: 'scaling-rate' });
    expect(pool.acquire(1_000)).toEqual({ ok: true, coldStart: true, environment: 1_000 }); // 100 earned in 1 s
    expect(pool.coldStarts).toBe(1_001);
  });

  it('carves a reservation out of the account pool: other functions using all of it do not throttle the function up to its reservation', () => {
    const pool = new LambdaConcurrencyPool({
      accountLimit: 1_000,
      reservedConcurrency: 10,
      otherFunctionsInUse: () => 1_000,
    });
    for (let i = 0; i < 10; i++) expect(pool.acquire(0).ok).toBe(true);
    // Its ceiling is its reservation, whatever is left of the pool.
    expect(pool.acquire(0)).toEqual({ ok: false, reason: 'reserved-concurrency' });
    expect(pool.throttles['account-concurrency']).toBe(0);
    // The same function without a reservation gets nothing.
    const shared = new LambdaConcurrencyPool({ accountLimit: 1_000, otherFunctionsInUse: () => 1_000 });
    expect(shared.acquire(0)).toEqual({ ok: false, reason: 'account-concurrency' });
  });

  it("refuses a reservation that leaves less than Lambda's 100 unreserved", () => {
    expect(() => new LambdaConcurrencyPool({ accountLimit: 1_000, reservedConcurrency: 901 })).toThrow(
      /leaves less than the 100 unreserved/,
    );
    expect(() => new LambdaConcurrencyPool({ accountLimit: 1_000, reservedConcurrency: 900 })).not.toThrow();
  });

  it("names each invocation's environment: a warm one is the one freed last, a new one gets the next id", () => {
    const pool = new LambdaConcurrencyPool();
    const ids = [0, 1, 2].map(() => {
      const grant = pool.acquire(0);
      if (!grant.ok) throw new Error('throttled');
      return grant.environment;
    });
    expect(ids).toEqual([0, 1, 2]);
    pool.release(0);
    pool.release(2);
    expect(pool.acquire(1)).toEqual({ ok: true, coldStart: false, environment: 2 });
    expect(pool.acquire(1)).toEqual({ ok: true, coldStart: false, environment: 0 });
    expect(pool.acquire(1)).toEqual({ ok: true, coldStart: true, environment: 3 });
    expect(pool.coldStarts).toBe(4);
  });

  it('reserved concurrency that changes over time (a window where it is lowered to 0)', () => {
    const pool = new LambdaConcurrencyPool({ reservedConcurrency: (at) => (at < 1_000 ? 0 : undefined) });
    expect(pool.acquire(0)).toEqual({ ok: false, reason: 'reserved-concurrency' });
    expect(pool.acquire(1_000).ok).toBe(true);
  });
});

describe('TableWriteThroughput', () => {
  it('spreads the warm throughput over partitions of 1,000 WCU/s', () => {
    expect(new TableWriteThroughput().partitions).toBe(4);
    expect(new TableWriteThroughput({ warmWriteUnits: 12_000 }).partitions).toBe(12);
  });

  it('throttles one hot key at its partition limit and refills at 1,000 WCU/s', () => {
    const table = new TableWriteThroughput({ warmWriteUnits: 40_000 });
    let accepted = 0;
    for (let i = 0; i < 1_500; i++) if (table.tryWrite('HOT', 1, 0)) accepted++;
    expect(accepted).toBe(1_000);
    expect(table.throttled).toBe(500);
    expect(table.tryWrite('HOT', 1, 0)).toBe(false);
    expect(table.tryWrite('HOT', 1, 1)).toBe(true); // 1 unit earned in 1 ms
    // Other keys on other partitions are not affected.
    const other = ['A', 'B', 'C', 'D', 'E'].find((k) => table.partitionOf(k) !== table.partitionOf('HOT')) as string;
    expect(table.tryWrite(other, 1, 0)).toBe(true);
  });

  it('gives a write ahead of the present (an SDK retry after its backoff) no refill for the writes before it', () => {
    const table = new TableWriteThroughput();
    for (let i = 0; i < 1_000; i++) expect(table.tryWrite('HOT', 1, 0)).toBe(true);
    // A save throttled at 0 retries 500 ms later; decided now, at the present 0.
    expect(table.tryWrite('HOT', 1, 500, 0)).toBe(true);
    // 10 ms on, the partition has earned 10 units, whatever it will have at 500 ms.
    let accepted = 0;
    for (let i = 0; i < 100; i++) if (table.tryWrite('HOT', 1, 10, 10)) accepted++;
    expect(accepted).toBe(10);
    expect(table.throttled).toBe(90);
    // At 500 ms the retry's unit is spent: 490 earned since, 489 left, none more.
    for (let i = 0; i < 489; i++) expect(table.tryWrite('HOT', 1, 500, 500)).toBe(true);
    expect(table.tryWrite('HOT', 1, 500, 500)).toBe(false);
  });

  it('throttles a write that would leave a write already accepted ahead without its units', () => {
    const table = new TableWriteThroughput();
    for (let i = 0; i < 1_000; i++) table.tryWrite('HOT', 1, 0);
    // 100 units are earned by 100 ms; a retry takes them all there.
    expect(table.tryWrite('HOT', 100, 100, 0)).toBe(true);
    // A write at 50 ms would find 50 units then, but taking one would leave the retry 99 at 100 ms.
    expect(table.tryWrite('HOT', 1, 50, 0)).toBe(false);
    expect(table.tryWrite('HOT', 1, 101, 0)).toBe(true);
  });
});

describe('ThroughputLimitedOrderRepository', () => {
  it("raises the AWS adapter's throttling error (code throttled, transient) when every SDK attempt is throttled", async () => {
    // Half a write unit a second: a 1-unit put never fits (a partition far past its limit).
    const table = new TableWriteThroughput({ warmWriteUnits: 1, partitionWriteUnits: 0.5 });
    const latencies: number[] = [];
    const store = new InMemoryOrderRepository();
    const repository = new ThroughputLimitedOrderRepository(store, {
      table,
      now: () => 0,
      putRoundTripMs: 10,
      onSave: (ms) => latencies.push(ms),
    });
    const error = await repository.save(event('O1')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RepositoryUnavailableError);
    expect(describeError(error)).toMatchObject({ code: 'throttled', failureClass: 'transient' });
    expect(repository.exhausted).toBe(1);
    expect(table.throttled).toBe(4); // the SDK's 4 attempts
    // 4 round trips plus the mean backoffs (250 + 500 + 1000 ms).
    expect(latencies).toEqual([4 * 10 + 250 + 500 + 1_000]);
    expect(await store.findById('O1')).toBeUndefined();
    expect(table.writeUnits).toBe(0);
  });

  it('tells the caller of every throttled attempt, whether a retry then gets through or not', async () => {
    const table = new TableWriteThroughput();
    for (let i = 0; i < 1_000; i++) table.tryWrite('O1', 1, 0);
    const latencies: number[] = [];
    const repository = new ThroughputLimitedOrderRepository(new InMemoryOrderRepository(), {
      table,
      now: () => 0,
      putRoundTripMs: 10,
      onSave: (ms) => latencies.push(ms),
    });
    let throttledAttempts = 0;
    const onThrottledAttempt = () => {
      throttledAttempts++;
    };
    // The partition is empty at 0: the first attempt is throttled, the retry 260 ms on gets through.
    await expect(repository.save(event('O1'), { onThrottledAttempt })).resolves.toMatchObject({ outcome: 'created' });
    expect(throttledAttempts).toBe(1);
    expect(latencies).toEqual([10 + 250 + 10]);
    expect(repository.exhausted).toBe(0);
    // Every attempt throttled: each one told, then the adapter's error.
    const starved = new ThroughputLimitedOrderRepository(new InMemoryOrderRepository(), {
      table: new TableWriteThroughput({ warmWriteUnits: 1, partitionWriteUnits: 0.5 }),
      now: () => 0,
      putRoundTripMs: 10,
    });
    throttledAttempts = 0;
    await expect(starved.save(event('O2'), { onThrottledAttempt })).rejects.toBeInstanceOf(RepositoryUnavailableError);
    expect(throttledAttempts).toBe(4);
  });
});
