import { type Order, pickOrderFields } from './order';

/** The order as JSON with exactly the seed's fields, in the seed's order: what we publish. */
export function serializeOrder(order: Order): string {
  return JSON.stringify(pickOrderFields(order));
}
