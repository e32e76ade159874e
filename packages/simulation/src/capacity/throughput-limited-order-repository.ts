import {
  type Order,
  type OrderRepository,
  RepositoryUnavailableError,
  type SaveOptions,
  type SaveResult,
  serializeOrder,
  type TimedOrder,
} from '@orders/core';
import { DYNAMODB_WRITE_UNIT_BYTES, SDK_MAX_RETRY_DELAY_MS, SDK_THROTTLING_RETRY_BASE_MS } from './aws-limits';
import type { TableWriteThroughput } from './dynamodb-partitions';

export interface ThroughputLimitOptions {
  readonly table: TableWriteThroughput;
  /** When a save starts, in simulated ms: read once, as each save starts (its attempts follow from it). */
  readonly now: () => number;
  /**
   * The simulation's present (default: the save's start): no later save starts before it. The
   * partitions hold a save's later attempts (the SDK's retries) ahead of it, so they earn no refill
   * for the writes that come before them.
   */
  readonly present?: () => number;
  /** One PutItem round trip, ms. */
  readonly putRoundTripMs: number;
  /** Attempts the SDK makes before the error reaches the adapter (the adapter's maxAttempts, 4). */
  readonly maxAttempts?: number;
  /** Told each save's simulated latency (round trips plus the SDK's backoff), so the engine can time the invocation. */
  readonly onSave?: (latencyMs: number) => void;
}

/** Write units a put of this order costs: 1 per started KB of the item (attributes included, roughly). */
export function writeUnitsOf(order: Order): number {
  // The item holds the order's fields plus the instant and storedAt attributes (~60 bytes).
  return Math.max(1, Math.ceil((serializeOrder(order).length + 60) / DYNAMODB_WRITE_UNIT_BYTES));
}

/** The mean of the SDK's jittered throttling backoff before attempt `attempt + 1`. */
function meanBackoffMs(attempt: number): number {
  return Math.min(SDK_MAX_RETRY_DELAY_MS, SDK_THROTTLING_RETRY_BASE_MS * 2 ** (attempt - 1)) / 2;
}

/**
 * An OrderRepository decorator that puts DynamoDB's write throughput in front of the store: each
 * save is one conditional PutItem whose write units its partition must have at that simulated
 * moment; a throttled attempt is retried by "the SDK" after its backoff, and when every attempt was
 * throttled the adapter's error reaches the use case: a RepositoryUnavailableError with code
 * `throttled`, transient — exactly what DynamoDbOrderRepository raises for
 * ProvisionedThroughputExceededException/ThrottlingException after the SDK's retries. Each
 * throttled attempt, whether a retry then gets through or not, is told to the caller
 * (`SaveOptions.onThrottledAttempt`), as the AWS adapter tells it from inside the SDK's retries.
 */
export class ThroughputLimitedOrderRepository implements OrderRepository {
  private readonly maxAttempts: number;
  /** Saves that failed with `throttled` after every attempt. */
  exhausted = 0;

  constructor(
    private readonly inner: OrderRepository,
    private readonly options: ThroughputLimitOptions,
  ) {
    this.maxAttempts = options.maxAttempts ?? 4;
    if (!Number.isInteger(this.maxAttempts) || this.maxAttempts < 1)
      throw new RangeError(`maxAttempts must be a positive integer, got ${this.maxAttempts}`);
  }

  async save(event: TimedOrder, options?: SaveOptions): Promise<SaveResult> {
    const { table, putRoundTripMs } = this.options;
    const units = writeUnitsOf(event.order);
    const startedAt = this.options.now();
    const present = this.options.present?.() ?? startedAt;
    let elapsed = 0;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const accepted = table.tryWrite(event.order.orderId, units, startedAt + elapsed, present);
      elapsed += putRoundTripMs;
      if (accepted) {
        this.options.onSave?.(elapsed);
        return this.inner.save(event, options);
      }
      options?.onThrottledAttempt?.();
      if (attempt < this.maxAttempts) elapsed += meanBackoffMs(attempt);
    }
    this.exhausted++;
    this.options.onSave?.(elapsed);
    throw new RepositoryUnavailableError(
      'DynamoDB PutItem failed: still throttled after retries (ProvisionedThroughputExceededException).',
      { code: 'throttled', retryable: true },
    );
  }

  findById(orderId: string): Promise<Order | undefined> {
    return this.inner.findById(orderId);
  }
}
