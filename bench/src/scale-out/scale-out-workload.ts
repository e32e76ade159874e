/**
 * The scale-out run's traffic, deterministic for a seed: orders of 2–4 events each (some with a twin
 * at the same instant whose content differs, for the tie-break to decide), some events published
 * twice (a new SNS notification, or SNS's own redelivery: the same body), and the messages of a few
 * orders at a time shuffled together, so that an order's events sit in neighbouring batches, out of
 * order, and two consumer processes receive events of one order at the same moment. A little
 * poison in between, some of it carrying a real orderId and a newer timestamp, so that a poison
 * message ever stored would show as a wrong final state.
 */
import {
  compareOrderEvents,
  greatestEvent,
  ORDER_STATUSES,
  type Order,
  parseRfc3339Instant,
  type TimedOrder,
} from '@orders/core';
import { createOrderGenerator, nextEvent, seededRandom } from '@orders/simulation';
import { snsEnvelopeBody } from '@orders/testkit';

export type ScaleOutMessage =
  | { readonly kind: 'valid'; readonly body: string; readonly event: TimedOrder }
  | { readonly kind: 'poison'; readonly body: string; readonly label: string };

export interface ScaleOutWorkload {
  /** Every message, in publish order. */
  readonly messages: readonly ScaleOutMessage[];
  /** Each order's greatest event under core's total order: what the table must hold at the end. */
  readonly expected: ReadonlyMap<string, Order>;
  readonly stats: {
    readonly orders: number;
    readonly validMessages: number;
    readonly poisonMessages: number;
    /** Messages that repeat an event already published (a republish or an SNS redelivery). */
    readonly duplicates: number;
    /** Twins at an existing event's instant with different content. */
    readonly ties: number;
    /** Orders whose messages are not published in ascending order of their events. */
    readonly reorderedOrders: number;
  };
}

export interface ScaleOutWorkloadOptions {
  readonly orders: number;
  readonly seed: number;
  /** Orders whose messages are shuffled together (default 8: about 3 batches of 10). */
  readonly window?: number;
  readonly duplicateRate?: number;
  readonly tieRate?: number;
  /** Poison messages per valid message. */
  readonly poisonRate?: number;
}

const timed = (order: Order): TimedOrder => {
  const parsed = parseRfc3339Instant(order.timestamp);
  if (!parsed.ok) throw new RangeError(`the workload made an unreadable timestamp: ${order.timestamp}`);
  return { order, instant: parsed.instant };
};

/** An hour after the order's timestamp: newer than anything published for it. */
const anHourLater = (order: Order): string => new Date(Date.parse(order.timestamp) + 3_600_000).toISOString();

/** Poison, as the topic would deliver it (in an SNS envelope); `victim` is a real order of the run. */
const POISON: readonly { readonly label: string; readonly message: (n: number, victim: Order) => string }[] = [
  { label: 'not JSON', message: (n) => `this is not an order #${n}` },
  {
    label: 'quantity zero, newer',
    message: (_, victim) => JSON.stringify({ ...victim, quantity: 0, timestamp: anHourLater(victim) }),
  },
  {
    label: 'unknown status, newer',
    message: (_, victim) => JSON.stringify({ ...victim, status: 'lost', timestamp: anHourLater(victim) }),
  },
  {
    label: 'no userId, newer',
    message: (_, victim) => {
      const { userId: _userId, ...rest } = victim;
      return JSON.stringify({ ...rest, timestamp: anHourLater(victim) });
    },
  },
];

function shuffle<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
}

/** One order's events: 2–4 steps of its life, and now and then a twin at the same instant. */
function orderEvents(first: Order, random: () => number, tieRate: number): { events: Order[]; ties: number } {
  const events: Order[] = [first];
  const length = 2 + Math.floor(random() * 3);
  while (events.length < length)
    events.push(nextEvent(events[events.length - 1] as Order, 1 + Math.floor(random() * 600)));
  let ties = 0;
  for (const event of [...events]) {
    if (random() >= tieRate) continue;
    const others = ORDER_STATUSES.filter((status) => status !== event.status);
    const twin =
      random() < 0.5
        ? { ...event, status: others[Math.floor(random() * others.length)] as Order['status'] }
        : { ...event, quantity: event.quantity === 1 ? 2 : event.quantity - 1 };
    events.push(twin);
    ties++;
  }
  return { events, ties };
}

export function buildScaleOutWorkload(options: ScaleOutWorkloadOptions): ScaleOutWorkload {
  const { orders, seed } = options;
  const window = options.window ?? 8;
  const duplicateRate = options.duplicateRate ?? 0.2;
  const tieRate = options.tieRate ?? 0.1;
  const poisonRate = options.poisonRate ?? 0.01;
  const random = seededRandom(seed);
  const generator = createOrderGenerator(seed);
  const valid: ScaleOutMessage[] = [];
  const eventsByOrder = new Map<string, TimedOrder[]>();
  let duplicates = 0;
  let ties = 0;
  for (let started = 0; started < orders; started += window) {
    const group: ScaleOutMessage[] = [];
    for (let i = 0; i < Math.min(window, orders - started); i++) {
      const made = orderEvents(generator.next(), random, tieRate);
      ties += made.ties;
      const events = made.events.map(timed);
      eventsByOrder.set(events[0]?.order.orderId as string, events);
      for (const event of events) {
        const body = snsEnvelopeBody(event.order);
        group.push({ kind: 'valid', body, event });
        if (random() >= duplicateRate) continue;
        duplicates++;
        // SNS's redelivery repeats the notification as it was; a republish is a new one.
        group.push({ kind: 'valid', body: random() < 0.5 ? body : snsEnvelopeBody(event.order), event });
      }
    }
    shuffle(group, random);
    valid.push(...group);
  }
  const messages: ScaleOutMessage[] = [];
  let poison = 0;
  for (const message of valid) {
    messages.push(message);
    if (random() >= poisonRate || message.kind !== 'valid') continue;
    const kind = POISON[poison % POISON.length] as (typeof POISON)[number];
    messages.push({
      kind: 'poison',
      label: kind.label,
      body: snsEnvelopeBody(kind.message(poison, message.event.order)),
    });
    poison++;
  }
  const expected = new Map<string, Order>();
  for (const [orderId, events] of eventsByOrder) expected.set(orderId, (greatestEvent(events) as TimedOrder).order);
  return {
    messages,
    expected,
    stats: {
      orders: eventsByOrder.size,
      validMessages: valid.length,
      poisonMessages: poison,
      duplicates,
      ties,
      reorderedOrders: reorderedOrders(valid),
    },
  };
}

/** Orders whose events are published out of order: an event after a greater one (core's order). */
function reorderedOrders(messages: readonly ScaleOutMessage[]): number {
  const greatestSoFar = new Map<string, TimedOrder>();
  const reordered = new Set<string>();
  for (const message of messages) {
    if (message.kind !== 'valid') continue;
    const { orderId } = message.event.order;
    const greatest = greatestSoFar.get(orderId);
    if (greatest !== undefined && compareOrderEvents(message.event, greatest) < 0) reordered.add(orderId);
    else greatestSoFar.set(orderId, message.event);
  }
  return reordered.size;
}
