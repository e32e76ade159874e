import { ORDER_LIMITS, serializeOrder, type Order } from '@orders/core';

/**
 * What a poison message is built from: a sequence number (so every poison body is unique) and a
 * real order of the workload, so that many poison messages carry a real orderId and a NEWER
 * timestamp than anything published for it: if one were ever stored, that order's final state
 * would be wrong and the soak would see it.
 */
export interface PoisonContext {
  readonly n: number;
  readonly victim: Order;
}

export interface PoisonKind {
  readonly label: string;
  readonly body: (context: PoisonContext) => string;
}

/** One hour after the victim's timestamp: newer than any event the workload publishes for it. */
const later = (order: Order): string => new Date(Date.parse(order.timestamp) + 3_600_000).toISOString();

/** The victim's fields with a newer timestamp and the given changes: everything valid but what is changed. */
const tampered = (victim: Order, changes: Record<string, unknown>): string =>
  JSON.stringify({ ...victim, timestamp: later(victim), ...changes });

const withoutField = (victim: Order, field: keyof Order): string => {
  const copy: Record<string, unknown> = { ...victim, timestamp: later(victim) };
  delete copy[field];
  return JSON.stringify(copy);
};

/**
 * Messages no consumer can turn into an order, each of a different kind. Every one must be
 * reported as a failure on every receive and end in OrderDLQ after exactly maxReceiveCount receives.
 */
export const POISON_KINDS: readonly PoisonKind[] = [
  { label: 'not JSON', body: ({ n }) => `this is not an order #${n}` },
  { label: 'truncated JSON', body: ({ victim }) => serializeOrder(victim).slice(0, -7) },
  { label: 'JSON array', body: ({ victim }) => `[${serializeOrder(victim)}]` },
  { label: 'JSON number', body: ({ n }) => String(n) },
  { label: 'JSON null', body: () => 'null' },
  { label: 'JSON string', body: ({ n }) => JSON.stringify(`order ${n}`) },
  { label: 'empty object', body: () => '{}' },
  { label: 'quantity as a string', body: ({ victim }) => tampered(victim, { quantity: String(victim.quantity) }) },
  { label: 'quantity zero', body: ({ victim }) => tampered(victim, { quantity: 0 }) },
  { label: 'quantity negative', body: ({ victim }) => tampered(victim, { quantity: -1 }) },
  { label: 'quantity fractional', body: ({ victim }) => tampered(victim, { quantity: 1.5 }) },
  { label: 'quantity too large', body: ({ victim }) => tampered(victim, { quantity: ORDER_LIMITS.quantityMax + 1 }) },
  {
    label: 'quantity huge exponent',
    body: ({ victim }) => tampered(victim, {}).replace(/"quantity":\d+/, '"quantity":1e400'),
  },
  { label: 'orderId as a number', body: ({ n, victim }) => tampered(victim, { orderId: n }) },
  { label: 'empty orderId', body: ({ victim }) => tampered(victim, { orderId: '' }) },
  { label: 'blank orderId', body: ({ victim }) => tampered(victim, { orderId: '   ' }) },
  {
    label: 'orderId too long',
    body: ({ victim }) => tampered(victim, { orderId: `${victim.orderId}-${'x'.repeat(ORDER_LIMITS.idMaxLength)}` }),
  },
  { label: 'missing userId', body: ({ victim }) => withoutField(victim, 'userId') },
  { label: 'missing timestamp', body: ({ victim }) => withoutField(victim, 'timestamp') },
  { label: 'userId null', body: ({ victim }) => tampered(victim, { userId: null }) },
  { label: 'itemName an object', body: ({ victim }) => tampered(victim, { itemName: { name: victim.itemName } }) },
  {
    label: 'itemName too long',
    body: ({ victim }) => tampered(victim, { itemName: 'x'.repeat(ORDER_LIMITS.itemNameMaxLength + 1) }),
  },
  { label: 'control character', body: ({ victim }) => tampered(victim, { itemName: `${victim.itemName}\u0007` }) },
  {
    label: 'lone surrogate',
    body: ({ victim }) => tampered(victim, {}).replace(/"itemName":"/, '"itemName":"\\ud800'),
  },
  { label: 'unknown status', body: ({ victim }) => tampered(victim, { status: 'lost' }) },
  { label: 'status wrong case', body: ({ victim }) => tampered(victim, { status: 'PAID' }) },
  {
    label: 'timestamp without a zone',
    body: ({ victim }) => tampered(victim, { timestamp: later(victim).replace(/Z$/, '') }),
  },
  { label: 'impossible date', body: ({ victim }) => tampered(victim, { timestamp: '2025-02-30T12:00:00Z' }) },
  { label: 'hour 24', body: ({ victim }) => tampered(victim, { timestamp: '2025-05-03T24:00:00Z' }) },
  { label: 'timestamp garbage', body: ({ victim }) => tampered(victim, { timestamp: 'yesterday' }) },
  {
    label: 'timestamp as epoch number',
    body: ({ victim }) => tampered(victim, { timestamp: Date.parse(victim.timestamp) + 3_600_000 }),
  },
  {
    label: '__proto__ key',
    body: ({ victim }) => `{"__proto__":${serializeOrder(victim)},"orderId":"${victim.orderId}"}`,
  },
  {
    label: 'SNS envelope with a non-string Message',
    body: ({ n, victim }) =>
      JSON.stringify({
        Type: 'Notification',
        MessageId: `poison-${n}`,
        Message: { ...victim, timestamp: later(victim) },
      }),
  },
  {
    label: 'SNS subscription confirmation',
    body: ({ n }) => JSON.stringify({ Type: 'SubscriptionConfirmation', MessageId: `poison-${n}`, Message: 'confirm' }),
  },
  { label: 'deeply nested JSON', body: () => `${'['.repeat(5000)}${']'.repeat(5000)}` },
];
