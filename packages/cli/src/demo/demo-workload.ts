import {
  greatestEvent,
  ORDER_STATUSES,
  type Order,
  type OutboundOrderMessage,
  parseRfc3339Instant,
  serializeOrder,
  type TimedOrder,
} from '@orders/core';
import { SEED_DUMMY_ORDER, createOrderGenerator, nextEvent, seededRandom } from '@orders/simulation';

export interface DemoWorkload {
  readonly messages: readonly OutboundOrderMessage[];
  /** What each order must look like once everything is processed: its greatest event under the ordering rule. */
  readonly expectedOrders: ReadonlyMap<string, Order>;
  /** How many published messages can never become an order. */
  readonly poisonCount: number;
}

/** Messages no consumer can turn into an order: each must end in the DLQ with its reason. */
export const POISON_BODIES: readonly { readonly label: string; readonly body: string }[] = [
  { label: 'not JSON', body: 'this is not an order' },
  { label: 'quantity as a string', body: serializeOrder(SEED_DUMMY_ORDER).replace('"quantity":1', '"quantity":"1"') },
  {
    label: 'timestamp without a zone',
    body: JSON.stringify({ ...SEED_DUMMY_ORDER, orderId: 'O-BAD-ZONE', timestamp: '2025-05-03T12:00:00' }),
  },
  {
    label: 'impossible date',
    body: JSON.stringify({ ...SEED_DUMMY_ORDER, orderId: 'O-BAD-DATE', timestamp: '2025-13-45T00:00:00Z' }),
  },
  { label: 'unknown status', body: JSON.stringify({ ...SEED_DUMMY_ORDER, orderId: 'O-BAD-STATUS', status: 'lost' }) },
  { label: 'everything wrong', body: JSON.stringify({ orderId: '', userId: 42, quantity: 0 }) },
];

const message = (order: Order): OutboundOrderMessage => ({
  body: serializeOrder(order),
  orderId: order.orderId,
  status: order.status,
});

/**
 * The demo's traffic: the seed's dummy order O1234, generated orders that each move through a few
 * statuses, some events published twice (duplicates) or out of order (stale), some producers
 * stamping two different events with one instant (a tie the ordering rule decides: a conflict for
 * the loser), and poison messages. Deterministic for a seed.
 */
export function buildDemoWorkload(orderCount: number, seed = 7): DemoWorkload {
  const random = seededRandom(seed);
  const generator = createOrderGenerator(seed);
  // The seed's test event, sent twice as a producer retrying would: the second is a duplicate.
  const messages: OutboundOrderMessage[] = [message(SEED_DUMMY_ORDER), message(SEED_DUMMY_ORDER)];
  const expectedOrders = new Map<string, Order>([[SEED_DUMMY_ORDER.orderId, SEED_DUMMY_ORDER]]);

  for (let i = 0; i < orderCount; i++) {
    const events: Order[] = [generator.next()];
    const lifecycleLength = 1 + Math.floor(random() * 3);
    for (let step = 0; step < lifecycleLength; step++) events.push(nextEvent(events[events.length - 1] as Order));
    const published = [...events];
    // Out of order: the newest event overtakes the one before it, which then arrives stale.
    if (published.length > 1 && random() < 0.3) {
      const last = published.length - 1;
      [published[last - 1], published[last]] = [published[last] as Order, published[last - 1] as Order];
    }
    // A duplicate: SNS and SQS are at-least-once, so the same event can arrive twice.
    if (random() < 0.3) published.push(published[Math.floor(random() * published.length)] as Order);
    // A tie: the newest step stamped again with the status before it (the first order always has one).
    if (i === 0 || random() < 0.15) {
      const newest = events[events.length - 1] as Order;
      const earlierStatus = ORDER_STATUSES[Math.max(0, ORDER_STATUSES.indexOf(newest.status) - 1)] ?? 'new';
      published.push({ ...newest, status: earlierStatus });
    }
    messages.push(...published.map(message));
    expectedOrders.set(events[0]!.orderId, (greatestEvent(published.map(timed)) as TimedOrder).order);
  }
  messages.push(...POISON_BODIES.map(({ body }) => ({ body })));
  return { messages, expectedOrders, poisonCount: POISON_BODIES.length };
}

function timed(order: Order): TimedOrder {
  const parsed = parseRfc3339Instant(order.timestamp);
  if (!parsed.ok) throw new Error(`demo bug: generated timestamp ${order.timestamp} does not parse`);
  return { order, instant: parsed.instant };
}
