import fc from 'fast-check';
import { compareCodePoints, greatestEvent, ORDER_STATUSES, type Order, type TimedOrder } from '@orders/core';
import { timed } from './order-repository-contract';
import { seededRandom } from '@orders/simulation';

/**
 * Generated event histories for the convergence properties: a few orders, each with events built
 * to make arrival order matter — several events on few instants (ties with different content), one
 * instant written in several zone spellings and letter cases, exact duplicates, and older events.
 */

/** Few instants per order, so ties are common; two differ only in the nanoseconds. */
const BASE_SECONDS = Date.UTC(2025, 4, 3, 12, 10) / 1000;
const INSTANTS = [
  { seconds: BASE_SECONDS, fraction: '' },
  { seconds: BASE_SECONDS, fraction: '000000001' },
  { seconds: BASE_SECONDS + 60, fraction: '' },
  { seconds: BASE_SECONDS - 3600, fraction: '5' },
] as const;
/** Zone offsets in minutes: the same instant spelled `12:10Z`, `14:10+02:00`, `07:10-05:00`, … */
const OFFSETS = [0, 120, -300, 330] as const;
/** Code points on both sides of the UTF-16/UTF-8 ordering trap (U+FFFD vs astral 𝄞). */
const ITEM_NAMES = ['Laptop', 'Laptop 𝄞', '\uFFFD', '𝄞', 'laptop'] as const;

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** An RFC 3339 spelling of an instant: in the given zone offset, optionally with lower-case `t`/`z`. */
export function spellInstant(
  epochSeconds: number,
  fraction: string,
  offsetMinutes: number,
  lowerCase: boolean,
): string {
  const local = new Date((epochSeconds + offsetMinutes * 60) * 1000);
  const date = `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
  const time = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;
  const zone =
    offsetMinutes === 0
      ? 'Z'
      : `${offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offsetMinutes) / 60))}:${pad(Math.abs(offsetMinutes) % 60)}`;
  const text = `${date}T${time}${fraction ? `.${fraction}` : ''}${zone}`;
  return lowerCase ? text.replace('T', 't').replace('Z', 'z') : text;
}

const eventOf = (orderId: string): fc.Arbitrary<Order> =>
  fc
    .record({
      instant: fc.constantFrom(...INSTANTS),
      offset: fc.constantFrom(...OFFSETS),
      lowerCase: fc.boolean(),
      status: fc.constantFrom(...ORDER_STATUSES),
      quantity: fc.integer({ min: 1, max: 3 }),
      userId: fc.constantFrom('U1', 'U2'),
      itemName: fc.constantFrom(...ITEM_NAMES),
    })
    .map(({ instant, offset, lowerCase, ...content }) => ({
      orderId,
      ...content,
      timestamp: spellInstant(instant.seconds, instant.fraction, offset, lowerCase),
    }));

/** The events of `orders` orders (ids `<prefix>-0`, …), each with 1–`maxEvents` events plus exact duplicates. */
export function orderEventHistories(options: {
  readonly orders: number;
  readonly maxEvents: number;
  readonly idPrefix?: string;
}): fc.Arbitrary<Order[]> {
  const perOrder = Array.from({ length: options.orders }, (_, i) =>
    fc
      .array(eventOf(`${options.idPrefix ?? 'H'}-${i}`), { minLength: 1, maxLength: options.maxEvents })
      .chain((events) =>
        // Exact duplicates: some events published again (a producer retry, an SNS redelivery).
        fc.subarray(events).map((again) => [...events, ...again]),
      ),
  );
  return fc.tuple(...perOrder).map((histories) => histories.flat());
}

/**
 * One delivery of a history: every event, in an order and batching drawn from `seed` (batches of
 * 1–`maxBatch`), as a queue might hand them out.
 */
export function deliveryPlan<T>(events: readonly T[], seed: number, maxBatch = 10): T[][] {
  const random = seededRandom(seed);
  const shuffled = [...events];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j] as T, shuffled[i] as T];
  }
  const batches: T[][] = [];
  for (let start = 0; start < shuffled.length; ) {
    const size = 1 + Math.floor(random() * maxBatch);
    batches.push(shuffled.slice(start, start + size));
    start += size;
  }
  return batches;
}

/** Each order's greatest event under core's total order, sorted by id: what every delivery must end at. */
export function expectedFinalTable(events: readonly Order[]): Order[] {
  const byId = new Map<string, TimedOrder[]>();
  for (const event of events) byId.set(event.orderId, [...(byId.get(event.orderId) ?? []), timed(event)]);
  return [...byId.keys()]
    .sort(compareCodePoints)
    .map((orderId) => (greatestEvent(byId.get(orderId) ?? []) as TimedOrder).order);
}
