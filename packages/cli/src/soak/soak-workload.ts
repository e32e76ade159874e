import { decodeOrderMessage, ORDER_STATUSES, type Order, serializeOrder } from '@orders/core';
import { createOrderGenerator, nextEvent, seededRandom } from '@orders/simulation';
import { POISON_KINDS } from './poison-messages';

/** How a copy of an event came to be published again. */
export type DuplicateKind =
  /** The producer published the same event again: a new SNS MessageId, a new SQS message. */
  | 'republish'
  /** SNS retried its delivery to SQS: the same notification (same SNS MessageId), a new SQS message. */
  | 'sns-redelivery';

export interface ValidPlanned {
  readonly kind: 'valid';
  readonly order: Order;
  /** Set on a copy: how it was duplicated, and the planned message it copies. */
  readonly duplicate?: { readonly kind: DuplicateKind; readonly of: ValidPlanned };
  /** Set on a twin at an existing event's instant: different content (a tie to decide) or the same re-spelled. */
  readonly twin?: 'different-content' | 'respelled';
  /** True when an `sns-redelivery` copy needs this message's body as SNS delivered it. */
  bodyNeeded?: boolean;
}

export interface PoisonPlanned {
  readonly kind: 'poison';
  readonly label: string;
  /** The message as the producer published it (the topic may wrap it in an envelope). */
  readonly body: string;
}

export type PlannedMessage = ValidPlanned | PoisonPlanned;

export interface SoakWorkload {
  /** Every message, in publish order. */
  readonly messages: readonly PlannedMessage[];
  readonly stats: {
    /** Orders whose events were shuffled before publishing (some may be cut off by the budget). */
    readonly reorderedOrders: number;
    /** Poison messages published, by kind. */
    readonly poisonKinds: Readonly<Record<string, number>>;
    /** Twins published at an existing event's instant: different content (a tie to decide), or the same content re-spelled. */
    readonly ties: { readonly differentContent: number; readonly sameContentRespelled: number };
  };
}

export interface WorkloadOptions {
  readonly messages: number;
  readonly poisonRate: number;
  readonly duplicateRate: number;
  readonly reorderRate: number;
  readonly tieRate: number;
  readonly seed: number;
  /** When set, the whole workload is published in an order drawn from this seed instead of as planned. */
  readonly deliverySeed?: number | undefined;
}

/** Orders in flight at once: a new order starts only when one of these has published everything. */
const ACTIVE_ORDERS = 64;
/** Offsets an event's timestamp may be written in (same instant, different text; see `withOffset`). */
const OFFSETS_MINUTES = [120, -300, 330, 540, -210, 60, -60];

/**
 * The same instant as `iso` (a UTC `…Z` time), written with a UTC offset: 12:00Z becomes
 * `07:00-05:00`. Stored orders keep their text, but the store must compare instants, so an event
 * written `07:02-05:00` still beats `12:01Z` although it sorts lower as a string.
 */
export function withOffset(iso: string, offsetMinutes: number): string {
  const shifted = new Date(Date.parse(iso) + offsetMinutes * 60_000).toISOString();
  const sign = offsetMinutes < 0 ? '-' : '+';
  const magnitude = Math.abs(offsetMinutes);
  const hh = String(Math.floor(magnitude / 60)).padStart(2, '0');
  const mm = String(magnitude % 60).padStart(2, '0');
  return `${shifted.slice(0, 23)}${sign}${hh}:${mm}`;
}

/**
 * A twin of `event` at the same instant: either different content (another status or quantity, so
 * the ordering rule's tie-break decides, and the loser is a `conflict`), or the same content with
 * the timestamp in another zone spelling (a duplicate whose stored spelling the tie-break picks).
 */
function twinAtSameInstant(event: Order, random: () => number): { twin: Order; differentContent: boolean } {
  if (random() < 0.5) {
    const offset = OFFSETS_MINUTES[Math.floor(random() * OFFSETS_MINUTES.length)] as number;
    const utc = new Date(Date.parse(event.timestamp)).toISOString();
    const respelled = event.timestamp.endsWith('Z') ? withOffset(utc, offset) : utc;
    return { twin: { ...event, timestamp: respelled }, differentContent: false };
  }
  const others = ORDER_STATUSES.filter((status) => status !== event.status);
  const twin =
    random() < 0.5
      ? { ...event, status: others[Math.floor(random() * others.length)] as Order['status'] }
      : { ...event, quantity: event.quantity === 1 ? 2 : event.quantity - 1 };
  return { twin, differentContent: true };
}

/**
 * The soak's traffic, deterministic for a seed: orders that each go through 1–4 events (the
 * greatest under the ordering rule must win), published interleaved across up to 64 orders at a
 * time; some orders' events shuffled (reordering), some events published again later (duplicates,
 * of both kinds), some given a twin at the same instant (ties), some timestamps written with a UTC
 * offset, and poison messages of many kinds in between.
 */
