import { decideSave, type Order, type OrderRepository, type SaveResult, type TimedOrder } from '../../src';

export interface FakeRepositoryOptions {
  /** Throw this (an Error or any value) from `save` for these order ids. */
  readonly failures?: ReadonlyMap<string, unknown>;
  /** Milliseconds each save waits before answering (0: a macrotask turn). */
  readonly delayMs?: number;
}

/**
 * A hand-written OrderRepository for core's tests: core's ordering rule over a Map, plus knobs for
 * failures and latency, and a count of concurrent saves. Core tests never import an adapter.
 */
export class FakeOrderRepository implements OrderRepository {
  readonly stored = new Map<string, TimedOrder>();
  readonly saveCalls: string[] = [];
  inFlight = 0;
  maxInFlight = 0;

  constructor(private readonly options: FakeRepositoryOptions = {}) {}

  async save(event: TimedOrder): Promise<SaveResult> {
    const { orderId } = event.order;
    this.saveCalls.push(orderId);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise((resolve) => setTimeout(resolve, this.options.delayMs ?? 0));
      if (this.options.failures?.has(orderId)) throw this.options.failures.get(orderId);
      const current = this.stored.get(orderId);
      const decision = decideSave(current && { kind: 'current', event: current }, event);
      if (decision.write) this.stored.set(orderId, event);
      return decision.result;
    } finally {
      this.inFlight--;
    }
  }

  async findById(orderId: string): Promise<Order | undefined> {
    return this.stored.get(orderId)?.order;
  }
}
