import { ORDER_STATUSES, type Order, type OrderStatus } from '@orders/core';
import { seededRandom } from './seeded-random';

/** The seed write-up's dummy test order. */
export const SEED_DUMMY_ORDER: Order = {
  orderId: 'O1234',
  userId: 'U123',
  itemName: 'Laptop',
  quantity: 1,
  status: 'new',
  timestamp: '2025-05-03T12:00:00Z',
};

const ITEMS = [
  'Laptop',
  'Phone',
  'Desk lamp',
  'Café au lait mug',
  'Headphones',
  'Keyboard',
  '4K monitor',
  'Notebook ✍️',
];

export interface OrderGenerator {
  /** The next order: a fresh orderId, its first event. */
  next(): Order;
}

/** Deterministic valid orders: `O-<seed>-000001`, … with varied users, items and quantities. *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { validateOrder } from '@orders/core';
 * import { createOrderGenerator, nextEvent } from '@orders/simulation';
 *
 * const orders = createOrderGenerator(7);
 * const first = orders.next();
 * assert.deepEqual(createOrderGenerator(7).next(), first); // the same seed, the same orders
 * assert.equal(first.orderId, 'O-7-000001');
 * const later = nextEvent(first, 60); // its next status, a minute later
 * assert.equal(later.status, 'paid');
 * assert.ok(validateOrder(later).ok);
 * ```
 */
export function createOrderGenerator(seed = 1, baseTime = Date.UTC(2025, 4, 3, 12)): OrderGenerator {
  const random = seededRandom(seed);
  let counter = 0;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  return {
    next(): Order {
      counter++;
      return {
        orderId: `O-${seed}-${String(counter).padStart(6, '0')}`,
        userId: `U${1 + Math.floor(random() * 9999)}`,
        itemName: pick(ITEMS),
        quantity: 1 + Math.floor(random() * 5),
        status: 'new',
        timestamp: new Date(baseTime + counter * 1000).toISOString(),
      };
    },
  };
}

/** The next event in an order's life: a later status, `secondsLater` after the given one. */
export function nextEvent(order: Order, secondsLater = 60): Order {
  const index = ORDER_STATUSES.indexOf(order.status);
  const status: OrderStatus = ORDER_STATUSES[Math.min(index + 1, ORDER_STATUSES.length - 2)] ?? 'paid';
  return { ...order, status, timestamp: new Date(Date.parse(order.timestamp) + secondsLater * 1000).toISOString() };
}
