import { type AttributeValue, type DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  type AbortSignalLike,
  type Clock,
  decideSave,
  instantToDecimalSeconds,
  type Order,
  type OrderRepository,
  RepositoryUnavailableError,
  type SaveOptions,
  type SaveResult,
  systemClock,
  type TimedOrder,
} from '@orders/core';
import { type AwsClientOptions, createDynamoDbClient } from './aws-client-config';
import { toInfrastructureError } from './aws-error-translation';
import { reportThrottledAttempts } from './throttled-attempts';
import {
  fromOrderItem,
  INSTANT_ATTRIBUTE,
  ORDER_ATTRIBUTES,
  type OrderItem,
  type StoredOrderRecord,
  storedOrderRecord,
  storedOrderState,
  TRACE_ID_ATTRIBUTE,
  UPDATED_AT_ATTRIBUTE,
  toOrderItem,
} from './dynamodb-order-item';
import { startPutItemSpan } from './dynamodb-write-span';
import {
  legacyUnchangedCondition,
  storedComesBeforeCondition,
  type WriteCondition,
} from './dynamodb-ordering-condition';

export const DEFAULT_TABLE_NAME = 'Orders';

export interface DynamoDbOrderRepositoryOptions {
  /** An SDK client to use (shared, instrumented, or a test double); built from the environment otherwise. */
  readonly client?: DynamoDBClient;
  readonly clientOptions?: AwsClientOptions;
  /** Defaults to `Orders`, the seed's table. */
  readonly tableName?: string;
  /** Stamps `updatedAt`. */
  readonly clock?: Clock;
}

/**
 * A save takes one round on the normal path. A second happens when a legacy item (written before
 * the rule) is brought under it, or when an emulator ignores ReturnValuesOnConditionCheckFailure
 * and a concurrent writer changes the item between our put and our read; three settle any real race.
 */
const MAX_SAVE_ROUNDS = 3;

/** `status` and `timestamp` are DynamoDB reserved words: every read names attributes by placeholder. */
const PROJECTION_NAMES: Record<string, string> = Object.fromEntries(
  [...ORDER_ATTRIBUTES, INSTANT_ATTRIBUTE, UPDATED_AT_ATTRIBUTE, TRACE_ID_ATTRIBUTE].map((name, i) => [`#a${i}`, name]),
);
const PROJECTION = Object.keys(PROJECTION_NAMES).join(', ');

type PutResult =
  | { readonly conditionFailed: false; readonly replacedItem: OrderItem | undefined }
  | { readonly conditionFailed: true; readonly storedItem: OrderItem | undefined };

/**
 * OrderRepository on DynamoDB, under core's total order (`compareOrderEvents`). Each save is ONE
 * conditional PutItem whose condition is "the stored item comes before this event", so the rule is
 * decided atomically by DynamoDB, with no read-then-write race between concurrent events:
 * - success: the replaced item (ReturnValues ALL_OLD) tells `created` from `updated` (or a tie won);
 * - ConditionalCheckFailed: the stored item, returned by the failure itself
 *   (ReturnValuesOnConditionCheckFailure ALL_OLD), tells `duplicate`, `conflict` or `stale` — through
 *   core's `decideSave`, the very function the in-memory repository runs.
 * An item from before the rule (no `instant`) never satisfies the condition; it is classified by its
 * own timestamp, and when the event wins it is replaced by a second put conditioned on it being
 * unchanged since it was read.
 *
 * The item keeps the trace id the save was given (`SaveOptions.traceId`, attribute `traceId`),
 * which the condition never reads: the same event under another trace is still a duplicate, and a
 * refused write leaves the stored trace id as it was. Inside a recorded span (the record's process
 * span), each PutItem is a child span `PutItem <table>`.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { DynamoDbOrderRepository, provisionResources, suffixedResourceNames } from '@orders/adapters-aws';
 * import { ProcessOrderBatch } from '@orders/core';
 *
 * // Against AWS_ENDPOINT_URL (moto or LocalStack): Orders-example and its queues, created if missing.
 * const { names } = await provisionResources({ names: suffixedResourceNames('example') });
 * const repository = new DynamoDbOrderRepository({ tableName: names.tableName });
 * const order = { orderId: 'O1', userId: 'U1', itemName: 'Laptop', quantity: 1, status: 'new', timestamp: '2025-05-03T12:00:00Z' };
 * const body = JSON.stringify(order);
 * const { outcomes } = await new ProcessOrderBatch({ repository }).execute([
 *   { messageId: 'm-1', body },
 *   { messageId: 'm-2', body }, // a redelivery: one conditional write each, the second one a duplicate
 * ]);
 * assert.deepEqual(outcomes.map((o) => o.status).sort(), ['created', 'duplicate']);
 * assert.deepEqual(await repository.findById('O1'), order);
 * ```
 */
