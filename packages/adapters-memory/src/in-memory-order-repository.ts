import {
  compareCodePoints,
  decideSave,
  isTraceId,
  legacyOrderState,
  pickOrderFields,
  type Order,
  type OrderRepository,
  type SaveOptions,
  type SaveResult,
  type StoredOrderState,
  type TimedOrder,
} from '@orders/core';

/**
 * OrderRepository in a Map, under exactly the rule the DynamoDB adapter applies on the server:
 * core's `decideSave`. JavaScript runs each `save` to completion before the next, so the
 * compare-and-set below is atomic, like DynamoDB's conditional put.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { InMemoryOrderRepository } from '@orders/adapters-memory';
 * import { parseRfc3339Instant } from '@orders/core';
 *
 * const repository = new InMemoryOrderRepository();
 * const event = (status: 'new' | 'paid', timestamp: string) => {
 *   const parsed = parseRfc3339Instant(timestamp);
 *   if (!parsed.ok) throw new Error(parsed.problem.reason);
 *   return { order: { orderId: 'O1', userId: 'U1', itemName: 'Laptop', quantity: 1, status, timestamp }, instant: parsed.instant };
 * };
 * // The newer event wins whatever the arrival order: the older one, arriving late, is `stale`.
 * assert.equal((await repository.save(event('paid', '2025-05-03T12:05:00Z'))).outcome, 'created');
 * assert.equal((await repository.save(event('new', '2025-05-03T12:00:00Z'))).outcome, 'stale');
 * assert.equal((await repository.findById('O1'))?.status, 'paid');
 * ```
 */
export class InMemoryOrderRepository implements OrderRepository {
  private readonly orders = new Map<string, StoredOrderState>();
  /** Legacy items' raw fields, as a pre-rule writer left them: what `findById` returns for them. */
  private readonly legacyItems = new Map<string, Order>();
  /** The trace id of the save that wrote each order, as the DynamoDB item's `traceId` keeps it. */
  private readonly traceIds = new Map<string, string>();

  async save(event: TimedOrder, options?: SaveOptions): Promise<SaveResult> {
    return this.saveNow(event, options?.traceId);
  }

  /**
   * The synchronous core of `save`, for simulations that count millions of writes. The trace id is
   * kept beside the order when the event is written, and never compared: like DynamoDB's item.
   */
  saveNow(event: TimedOrder, traceId?: string): SaveResult {
    const { order, instant } = event;
    const decision = decideSave(this.orders.get(order.orderId), event);
    if (decision.write) {
      // A copy of the order's fields: an event object may carry more, and callers may mutate theirs.
      this.orders.set(order.orderId, { kind: 'current', event: { order: pickOrderFields(order), instant } });
      this.legacyItems.delete(order.orderId);
      // Only a W3C trace id, as the DynamoDB adapter keeps.
      if (isTraceId(traceId)) this.traceIds.set(order.orderId, traceId);
      else this.traceIds.delete(order.orderId);
    }
    return decision.result;
  }

  /** The trace id of the save that last wrote this order, if it was given one (`SaveOptions.traceId`). */
  storedTraceId(orderId: string): string | undefined {
    return this.traceIds.get(orderId);
  }

  /**
   * Holds an item as a writer from before the ordering rule left it: the raw fields, no instant of
   * its own (the original write-up's handler put the order as the producer sent it). For tests and
   * migrations that must show how such items are treated.
   */
  putLegacy(fields: Readonly<Record<string, unknown>> & { readonly orderId: string }): void {
    this.orders.set(fields.orderId, legacyOrderState({ ...fields }));
    this.legacyItems.set(fields.orderId, { ...fields } as unknown as Order);
    this.traceIds.delete(fields.orderId);
  }

  async findById(orderId: string): Promise<Order | undefined> {
    return this.storedOrder(orderId);
  }

  /** Every stored order, sorted by id (code point order, as DynamoDB sorts): for summaries and assertions. */
  all(): Order[] {
    return [...this.orders.keys()]
      .map((orderId) => this.storedOrder(orderId))
      .filter((order): order is Order => order !== undefined)
      .sort((a, b) => compareCodePoints(a.orderId, b.orderId));
  }

  get size(): number {
    return this.orders.size;
  }

  clear(): void {
    this.orders.clear();
    this.legacyItems.clear();
    this.traceIds.clear();
  }

  private storedOrder(orderId: string): Order | undefined {
    const state = this.orders.get(orderId);
    if (state === undefined) return undefined;
    return state.kind === 'current' ? state.event.order : this.legacyItems.get(orderId);
  }
}
