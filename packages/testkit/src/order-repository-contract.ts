import {
  greatestEvent,
  type Order,
  type OrderRepository,
  parseRfc3339Instant,
  type SaveOutcome,
  type TimedOrder,
} from '@orders/core';
import { sampleOrder } from './orders';

/**
 * An order as a writer from before the ordering rule stored it: the raw fields and nothing else (the
 * original write-up's handler put `{ orderId, userId, itemName, quantity, status, timestamp }` as the
 * producer sent them, with no `instant`).
 */
export type LegacyOrderItem = Readonly<Record<Exclude<keyof Order, 'orderId'>, string | number>> & {
  readonly orderId: string;
};

export interface RepositoryUnderTest {
  readonly repository: OrderRepository;
  /**
   * Writes an item the way a pre-rule writer did, bypassing the repository, so the contract can
   * check how such items are treated. (A store that never held them can write one plainly.)
   */
  readonly putLegacyItem: (item: LegacyOrderItem) => Promise<void>;
  /**
   * The trace id stored beside an order (`SaveOptions.traceId` of the save that last wrote it), read
   * the adapter's own way (DynamoDB: `findStored(orderId).traceId`), or undefined.
   */
  readonly storedTraceId: (orderId: string) => Promise<string | undefined>;
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

/** Every ordering of `items` (n! of them: keep n small). */
export function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

/**
 * The behaviour every OrderRepository must share. Run it from each adapter's tests:
 * `describeOrderRepositoryContract('in-memory', async () => ({ repository: new InMemoryOrderRepository() }))`.
 */
export function describeOrderRepositoryContract(name: string, setUp: () => Promise<RepositoryUnderTest>): void {
  describe(`OrderRepository contract: ${name}`, () => {
    let repository: OrderRepository;
    let putLegacyItem: RepositoryUnderTest['putLegacyItem'];
    let storedTraceId: RepositoryUnderTest['storedTraceId'];
    beforeEach(async () => {
      ({ repository, putLegacyItem, storedTraceId } = await setUp());
    });
    const outcomeOf = async (order: Order): Promise<SaveOutcome> => (await repository.save(timed(order))).outcome;
    const outcomeOfTraced = async (order: Order, traceId: string): Promise<SaveOutcome> =>
      (await repository.save(timed(order), { traceId })).outcome;

    it('creates an order it has never seen and returns it unchanged', async () => {
      const order = sampleOrder({ orderId: uniqueId('create'), itemName: 'Café ☕ — 𝄞' });
      await expect(repository.save(timed(order))).resolves.toEqual({ outcome: 'created' });
      await expect(repository.findById(order.orderId)).resolves.toEqual(order);
    });

    it('returns undefined for an order it does not hold', async () => {
      await expect(repository.findById(uniqueId('absent'))).resolves.toBeUndefined();
    });

    it('replaces the order when a newer instant arrives', async () => {
      const orderId = uniqueId('update');
      await repository.save(timed(sampleOrder({ orderId, timestamp: '2025-05-03T12:00:00Z' })));
      const newer = sampleOrder({ orderId, status: 'paid', quantity: 2, timestamp: '2025-05-03T12:00:01Z' });
      await expect(repository.save(timed(newer))).resolves.toEqual({ outcome: 'updated' });
      await expect(repository.findById(orderId)).resolves.toEqual(newer);
    });

    it('calls the same event again a duplicate and changes nothing', async () => {
      const orderId = uniqueId('dup');
      const event = sampleOrder({ orderId, timestamp: '2025-05-03T14:00:00Z' });
      await repository.save(timed(event));
      await expect(repository.save(timed({ ...event }))).resolves.toEqual({ outcome: 'duplicate' });
      await expect(repository.findById(orderId)).resolves.toEqual(event);
    });

    it('stores the same event written in two zone spellings in one spelling, whichever came first', async () => {
      const utc = sampleOrder({ status: 'paid', timestamp: '2025-05-03T12:10:00Z' });
      const newYork = { ...utc, timestamp: '2025-05-03T07:10:00-05:00' };
      for (const [first, second] of [
        [utc, newYork],
        [newYork, utc],
      ] as const) {
        const orderId = uniqueId('spelling');
        await expect(outcomeOf({ ...first, orderId })).resolves.toBe('created');
        await expect(outcomeOf({ ...second, orderId })).resolves.toBe('duplicate');
        // The tie-break ends at the timestamp text: the greater spelling ("…T12…" > "…T07…").
        await expect(repository.findById(orderId)).resolves.toEqual({ ...utc, orderId });
      }
    });

    it('decides a tie between different contents at one instant the same way in either order', async () => {
      const paid = sampleOrder({ status: 'paid', timestamp: '2025-05-03T12:10:00Z' });
      const cancelled = sampleOrder({ status: 'cancelled', timestamp: '2025-05-03T12:10:00Z' });
      const orderA = uniqueId('tie-status');
      await repository.save(timed({ ...paid, orderId: orderA }));
      // cancelled is further along the lifecycle than paid: it wins the tie.
      await expect(repository.save(timed({ ...cancelled, orderId: orderA }))).resolves.toEqual({
        outcome: 'updated',
        differingFields: ['status'],
      });
      const orderB = uniqueId('tie-status');
      await repository.save(timed({ ...cancelled, orderId: orderB }));
      await expect(repository.save(timed({ ...paid, orderId: orderB }))).resolves.toEqual({
        outcome: 'conflict',
        differingFields: ['status'],
      });
      await expect(repository.findById(orderA)).resolves.toEqual({ ...cancelled, orderId: orderA });
      await expect(repository.findById(orderB)).resolves.toEqual({ ...cancelled, orderId: orderB });
    });

    it('breaks a tie on quantity when the status is the same, across zone spellings', async () => {
      const two = sampleOrder({ quantity: 2, timestamp: '2025-05-03T12:10:00Z' });
      const three = sampleOrder({ quantity: 3, timestamp: '2025-05-03T14:10:00+02:00' });
      for (const [first, second, outcome] of [
        [two, three, 'updated'],
        [three, two, 'conflict'],
      ] as const) {
        const orderId = uniqueId('tie-quantity');
        await repository.save(timed({ ...first, orderId }));
        await expect(repository.save(timed({ ...second, orderId }))).resolves.toEqual({
          outcome,
          differingFields: ['quantity'],
        });
        await expect(repository.findById(orderId)).resolves.toEqual({ ...three, orderId });
      }
    });

    it('ignores an older instant as stale, even one that sorts later as a string', async () => {
      const orderId = uniqueId('stale');
      const current = sampleOrder({ orderId, status: 'shipped', timestamp: '2025-05-03T12:00:00Z' });
      await repository.save(timed(current));
      // "13:00+02:00" > "12:00Z" as strings, but it is 11:00Z: older.
      const older = sampleOrder({ orderId, status: 'cancelled', timestamp: '2025-05-03T13:00:00+02:00' });
      await expect(repository.save(timed(older))).resolves.toEqual({ outcome: 'stale' });
      await expect(repository.findById(orderId)).resolves.toEqual(current);
    });

    it('orders events that differ only below the millisecond', async () => {
      const orderId = uniqueId('nanos');
      await repository.save(timed(sampleOrder({ orderId, timestamp: '2025-05-03T12:00:00.000100Z' })));
      const later = sampleOrder({ orderId, status: 'paid', timestamp: '2025-05-03T12:00:00.0002Z' });
      await expect(outcomeOf(later)).resolves.toBe('updated');
      await expect(outcomeOf(sampleOrder({ orderId, timestamp: '2025-05-03T12:00:00.00015Z' }))).resolves.toBe('stale');
      await expect(repository.findById(orderId)).resolves.toEqual(later);
    });

    it('ends at the same item for every delivery order of events with ties, spellings and duplicates', async () => {
      const events = [
        sampleOrder({ status: 'paid', timestamp: '2025-05-03T12:10:00Z' }),
        sampleOrder({ status: 'paid', timestamp: '2025-05-03T13:10:00+01:00' }),
        sampleOrder({ status: 'paid', quantity: 4, itemName: 'Laptop 𝄞', timestamp: '2025-05-03T12:10:00Z' }),
        sampleOrder({ status: 'shipped', timestamp: '2025-05-03T12:09:59.999999999Z' }),
      ];
      const expected = greatestEvent(events.map(timed))?.order;
      for (const ordering of permutations(events)) {
        const orderId = uniqueId('converge');
        for (const event of ordering) await repository.save(timed({ ...event, orderId }));
        await expect(repository.findById(orderId)).resolves.toEqual({ ...expected, orderId });
      }
    });

    it('keeps the greatest of many concurrent events for one order, ties included', async () => {
      const orderId = uniqueId('race');
      const events = Array.from({ length: 20 }, (_, i) =>
        sampleOrder({
          orderId,
          quantity: i + 1,
          // Pairs share an instant: every other event is a tie with its neighbour.
          timestamp: new Date(Date.UTC(2025, 4, 3, 12, 0, Math.floor(i / 2))).toISOString(),
        }),
      );
      const shuffled = [...events].reverse().sort((a, b) => (a.quantity % 3) - (b.quantity % 3));
      const outcomes = await Promise.all(shuffled.map((event) => outcomeOf(event)));
      expect(outcomes.filter((o) => o === 'created')).toHaveLength(1);
      expect(outcomes.every((o) => ['created', 'updated', 'conflict', 'stale'].includes(o))).toBe(true);
      await expect(repository.findById(orderId)).resolves.toEqual(events[events.length - 1]);
    });

    it('stores only the order fields, whatever else the event object carried', async () => {
      const orderId = uniqueId('fields');
      const order = sampleOrder({ orderId });
      const withExtra = { ...order, coupon: 'SAVE10' } as Order;
      await repository.save(timed(withExtra));
      await expect(repository.findById(orderId)).resolves.toEqual(order);
    });

    describe('the trace id beside the order (not part of the event)', () => {
      const TRACE_A = '4bf92f3577b34da6a3ce929d0e0e4736';
      const TRACE_B = '0af7651916cd43dd8448eb211c80319c';
      const TRACE_C = '5759e988bd862e3fe1be46a994272793';

      it('keeps the trace id of the save that wrote the order, and calls the same event under another trace a duplicate', async () => {
        const orderId = uniqueId('trace');
        const event = sampleOrder({ orderId, timestamp: '2025-05-03T12:00:00Z' });
        await expect(repository.save(timed(event), { traceId: TRACE_A })).resolves.toEqual({ outcome: 'created' });
        await expect(storedTraceId(orderId)).resolves.toBe(TRACE_A);
        // Republished under another trace: the same event, so nothing is written, the first trace id included.
        await expect(repository.save(timed({ ...event }), { traceId: TRACE_B })).resolves.toEqual({
          outcome: 'duplicate',
        });
        await expect(storedTraceId(orderId)).resolves.toBe(TRACE_A);
        await expect(repository.findById(orderId)).resolves.toEqual(event);
      });

      it('takes the trace id of each event that writes, and none from one that does not', async () => {
        const orderId = uniqueId('trace-update');
        await repository.save(timed(sampleOrder({ orderId, timestamp: '2025-05-03T12:00:00Z' })), { traceId: TRACE_A });
        const newer = sampleOrder({ orderId, status: 'paid', timestamp: '2025-05-03T12:00:01Z' });
        await expect(outcomeOfTraced(newer, TRACE_B)).resolves.toBe('updated');
        await expect(storedTraceId(orderId)).resolves.toBe(TRACE_B);
        await expect(
          outcomeOfTraced({ ...newer, status: 'new', timestamp: '2025-05-03T11:00:00Z' }, TRACE_C),
        ).resolves.toBe('stale');
        await expect(storedTraceId(orderId)).resolves.toBe(TRACE_B);
        // A duplicate in the spelling the rule prefers is written (the stored text converges): it is the writer now.
        await expect(outcomeOfTraced({ ...newer, timestamp: '2025-05-03T14:00:01+02:00' }, TRACE_C)).resolves.toBe(
          'duplicate',
        );
        await expect(outcomeOfTraced(newer, TRACE_A)).resolves.toBe('duplicate');
        await expect(storedTraceId(orderId)).resolves.toBe(TRACE_C);
        await expect(repository.findById(orderId)).resolves.toEqual({
          ...newer,
          timestamp: '2025-05-03T14:00:01+02:00',
        });
      });

      it('keeps none when the writing save had none, or something that is not a W3C trace id', async () => {
        const orderId = uniqueId('trace-none');
        await repository.save(timed(sampleOrder({ orderId, timestamp: '2025-05-03T12:00:00Z' })), { traceId: TRACE_A });
        await repository.save(timed(sampleOrder({ orderId, status: 'paid', timestamp: '2025-05-03T12:00:01Z' })));
        await expect(storedTraceId(orderId)).resolves.toBeUndefined();
        const other = uniqueId('trace-bad');
        await repository.save(timed(sampleOrder({ orderId: other })), { traceId: 'not-a-trace-id' });
        await expect(storedTraceId(other)).resolves.toBeUndefined();
      });
    });

    describe('items written before the ordering rule (no stored instant)', () => {
      const legacy = async (order: Order): Promise<string> => {
        await putLegacyItem(order);
        return order.orderId;
      };

      it('never lets an older event overwrite a newer legacy item', async () => {
        const stored = sampleOrder({
          orderId: uniqueId('legacy-newer'),
          status: 'delivered',
          timestamp: '2025-06-01T00:00:00Z',
        });
        await legacy(stored);
        await expect(outcomeOf({ ...stored, status: 'new', timestamp: '2025-05-01T00:00:00Z' })).resolves.toBe('stale');
        await expect(repository.findById(stored.orderId)).resolves.toEqual(stored);
      });

      it('replaces an older legacy item and from then on applies the rule', async () => {
        const orderId = await legacy(
          sampleOrder({ orderId: uniqueId('legacy-older'), timestamp: '2025-05-01T00:00:00Z' }),
        );
        const newer = sampleOrder({ orderId, status: 'paid', timestamp: '2025-05-02T00:00:00Z' });
        await expect(outcomeOf(newer)).resolves.toBe('updated');
        await expect(outcomeOf({ ...newer, status: 'new', timestamp: '2025-05-01T12:00:00Z' })).resolves.toBe('stale');
        await expect(repository.findById(orderId)).resolves.toEqual(newer);
      });

      it('recognises the same event as a duplicate, and a legacy item loses a tie to different content', async () => {
        const same = await legacy(sampleOrder({ orderId: uniqueId('legacy-same'), timestamp: '2025-05-03T12:00:00Z' }));
        await expect(outcomeOf(sampleOrder({ orderId: same, timestamp: '2025-05-03T14:00:00+02:00' }))).resolves.toBe(
          'duplicate',
        );
        // Now under the rule: a tie it wins against different content is a conflict for the other event.
        await expect(outcomeOf(sampleOrder({ orderId: same, userId: 'A' }))).resolves.toBe('conflict');

        const tie = await legacy(sampleOrder({ orderId: uniqueId('legacy-tie'), status: 'cancelled' }));
        const incoming = sampleOrder({ orderId: tie, status: 'new' });
        await expect(repository.save(timed(incoming))).resolves.toEqual({
          outcome: 'updated',
          differingFields: ['status'],
        });
        await expect(repository.findById(tie)).resolves.toEqual(incoming);
      });

      it('treats a legacy item whose timestamp names no instant as older than any event', async () => {
        const orderId = await legacy(sampleOrder({ orderId: uniqueId('legacy-garbage'), timestamp: 'yesterday' }));
        const event = sampleOrder({ orderId, timestamp: '1970-01-01T00:00:00Z' });
        await expect(outcomeOf(event)).resolves.toBe('updated');
        await expect(repository.findById(orderId)).resolves.toEqual(event);
      });
    });
  });
}