export function buildSoakWorkload(options: WorkloadOptions): SoakWorkload {
  const random = seededRandom(options.seed);
  const generator = createOrderGenerator(options.seed);
  const messages: PlannedMessage[] = [];
  const poisonKinds: Record<string, number> = {};
  let reorderedOrders = 0;

  /** One order's messages in delivery order: its events (maybe shuffled) and their duplicates. */
  const newOrder = (): ValidPlanned[] => {
    const first = generator.next();
    const lifecycle: Order[] = [first];
    const length = 1 + Math.floor(random() * 4);
    while (lifecycle.length < length)
      lifecycle.push(nextEvent(lifecycle[lifecycle.length - 1] as Order, 1 + Math.floor(random() * 600)));
    const planned: ValidPlanned[] = lifecycle.map((event) => {
      if (random() >= 0.2) return { kind: 'valid', order: event };
      const offset = OFFSETS_MINUTES[Math.floor(random() * OFFSETS_MINUTES.length)] as number;
      return { kind: 'valid', order: { ...event, timestamp: withOffset(event.timestamp, offset) } };
    });
    for (const event of [...planned]) {
      if (random() >= options.tieRate) continue;
      const { twin, differentContent } = twinAtSameInstant(event.order, random);
      const kind = differentContent ? 'different-content' : 'respelled';
      planned.splice(Math.floor(random() * (planned.length + 1)), 0, { kind: 'valid', order: twin, twin: kind });
    }
    if (planned.length > 1 && random() < options.reorderRate) {
      reorderedOrders++;
      shuffle(planned, random);
      if (isInOrder(planned)) {
        // The shuffle left them in order: swap the last two so the newest overtakes its predecessor.
        const last = planned.length - 1;
        [planned[last - 1], planned[last]] = [planned[last] as ValidPlanned, planned[last - 1] as ValidPlanned];
      }
    }
    // Duplicates: each copy lands at a random later point of the order's stream.
    const withCopies: ValidPlanned[][] = planned.map((p) => [p]);
    for (let i = 0; i < planned.length; i++) {
      if (random() >= options.duplicateRate) continue;
      const original = planned[i] as ValidPlanned;
      const kind: DuplicateKind = random() < 0.5 ? 'republish' : 'sns-redelivery';
      if (kind === 'sns-redelivery') original.bodyNeeded = true;
      const slot = i + Math.floor(random() * (planned.length - i));
      (withCopies[slot] as ValidPlanned[]).push({
        kind: 'valid',
        order: original.order,
        duplicate: { kind, of: original },
      });
    }
    return withCopies.flat();
  };

  const active: ValidPlanned[][] = [];
  /** The most recently started orders (a ring), which poison messages impersonate. */
  const victims: Order[] = [];
  let started = 0;
  let poisonCounter = 0;
  while (messages.length < options.messages) {
    if (random() < options.poisonRate) {
      const victim = victims.length > 0 ? (victims[Math.floor(random() * victims.length)] as Order) : generator.next();
      const kind = POISON_KINDS[Math.floor(random() * POISON_KINDS.length)] as (typeof POISON_KINDS)[number];
      const body = kind.body({ n: ++poisonCounter, victim });
      if (decodeOrderMessage(body).ok)
        throw new Error(`soak workload bug: the "${kind.label}" poison message decodes as a valid order`);
      poisonKinds[kind.label] = (poisonKinds[kind.label] ?? 0) + 1;
      messages.push({ kind: 'poison', label: kind.label, body });
      continue;
    }
    const slot = Math.floor(random() * ACTIVE_ORDERS);
    let stream = active[slot];
    if (stream === undefined || stream.length === 0) {
      stream = newOrder().reverse(); // reversed: pop() takes the next message in O(1)
      active[slot] = stream;
      victims[started++ % ACTIVE_ORDERS] = (stream[stream.length - 1] as ValidPlanned).order;
    }
    messages.push(stream.pop() as ValidPlanned);
  }
  const delivered = options.deliverySeed === undefined ? messages : inDeliveryOrder(messages, options.deliverySeed);
  const twins = messages.filter((m): m is ValidPlanned => m.kind === 'valid' && m.twin !== undefined && !m.duplicate);
  const ties = {
    differentContent: twins.filter((m) => m.twin === 'different-content').length,
    sameContentRespelled: twins.filter((m) => m.twin === 'respelled').length,
  };
  return { messages: delivered, stats: { reorderedOrders, poisonKinds, ties } };
}

/**
 * The same messages in another order, drawn from `deliverySeed`: what a second deployment fed the
 * same events, or a redrive, would see. An SNS redelivery still follows the delivery it repeats
 * (it is that notification delivered again).
 */
function inDeliveryOrder(messages: readonly PlannedMessage[], deliverySeed: number): PlannedMessage[] {
  const shuffled = [...messages];
  shuffle(shuffled, seededRandom(deliverySeed));
  const emitted = new Set<PlannedMessage>();
  const waiting = new Map<PlannedMessage, PlannedMessage[]>();
  const ordered: PlannedMessage[] = [];
  const emit = (message: PlannedMessage): void => {
    ordered.push(message);
    emitted.add(message);
    for (const copy of waiting.get(message) ?? []) emit(copy);
    waiting.delete(message);
  };
  for (const message of shuffled) {
    const original =
      message.kind === 'valid' && message.duplicate?.kind === 'sns-redelivery' ? message.duplicate.of : undefined;
    if (original === undefined || emitted.has(original)) emit(message);
    else waiting.set(original, [...(waiting.get(original) ?? []), message]);
  }
  return ordered;
}

function shuffle<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
}

function isInOrder(planned: readonly ValidPlanned[]): boolean {
  for (let i = 1; i < planned.length; i++) {
    if (
      Date.parse((planned[i] as ValidPlanned).order.timestamp) <
      Date.parse((planned[i - 1] as ValidPlanned).order.timestamp)
    )
      return false;
  }
  return true;
}

/** The body the producer publishes for a planned valid message. */
export const validBody = (planned: ValidPlanned): string => serializeOrder(planned.order);