export class DynamoDbOrderRepository implements OrderRepository {
  readonly tableName: string;
  private readonly client: DynamoDBClient;
  private readonly clock: Clock;

  constructor(options: DynamoDbOrderRepositoryOptions = {}) {
    this.client = options.client ?? createDynamoDbClient(options.clientOptions);
    this.tableName = options.tableName ?? DEFAULT_TABLE_NAME;
    this.clock = options.clock ?? systemClock;
  }

  async save(event: TimedOrder, options: SaveOptions = {}): Promise<SaveResult> {
    const instantText = instantToDecimalSeconds(event.instant);
    const { signal } = options;
    for (let round = 1; ; round++) {
      const put = await this.conditionalPut(
        event,
        instantText,
        storedComesBeforeCondition(event, instantText),
        options,
      );
      if (!put.conditionFailed) return this.resultOfWrite(put.replacedItem, event);
      // The condition failed: an item that does not come before this event existed at that moment.
      const stored = put.storedItem ?? (await this.readForClassification(event.order.orderId, signal));
      if (stored !== undefined) {
        const state = this.classify(stored);
        const decision = decideSave(state, event);
        if (!decision.write) return decision.result;
        if (state.kind === 'legacy') {
          const legacyPut = await this.conditionalPut(event, instantText, legacyUnchangedCondition(stored), options);
          if (!legacyPut.conditionFailed) return decision.result;
        }
        // Otherwise the item changed between the put and the read (fallback path only): go again.
      }
      if (round >= MAX_SAVE_ROUNDS) {
        throw new RepositoryUnavailableError(
          `The order "${event.order.orderId}" kept changing while it was being saved; try again.`,
          { retryable: true },
        );
      }
    }
  }

  /** The stored item as an operator sees it (`orders get`): the order, its instant, when it was stored. */
  async findStored(orderId: string): Promise<StoredOrderRecord | undefined> {
    const item = await this.consistentGet(orderId);
    return item === undefined ? undefined : storedOrderRecord(item);
  }

  async findById(orderId: string): Promise<Order | undefined> {
    const item = await this.consistentGet(orderId);
    try {
      return item === undefined ? undefined : fromOrderItem(item);
    } catch (error) {
      // A stored item we cannot read back is the store failing us, like a failed GetItem.
      throw this.unavailable(error, 'GetItem');
    }
  }

