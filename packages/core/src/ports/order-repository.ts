import type { Order, TimedOrder } from '../domain/order';
import type { SaveResult } from '../domain/save-decision';
import type { AbortSignalLike } from './abort-signal';

export type { SaveOutcome, SaveResult } from '../domain/save-decision';

/**
 * Stores orders under the total order of `compareOrderEvents`: the greater event wins, so every
 * delivery order of the same events ends at the same stored item, byte for byte. An item written
 * before this rule (no stored instant, e.g. by the original write-up's handler) is ordered by its
 * own timestamp and loses ties. Implementations must decide atomically (no read-then-write race
 * between concurrent events for one order) and throw an {@link InfrastructureError} when the store
 * cannot answer.
 */
export interface SaveOptions {
  /** Cancels the save (e.g. at the invocation deadline); the save then throws an InfrastructureError. */
  readonly signal?: AbortSignalLike;
  /**
   * Told of each attempt of this save the store throttled, whether or not a retry of its own (the
   * SDK's) then succeeded: pressure the caller answers by writing less at once. A repository that
   * cannot see its attempts need not call it; a save that fails as throttled says so by its error.
   */
  readonly onThrottledAttempt?: () => void;
  /**
   * The trace of the record being saved (32 lowercase hex), kept beside the order when this save
   * writes it, so an operator goes from a row to the invocation that wrote it. Not part of the
   * event: the ordering rule never reads it, so the same event under another trace is still a
   * `duplicate` (and a save that writes nothing leaves the stored trace id as it was).
   */
  readonly traceId?: string;
}

export interface OrderRepository {
  save(event: TimedOrder, options?: SaveOptions): Promise<SaveResult>;
  findById(orderId: string): Promise<Order | undefined>;
}

export const ORDER_REPOSITORY: unique symbol = Symbol.for('orders.OrderRepository');
