import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  type Instant,
  instantFromDecimalSeconds,
  isTraceId,
  ORDER_FIELDS,
  ORDER_STATUSES,
  type Order,
  type OrderStatus,
  legacyOrderState,
  type StoredOrderState,
} from '@orders/core';
import { MalformedStoredItemError } from './errors';

/**
 * The stored shape of an order. The seed's six attributes keep their names and types
 * (`quantity` a number, `timestamp` the RFC 3339 text as published), so anything that read
 * the seed's table still reads ours. Attributes are added:
 * - `instant` (N): the timestamp as exact decimal seconds, what the conditional write compares
 *   numerically (string comparison would get zones and fractions wrong);
 * - `updatedAt` (S): when this adapter last wrote the item, for operators;
 * - `traceId` (S, when known): the trace of the record whose save wrote the item (32 lowercase hex),
 *   so an operator goes from the row to that invocation's trace and log lines. Not part of the
 *   event: the ordering condition never reads it.
 *
 * Marshalled by hand with the low-level AttributeValue types rather than lib-dynamodb: six
 * attributes do not need a marshaller, and writing `instant` as an N string from
 * `instantToDecimalSeconds` cannot lose a digit the way a JavaScript number could.
 */
export type OrderItem = Record<string, AttributeValue>;

/** The stored attributes that are the order itself: core's order fields, under the same names. */
export const ORDER_ATTRIBUTES = ORDER_FIELDS;
export const INSTANT_ATTRIBUTE = 'instant';
export const UPDATED_AT_ATTRIBUTE = 'updatedAt';
export const TRACE_ID_ATTRIBUTE = 'traceId';

export function toOrderItem(
  order: Order,
  instantDecimalSeconds: string,
  updatedAt: Date,
  traceId?: string | undefined,
): OrderItem {
  // Field by field: an event object may carry more than the six fields, and none of it is stored.
  const item: OrderItem = {
    orderId: { S: order.orderId },
    userId: { S: order.userId },
    itemName: { S: order.itemName },
    quantity: { N: String(order.quantity) },
    status: { S: order.status },
    timestamp: { S: order.timestamp },
    [INSTANT_ATTRIBUTE]: { N: instantDecimalSeconds },
    [UPDATED_AT_ATTRIBUTE]: { S: updatedAt.toISOString() },
  };
  // Only a W3C trace id: anything else a caller hands a save is not stored.
  if (isTraceId(traceId)) item[TRACE_ID_ATTRIBUTE] = { S: traceId };
  return item;
}

const STATUSES: ReadonlySet<string> = new Set(ORDER_STATUSES);

function stringAttribute(item: OrderItem, name: string, orderId: string): string {
  const value = item[name]?.S;
  if (value === undefined)
    throw new MalformedStoredItemError(`The stored order "${orderId}" has no string attribute "${name}".`);
  return value;
}

/** The six Order fields of a stored item, checked: a corrupt item is an error, not a bad Order. */
export function fromOrderItem(item: OrderItem): Order {
  const orderId = item['orderId']?.S ?? '(unknown)';
  const quantityText = item['quantity']?.N;
  const quantity = quantityText === undefined ? Number.NaN : Number(quantityText);
  if (!Number.isSafeInteger(quantity)) {
    throw new MalformedStoredItemError(`The stored order "${orderId}" has no whole-number attribute "quantity".`);
  }
  const status = stringAttribute(item, 'status', orderId);
  if (!STATUSES.has(status)) throw new MalformedStoredItemError(`The stored order "${orderId}" has an unknown status.`);
  return {
    orderId: stringAttribute(item, 'orderId', orderId),
    userId: stringAttribute(item, 'userId', orderId),
    itemName: stringAttribute(item, 'itemName', orderId),
    quantity,
    status: status as OrderStatus,
    timestamp: stringAttribute(item, 'timestamp', orderId),
  };
}

/**
 * The instant a stored item was written with; `undefined` when it has none (an item written
 * before this adapter, e.g. by the seed's handler). Throws when the attribute exists but is not
 * a decimal number of seconds, because then no ordering decision can be trusted.
 */
export function storedInstant(item: OrderItem): Instant | undefined {
  const attribute = item[INSTANT_ATTRIBUTE];
  if (attribute === undefined) return undefined;
  const orderId = item['orderId']?.S ?? '(unknown)';
  if (attribute.N === undefined) {
    throw new MalformedStoredItemError(
      `The stored order "${orderId}" has a non-numeric "${INSTANT_ATTRIBUTE}" attribute.`,
    );
  }
  try {
    return instantFromDecimalSeconds(attribute.N);
  } catch {
    throw new MalformedStoredItemError(
      `The stored order "${orderId}" has an unreadable "${INSTANT_ATTRIBUTE}" attribute.`,
    );
  }
}

/**
 * What the ordering rule needs to know about a stored item. An item with `instant` was written
 * under the rule, and must read back as an order (a corrupt one is an error: no decision could be
 * trusted). One without it was written before the rule, by a writer that put the raw order (the
 * original write-up's handler): core's `legacyOrderState` orders it by its own timestamp.
 */
export function storedOrderState(item: OrderItem): StoredOrderState {
  const instant = storedInstant(item);
  if (instant !== undefined) return { kind: 'current', event: { order: fromOrderItem(item), instant } };
  return legacyOrderState(plainAttributes(item));
}

/** Strings and numbers as themselves, anything else as a marker no rule accepts (legacy items only). */
function plainAttributes(item: OrderItem): Record<string, unknown> {
  return Object.fromEntries(
    ORDER_ATTRIBUTES.filter((name) => item[name] !== undefined).map((name) => {
      const value = item[name] as AttributeValue;
      return [name, value.S ?? (value.N === undefined ? { unsupported: true } : Number(value.N))];
    }),
  );
}

/** A stored item as an operator wants to see it: the order, and what the ordering rule keeps beside it. */
export interface StoredOrderRecord {
  readonly orderId: string;
  /** The order, when the item reads as one (an item from before the rule may not). */
  readonly order: Order | undefined;
  /** The instant the rule compares, as stored (exact decimal seconds); absent on an item from before the rule. */
  readonly instant: string | undefined;
  /** When this adapter last wrote the item (`updatedAt`); absent on an item from before the rule. */
  readonly storedAt: string | undefined;
  /** The trace of the record whose save wrote the item (`traceId`); absent when none was known. */
  readonly traceId: string | undefined;
}

export function storedOrderRecord(item: OrderItem): StoredOrderRecord {
  let order: Order | undefined;
  try {
    order = fromOrderItem(item);
  } catch {
    order = undefined;
  }
  return {
    orderId: item['orderId']?.S ?? '(unknown)',
    order,
    instant: item[INSTANT_ATTRIBUTE]?.N,
    storedAt: item[UPDATED_AT_ATTRIBUTE]?.S,
    traceId: item[TRACE_ID_ATTRIBUTE]?.S,
  };
}
