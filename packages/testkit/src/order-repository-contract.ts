import { parseRfc3339Instant, type Order, type OrderRepository, type TimedOrder } from '@orders/core';
import { sampleOrder } from './orders';

export interface RepositoryUnderTest {
  readonly repository: OrderRepository;
}

/** Pairs an order with its instant, as decoding would. */
export function timed(order: Order): TimedOrder {
  const parsed = parseRfc3339Instant(order.timestamp);
  if (!parsed.ok) throw new Error(`test order has a bad timestamp: ${parsed.problem.reason}`);
  return { order, instant: parsed.instant };
}

let uniqueCounter = 0;
/** Order ids unique per run, so the suite also works against a shared, non-empty table. */
const uniqueId = (label: string): string => `contract-${label}-${Date.now().toString(36)}-${++uniqueCounter}`;

/**
 * The behaviour every OrderRepository must share. Run it from each adapter's tests:
 * `describeOrderRepositoryContract('in-memory', async () => ({ repository: new InMemoryOrderRepository() }))`.
 */
export function describeOrderRepositoryContract(name: string, setUp: () => Promise<RepositoryUnderTest>): void {
  describe(`OrderRepository contract: ${name}`, () => {
    let repository: OrderRepository;
    beforeEach(async () => {
      ({ repository } = await setUp());
    });

    it('creates an order it has never seen and returns it unchanged', async () => {
      const order = sampleOrder({ orderId: uniqueId('create'), itemName: 'Café ☕ — 𝄞' });
      await expect(repository.save(timed(order))).resolves.toBe('created');
      await expect(repository.findById(order.orderId)).resolves.toEqual(order);
    });

    it('returns undefined for an order it does not hold', async () => {
      await expect(repository.findById(uniqueId('absent'))).resolves.toBeUndefined();
    });

    it('replaces the order when a newer instant arrives', async () => {
      const orderId = uniqueId('update');
      await repository.save(timed(sampleOrder({ orderId, timestamp: '2025-05-03T12:00:00Z' })));
      const newer = sampleOrder({ orderId, status: 'paid', quantity: 2, timestamp: '2025-05-03T12:00:01Z' });
      await expect(repository.save(timed(newer))).resolves.toBe('updated');
      await expect(repository.findById(orderId)).resolves.toEqual(newer);
    });

    it('treats the same instant as a duplicate and keeps the first write', async () => {
      const orderId = uniqueId('dup');
      const first = sampleOrder({ orderId, timestamp: '2025-05-03T14:00:00Z' });
      await repository.save(timed(first));
      // Same instant written in another zone: a duplicate, not an update.
      const sameInstant = sampleOrder({ orderId, status: 'paid', timestamp: '2025-05-03T16:00:00+02:00' });
      await expect(repository.save(timed(sameInstant))).resolves.toBe('duplicate');
      await expect(repository.findById(orderId)).resolves.toEqual(first);
    });

    it('ignores an older instant as stale, even one that sorts later as a string', async () => {
      const orderId = uniqueId('stale');
      const current = sampleOrder({ orderId, status: 'shipped', timestamp: '2025-05-03T12:00:00Z' });
      await repository.save(timed(current));
      // "13:00+02:00" > "12:00Z" as strings, but it is 11:00Z: older.
      const older = sampleOrder({ orderId, status: 'paid', timestamp: '2025-05-03T13:00:00+02:00' });
      await expect(repository.save(timed(older))).resolves.toBe('stale');
      await expect(repository.findById(orderId)).resolves.toEqual(current);
    });

    it('orders events that differ only below the millisecond', async () => {
      const orderId = uniqueId('nanos');
      await repository.save(timed(sampleOrder({ orderId, timestamp: '2025-05-03T12:00:00.000100Z' })));
      const later = sampleOrder({ orderId, status: 'paid', timestamp: '2025-05-03T12:00:00.0002Z' });
      await expect(repository.save(timed(later))).resolves.toBe('updated');
      await expect(
        repository.save(timed(sampleOrder({ orderId, timestamp: '2025-05-03T12:00:00.00015Z' }))),
      ).resolves.toBe('stale');
      await expect(repository.findById(orderId)).resolves.toEqual(later);
    });

    it('keeps the newest of many concurrent events for one order', async () => {
      const orderId = uniqueId('race');
      const events = Array.from({ length: 20 }, (_, i) =>
        sampleOrder({ orderId, quantity: i + 1, timestamp: new Date(Date.UTC(2025, 4, 3, 12, 0, i)).toISOString() }),
      );
      const shuffled = [...events].reverse().sort((a, b) => (a.quantity % 3) - (b.quantity % 3));
      const outcomes = await Promise.all(shuffled.map((event) => repository.save(timed(event))));
      expect(outcomes.filter((o) => o === 'created')).toHaveLength(1);
      expect(outcomes.every((o) => ['created', 'updated', 'stale'].includes(o))).toBe(true);
      await expect(repository.findById(orderId)).resolves.toEqual(events[events.length - 1]);
    });

    it('stores only the order fields, whatever else the event object carried', async () => {
      const orderId = uniqueId('fields');
      const order = sampleOrder({ orderId });
      const withExtra = { ...order, coupon: 'SAVE10' } as Order;
      await repository.save(timed(withExtra));
      await expect(repository.findById(orderId)).resolves.toEqual(order);
    });
  });
}
