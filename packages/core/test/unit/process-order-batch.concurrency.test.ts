import { rawBody, sampleOrder } from '@orders/testkit';
import { DEFAULT_CONCURRENCY, ProcessOrderBatch, type InboundMessage } from '../../src';
import { mapWithConcurrency } from '../../src/application/map-with-concurrency';
import { FakeOrderRepository } from '../support/fake-order-repository';

const batch = (size: number): InboundMessage[] =>
  Array.from({ length: size }, (_, i) => ({ messageId: `m${i}`, body: rawBody(sampleOrder({ orderId: `O${i}` })) }));

describe('ProcessOrderBatch: bounded concurrency', () => {
  it.each([1, 3, 7])('never has more than %i saves in flight, and uses the whole bound', async (limit) => {
    const repository = new FakeOrderRepository({ delayMs: 1 });
    const result = await new ProcessOrderBatch({ repository }, { concurrency: limit }).execute(batch(25));
    expect(repository.maxInFlight).toBe(limit);
    expect(result.outcomes.every((o) => o.status === 'created')).toBe(true);
    expect(repository.stored.size).toBe(25);
  });

  it('runs all records at once when the batch is smaller than the bound (not one awaited write after another)', async () => {
    const repository = new FakeOrderRepository({ delayMs: 1 });
    await new ProcessOrderBatch({ repository }).execute(batch(10));
    expect(repository.maxInFlight).toBe(10);
  });

  it('defaults to a bound of 100', async () => {
    expect(DEFAULT_CONCURRENCY).toBe(100);
    const repository = new FakeOrderRepository({ delayMs: 1 });
    await new ProcessOrderBatch({ repository }).execute(batch(120));
    expect(repository.maxInFlight).toBe(100);
  });
});

describe('mapWithConcurrency', () => {
  it('keeps input order whatever order the tasks finish in', async () => {
    const delays = [5, 1, 4, 0, 3, 2];
    const result = await mapWithConcurrency(delays, 3, async (delay, index) => {
      await new Promise((resolve) => setTimeout(resolve, delay));
      return `${index}:${delay}`;
    });
    expect(result).toEqual(delays.map((delay, index) => `${index}:${delay}`));
  });

  it('calls the task once per item and never exceeds the limit', async () => {
    let inFlight = 0;
    let peak = 0;
    const seen: number[] = [];
    await mapWithConcurrency([...Array(17).keys()], 4, async (item) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      seen.push(item);
      await new Promise((resolve) => setTimeout(resolve, 0));
      inFlight--;
    });
    expect(peak).toBe(4);
    expect(seen.sort((a, b) => a - b)).toEqual([...Array(17).keys()]);
  });

  it('handles an empty list', async () => {
    await expect(mapWithConcurrency([], 5, async () => 1)).resolves.toEqual([]);
  });

  it.each([0, -1, 2.5, Number.NaN])('rejects a limit of %p', async (limit) => {
    await expect(mapWithConcurrency([1], limit, async () => 1)).rejects.toThrow(RangeError);
  });
});
