import type { Instant } from './instant';

export const ORDER_STATUSES = ['new', 'paid', 'processing', 'shipped', 'delivered', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** An order event as published on OrderTopic: the seed's fields, validated. */
export interface Order {
  readonly orderId: string;
  readonly userId: string;
  readonly itemName: string;
  readonly quantity: number;
  readonly status: OrderStatus;
  /** The RFC 3339 text exactly as published (stored as-is, never reformatted). */
  readonly timestamp: string;
}

/** An order's fields, in the seed's order: what is published, stored and compared — and nothing else. */
export const ORDER_FIELDS = [
  'orderId',
  'userId',
  'itemName',
  'quantity',
  'status',
  'timestamp',
] as const satisfies readonly (keyof Order)[];

/** Exactly the order's fields, in the seed's order: an event object may carry more, and none of it is kept. */
export function pickOrderFields(order: Order): Order {
  const { orderId, userId, itemName, quantity, status, timestamp } = order;
  return { orderId, userId, itemName, quantity, status, timestamp };
}

/** Whether two orders hold the same fields, exactly as published (the timestamp's text included). */
export function sameOrderFields(a: Order, b: Order): boolean {
  return ORDER_FIELDS.every((field) => a[field] === b[field]);
}

/** An order plus the instant its timestamp names: what repositories order events by. */
export interface TimedOrder {
  readonly order: Order;
  readonly instant: Instant;
}

export const ORDER_LIMITS = {
  idMaxLength: 128,
  itemNameMaxLength: 512,
  quantityMin: 1,
  quantityMax: 1_000_000,
} as const;
