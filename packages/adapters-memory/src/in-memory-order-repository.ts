import {
  compareInstants,
  type Instant,
  type Order,
  type OrderRepository,
  type SaveOutcome,
  type TimedOrder,
} from '@orders/core';

interface StoredOrder {
  readonly order: Order;
  readonly instant: Instant;
}

/**
 * OrderRepository in a Map. JavaScript runs each `save` to completion before the next, so the
 * compare-and-set below is atomic, like DynamoDB's conditional put.
 */
export class InMemoryOrderRepository implements OrderRepository {
  private readonly orders = new Map<string, StoredOrder>();

  async save(event: TimedOrder): Promise<SaveOutcome> {
    return this.saveNow(event);
  }

  /** The synchronous core of `save`, for simulations that count millions of writes. */
  saveNow({ order, instant }: TimedOrder): SaveOutcome {
    const stored = this.orders.get(order.orderId);
    if (stored) {
      const comparison = compareInstants(instant, stored.instant);
      if (comparison === 0) return 'duplicate';
      if (comparison < 0) return 'stale';
    }
    // Copy the six fields: an event object may carry more, and callers may mutate theirs.
    const { orderId, userId, itemName, quantity, status, timestamp } = order;
    this.orders.set(orderId, { order: { orderId, userId, itemName, quantity, status, timestamp }, instant });
    return stored ? 'updated' : 'created';
  }

  async findById(orderId: string): Promise<Order | undefined> {
    return this.orders.get(orderId)?.order;
  }

  /** Every stored order, sorted by id: for summaries and assertions. */
  all(): Order[] {
    return [...this.orders.values()]
      .map((s) => s.order)
      .sort((a, b) => (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0));
  }

  get size(): number {
    return this.orders.size;
  }

  clear(): void {
    this.orders.clear();
  }
}
