import { type DynamoDBClient, GetItemCommand, PutItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  compareInstants,
  instantToDecimalSeconds,
  RepositoryUnavailableError,
  systemClock,
  type Clock,
  type Instant,
  type Order,
  type OrderRepository,
  type SaveOutcome,
  type TimedOrder,
} from '@orders/core';
import { createDynamoDbClient, type AwsClientOptions } from './aws-client-config';
import { toInfrastructureError } from './aws-error-translation';
import {
  fromOrderItem,
  INSTANT_ATTRIBUTE,
  ORDER_ATTRIBUTES,
  storedInstant,
  toOrderItem,
  type OrderItem,
} from './dynamodb-order-item';

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
 * A newer instant wins, and an item without `instant` (written before this adapter existed) is
 * treated as older than any event, so the first event through here brings it under the rule.
 */
const NEWER_WINS_CONDITION = 'attribute_not_exists(#orderId) OR attribute_not_exists(#instant) OR #instant < :instant';

/**
 * Only reachable when an emulator ignores ReturnValuesOnConditionCheckFailure and a concurrent
 * writer changes the item between our put and our read; two rounds settle any real race.
 */
const MAX_SAVE_ROUNDS = 3;

/** `status` and `timestamp` are DynamoDB reserved words: every read names attributes by placeholder. */
const PROJECTION_NAMES: Record<string, string> = Object.fromEntries(
  ORDER_ATTRIBUTES.map((name, i) => [`#a${i}`, name]),
);
const PROJECTION = Object.keys(PROJECTION_NAMES).join(', ');

type PutResult =
  | { readonly conditionFailed: false; readonly outcome: 'created' | 'updated' }
  | { readonly conditionFailed: true; readonly storedItem: OrderItem | undefined };

/**
 * OrderRepository on DynamoDB. Each save is ONE conditional PutItem, so the ordering rule is
 * decided atomically by DynamoDB, with no read-then-write race between concurrent events:
 * - success with no old item → `created`; success with an old item (ReturnValues ALL_OLD) → `updated`;
 * - ConditionalCheckFailed → the stored item, returned by the failure itself
 *   (ReturnValuesOnConditionCheckFailure ALL_OLD), is the same instant (`duplicate`) or newer (`stale`).
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

  async save(event: TimedOrder): Promise<SaveOutcome> {
    const { order, instant } = event;
    for (let round = 1; ; round++) {
      const put = await this.conditionalPut(order, instant);
      if (put.conditionFailed === false) return put.outcome;
      // The condition failed, so an item with an equal or newer instant existed at that moment.
      const stored = put.storedItem ?? (await this.readForClassification(order.orderId));
      let outcome: SaveOutcome | undefined;
      try {
        outcome = classifyAgainstStored(stored, instant);
      } catch (error) {
        throw this.unavailable(error, 'PutItem');
      }
      if (outcome !== undefined) return outcome;
      if (round >= MAX_SAVE_ROUNDS) {
        throw new RepositoryUnavailableError(
          `The order "${order.orderId}" kept changing while it was being saved; try again.`,
          { retryable: true },
        );
      }
    }
  }

  async findById(orderId: string): Promise<Order | undefined> {
    const item = await this.consistentGet(orderId, PROJECTION, PROJECTION_NAMES);
    try {
      return item === undefined ? undefined : fromOrderItem(item);
    } catch (error) {
      // A stored item we cannot read back is the store failing us, like a failed GetItem.
      throw this.unavailable(error, 'GetItem');
    }
  }

  /** The outcome of a successful put, or the stored item a failed condition returned (if any). */
  private async conditionalPut(order: Order, instant: Instant): Promise<PutResult> {
    const instantText = instantToDecimalSeconds(instant);
    try {
      const result = await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: toOrderItem(order, instantText, new Date(this.clock.now())),
          ConditionExpression: NEWER_WINS_CONDITION,
          ExpressionAttributeNames: { '#orderId': 'orderId', '#instant': INSTANT_ATTRIBUTE },
          ExpressionAttributeValues: { ':instant': { N: instantText } },
          // On success: the replaced item, if any, tells `updated` from `created`.
          ReturnValues: 'ALL_OLD',
          // On failure: the item that won, so duplicate vs stale needs no second read.
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      const replaced = result.Attributes !== undefined && Object.keys(result.Attributes).length > 0;
      return { conditionFailed: false, outcome: replaced ? 'updated' : 'created' };
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw this.unavailable(error, 'PutItem');
      return { conditionFailed: true, storedItem: returnedItem(error) };
    }
  }

  /**
   * Fallback for endpoints that fail the condition without returning the item (older emulators,
   * or an SDK/endpoint that drops the field). DynamoDB itself always returns it, so on AWS this
   * read never happens. Consistent, so it sees the write that beat ours.
   */
  private readForClassification(orderId: string): Promise<OrderItem | undefined> {
    return this.consistentGet(orderId, '#orderId, #instant', { '#orderId': 'orderId', '#instant': INSTANT_ATTRIBUTE });
  }

  /**
   * One strongly consistent GetItem: read-your-writes, so a save just acknowledged (ours, or the
   * one that beat ours) is what the read sees.
   */
  private async consistentGet(
    orderId: string,
    projection: string,
    names: Record<string, string>,
  ): Promise<OrderItem | undefined> {
    try {
      const result = await this.client.send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: { orderId: { S: orderId } },
          ConsistentRead: true,
          ProjectionExpression: projection,
          ExpressionAttributeNames: names,
        }),
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
    // The port promises a RepositoryUnavailableError; the specific error (missing table, access
    // denied, unreachable endpoint…) stays reachable as its cause, and decides `retryable`.
    return new RepositoryUnavailableError(translated.message, { cause: translated, retryable: translated.retryable });
  }
}

/**
 * `duplicate` or `stale` when the stored item explains the failed condition; `undefined` when it
 * does not (it vanished, or is older after all — only possible through the GetItem fallback,
 * when another write landed in between), in which case the put is simply tried again.
 */
export function classifyAgainstStored(
  stored: OrderItem | undefined,
  incoming: Instant,
): 'duplicate' | 'stale' | undefined {
  if (stored === undefined) return undefined;
  const existing = storedInstant(stored);
  if (existing === undefined) return undefined;
  const comparison = compareInstants(existing, incoming);
  if (comparison === 0) return 'duplicate';
  return comparison > 0 ? 'stale' : undefined;
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
