import type { Order, TimedOrder } from '../domain/order';

/**
 * What saving an order event did:
 * - `created`   no order with that id was stored; this one now is
 * - `updated`   the stored order had an older instant; this one replaced it
 * - `duplicate` the stored order has the same instant; nothing changed (a redelivery)
 * - `stale`     the stored order is newer; nothing changed (an event that arrived late)
 */
export type SaveOutcome = 'created' | 'updated' | 'duplicate' | 'stale';

/**
 * Stores orders under the ordering rule: a newer timestamp instant wins, the same instant is a
 * duplicate, an older one is stale. Implementations must decide atomically (no read-then-write
 * race between concurrent events for one order) and throw an {@link InfrastructureError} when the
 * store cannot answer.
 */
export interface OrderRepository {
  save(event: TimedOrder): Promise<SaveOutcome>;
  findById(orderId: string): Promise<Order | undefined>;
}

export const ORDER_REPOSITORY: unique symbol = Symbol.for('orders.OrderRepository');
