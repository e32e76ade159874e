import { FaultInjectingOrderRepository, InMemoryOrderRepository } from '@orders/adapters-memory';
import { RepositoryUnavailableError } from '@orders/core';
import { describeOrderRepositoryContract, sampleOrder, timed } from '@orders/testkit';
import { seededRandom } from '@orders/simulation';

/** A PRNG that returns the given draws in turn. */
const draws =
  (...values: number[]) =>
  (): number => {
    const value = values.shift();
    if (value === undefined) throw new Error('no draw left');
    return value;
  };

// With no fault rate the decorator must be the store it wraps: the shared contract says so.
describeOrderRepositoryContract('fault-injecting (rates 0)', async () => {
  const store = new InMemoryOrderRepository();
  return {
    repository: new FaultInjectingOrderRepository(store, { random: seededRandom(1) }),
    putLegacyItem: async (item) => store.putLegacy(item),
    storedTraceId: async (orderId) => store.storedTraceId(orderId),
  };
});

describe('FaultInjectingOrderRepository', () => {
  it('fails before the write: RepositoryUnavailableError, and nothing is stored', async () => {
    const store = new InMemoryOrderRepository();
    const repository = new FaultInjectingOrderRepository(store, {
      random: draws(0.05),
      beforeWriteRate: 0.1,
      afterWriteRate: 0.1,
    });
    const error = await repository.save(timed(sampleOrder())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RepositoryUnavailableError);
    expect(error).toMatchObject({
      name: 'RepositoryUnavailableError',
      code: 'repository_unavailable',
      retryable: true,
    });
    expect(store.size).toBe(0);
    expect(repository.injected).toEqual({ beforeWrite: 1, afterWrite: 0, read: 0 });
  });

  it('fails after the write: the order IS stored, yet the caller sees an error (the answer was lost)', async () => {
    const store = new InMemoryOrderRepository();
    const repository = new FaultInjectingOrderRepository(store, {
      random: draws(0.15, 0.9),
      beforeWriteRate: 0.1,
      afterWriteRate: 0.1,
    });
    await expect(repository.save(timed(sampleOrder()))).rejects.toBeInstanceOf(RepositoryUnavailableError);
    expect(store.all()).toEqual([sampleOrder()]);
    // The retry that follows is an ordinary redelivery: the store calls it a duplicate.
    await expect(repository.save(timed(sampleOrder()))).resolves.toEqual({ outcome: 'duplicate' });
    expect(repository.injected).toEqual({ beforeWrite: 0, afterWrite: 1, read: 0 });
  });

  it('passes a call through when the draw is above both rates', async () => {
    const repository = new FaultInjectingOrderRepository(new InMemoryOrderRepository(), {
      random: draws(0.2),
      beforeWriteRate: 0.1,
      afterWriteRate: 0.1,
    });
    await expect(repository.save(timed(sampleOrder()))).resolves.toEqual({ outcome: 'created' });
    expect(repository.injected).toEqual({ beforeWrite: 0, afterWrite: 0, read: 0 });
  });

  it('fails reads with the combined rate', async () => {
    const store = new InMemoryOrderRepository();
    await store.save(timed(sampleOrder()));
    const repository = new FaultInjectingOrderRepository(store, {
      random: draws(0.15, 0.25),
      beforeWriteRate: 0.1,
      afterWriteRate: 0.1,
    });
    await expect(repository.findById('O1234')).rejects.toBeInstanceOf(RepositoryUnavailableError);
    await expect(repository.findById('O1234')).resolves.toEqual(sampleOrder());
    expect(repository.injected.read).toBe(1);
  });

  it('draws nothing and injects nothing while disabled', async () => {
    const random = jest.fn(() => 0);
    const repository = new FaultInjectingOrderRepository(new InMemoryOrderRepository(), { random, beforeWriteRate: 1 });
    repository.enabled = false;
    await expect(repository.save(timed(sampleOrder()))).resolves.toEqual({ outcome: 'created' });
    await expect(repository.findById('O1234')).resolves.toEqual(sampleOrder());
    expect(random).not.toHaveBeenCalled();
  });

  it('injects the same faults for the same seed, at about the configured rate', async () => {
    const run = async (): Promise<string[]> => {
      const repository = new FaultInjectingOrderRepository(new InMemoryOrderRepository(), {
        random: seededRandom(42),
        beforeWriteRate: 0.15,
        afterWriteRate: 0.15,
      });
      const results: string[] = [];
      for (let i = 0; i < 2000; i++) {
        results.push(
          await repository
            .save(timed(sampleOrder({ orderId: `O-${i % 50}` })))
            .then((result) => result.outcome)
            .catch((e: unknown) => (e as Error).message.slice(0, 40)),
        );
      }
      return results;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    const faults = first.filter((r) => r.startsWith('injected fault')).length;
    expect(faults).toBeGreaterThan(2000 * 0.25);
    expect(faults).toBeLessThan(2000 * 0.35);
  });

  it('refuses rates outside [0, 1] or summing above 1', () => {
    const store = new InMemoryOrderRepository();
    const random = seededRandom(1);
    expect(() => new FaultInjectingOrderRepository(store, { random, beforeWriteRate: -0.1 })).toThrow(RangeError);
    expect(() => new FaultInjectingOrderRepository(store, { random, afterWriteRate: Number.NaN })).toThrow(RangeError);
    expect(
      () => new FaultInjectingOrderRepository(store, { random, beforeWriteRate: 0.6, afterWriteRate: 0.6 }),
    ).toThrow(/at most 1/);
    expect(
      () => new FaultInjectingOrderRepository(store, { random, beforeWriteRate: 0.5, afterWriteRate: 0.5 }),
    ).not.toThrow();
  });
});