  /**
   * The item a successful put replaced, or the stored item a failed condition returned (if any).
   * Each attempt DynamoDB throttles is told to `onThrottledAttempt`, the ones the SDK retried past too.
   */
  private async conditionalPut(
    event: TimedOrder,
    instantText: string,
    condition: WriteCondition,
    { signal, onThrottledAttempt, traceId }: SaveOptions,
  ): Promise<PutResult> {
    const command = new PutItemCommand({
      TableName: this.tableName,
      Item: toOrderItem(event.order, instantText, new Date(this.clock.now()), traceId),
      ConditionExpression: condition.expression,
      ExpressionAttributeNames: condition.names,
      ...(Object.keys(condition.values).length === 0 ? {} : { ExpressionAttributeValues: condition.values }),
      // On success: the replaced item, if any, tells `updated` (or a won tie) from `created`.
      ReturnValues: 'ALL_OLD',
      // On failure: the item that won, so the outcome needs no second read.
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    const span = startPutItemSpan(this.tableName);
    if (onThrottledAttempt !== undefined || span.recording) {
      reportThrottledAttempts(command, () => {
        span.throttledAttempt();
        onThrottledAttempt?.();
      });
    }
    try {
      const result = await this.client.send(command, sendOptions(signal));
      span.end({ result: 'written' });
      const replaced = result.Attributes !== undefined && Object.keys(result.Attributes).length > 0;
      return { conditionFailed: false, replacedItem: replaced ? result.Attributes : undefined };
    } catch (error) {
      if (!isConditionalCheckFailure(error)) {
        const unavailable = this.unavailable(error, 'PutItem');
        span.end({ result: 'failed', code: unavailable.code });
        throw unavailable;
      }
      span.end({ result: 'condition_failed' });
      return { conditionFailed: true, storedItem: returnedItem(error) };
    }
  }

  /** What a successful write did, by core's rule applied to the item it replaced. */
  private resultOfWrite(replaced: OrderItem | undefined, event: TimedOrder): SaveResult {
    if (replaced === undefined) return { outcome: 'created' };
    try {
      return decideSave(storedOrderState(replaced), event).result;
    } catch {
      // The write stands; a replaced item we cannot read back only costs the finer label.
      return { outcome: 'updated' };
    }
  }

  private classify(stored: OrderItem): ReturnType<typeof storedOrderState> {
    try {
      return storedOrderState(stored);
    } catch (error) {
      // A stored item that cannot be ordered against: no decision could be trusted.
      throw this.unavailable(error, 'PutItem');
    }
  }

  /**
   * Fallback for endpoints that fail the condition without returning the item (older emulators,
   * or an SDK/endpoint that drops the field). DynamoDB itself always returns it, so on AWS this
   * read never happens. Consistent, so it sees the write that beat ours.
   */
  private readForClassification(orderId: string, signal: AbortSignalLike | undefined): Promise<OrderItem | undefined> {
    return this.consistentGet(orderId, signal);
  }

  /**
   * One strongly consistent GetItem: read-your-writes, so a save just acknowledged (ours, or the
   * one that beat ours) is what the read sees.
   */
  private async consistentGet(orderId: string, signal?: AbortSignalLike): Promise<OrderItem | undefined> {
    try {
      const result = await this.client.send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: { orderId: { S: orderId } },
          ConsistentRead: true,
          ProjectionExpression: PROJECTION,
          ExpressionAttributeNames: PROJECTION_NAMES,
        }),
        sendOptions(signal),
      );
      return result.Item;
    } catch (error) {
      throw this.unavailable(error, 'GetItem');
    }
  }

  private unavailable(error: unknown, operation: string): RepositoryUnavailableError {
    if (error instanceof RepositoryUnavailableError) return error;
    const translated = toInfrastructureError(error, {
      service: 'DynamoDB',
      operation,
      resource: { type: 'DynamoDB table', name: this.tableName },
    });
    // The port promises a RepositoryUnavailableError; it carries the specific code (throttled,
    // timeout, table_not_found, access_denied…) and class, and the translated error as its cause.
    return new RepositoryUnavailableError(translated.message, {
      cause: translated,
      code: translated.code === 'resource_missing' ? 'table_not_found' : translated.code,
      retryable: translated.retryable,
      failureClass: translated.failureClass,
    });
  }
}

/**
 * The SDK takes an AbortSignal per call; core hands over its structural AbortSignalLike, which is
 * what the SDK's handler uses of it (`aborted`, `addEventListener`).
 */
function sendOptions(signal: AbortSignalLike | undefined): { abortSignal?: AbortSignal } {
  return signal === undefined ? {} : { abortSignal: signal as AbortSignal };
}

/** By name, not `instanceof`: an injected client may come from another copy of the SDK. */
function isConditionalCheckFailure(error: unknown): error is { name: string; Item?: unknown } {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { name?: unknown }).name === 'ConditionalCheckFailedException'
  );
}

function returnedItem(error: { Item?: unknown }): OrderItem | undefined {
  const item = error.Item;
  if (typeof item !== 'object' || item === null || Object.keys(item).length === 0) return undefined;
  return item as Record<string, AttributeValue>;
}
