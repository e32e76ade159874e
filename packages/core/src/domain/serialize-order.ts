import type { Order } from './order';

/** The order as JSON with exactly the seed's fields, in the seed's order: what we publish. */
export function serializeOrder(order: Order): string {
  const { orderId, userId, itemName, quantity, status, timestamp } = order;
  return JSON.stringify({ orderId, userId, itemName, quantity, status, timestamp });
}
