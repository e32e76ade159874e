import { compareInstants } from './instant';
import { ORDER_STATUSES, type Order, type OrderStatus, type TimedOrder } from './order';

/**
 * The total order over the events of one order, which makes every store converge to the same item
 * whatever order the events arrive in (SQS delivers at least once and in any order):
 *
 * 1. the later instant wins (instants, not strings: `16:00+02:00` is `14:00Z`);
 * 2. on the same instant, the status further along the lifecycle wins (`ORDER_STATUSES` order:
 *    new < paid < processing < shipped < delivered < cancelled) — two events stamped alike are most
 *    plausibly a step and the step after it, and an order only moves forward; cancelled is terminal;
 * 3. then the larger quantity, then `userId`, then `itemName` (by Unicode code point, which is the
 *    byte order of UTF-8 and so what DynamoDB compares), then the timestamp text itself, so that the
 *    same event written in two zone spellings is stored in one of them, always the same.
 *
 * Two events are equal under it only when they are byte-for-byte the same order. The rule is data:
 * {@link TIE_BREAK_FIELDS} lists the comparisons after the instant, most significant first, and the
 * DynamoDB adapter builds its conditional write from the same list.
 */
export const TIE_BREAK_FIELDS = ['status', 'quantity', 'userId', 'itemName', 'timestamp'] as const;
export type TieBreakField = (typeof TIE_BREAK_FIELDS)[number];

/** An order's content: every field but its id and its timestamp's spelling (the instant stands for it). */
export const CONTENT_FIELDS = ['userId', 'itemName', 'quantity', 'status'] as const;
export type ContentField = (typeof CONTENT_FIELDS)[number];

/** Position of each status in the lifecycle: what "further along" means on a tie. */
export const STATUS_RANK: Readonly<Record<OrderStatus, number>> = Object.freeze(
  Object.fromEntries(ORDER_STATUSES.map((status, rank) => [status, rank])) as Record<OrderStatus, number>,
);

/** The statuses that lose a tie against `status` (those before it in the lifecycle). */
export function statusesRankedBelow(status: OrderStatus): readonly OrderStatus[] {
  return ORDER_STATUSES.slice(0, STATUS_RANK[status]);
}

/**
 * Compares strings by Unicode code point: the order of their UTF-8 bytes, which is how DynamoDB
 * (and most stores) compare strings. JavaScript's `<` compares UTF-16 code units, which disagrees
 * for characters above U+FFFF against those in U+E000–U+FFFF.
 */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.codePointAt(i) as number;
    const y = b.codePointAt(i) as number;
    if (x !== y) return x - y;
    if (x > 0xffff) i++; // both are the same astral character: skip its low surrogate
  }
  return a.length - b.length;
}

const sign = (n: number): number => (n > 0 ? 1 : n < 0 ? -1 : 0);

function compareField(field: TieBreakField, a: Order, b: Order): number {
  switch (field) {
    case 'status':
      return STATUS_RANK[a.status] - STATUS_RANK[b.status];
    case 'quantity':
      return a.quantity - b.quantity;
    default:
      return compareCodePoints(a[field], b[field]);
  }
}

/** Compares two events of one order under the tie-break alone (for the same instant). */
export function compareTieBreak(a: Order, b: Order): number {
  for (const field of TIE_BREAK_FIELDS) {
    const comparison = compareField(field, a, b);
    if (comparison !== 0) return sign(comparison);
  }
  return 0;
}

/** Negative when `a` comes before `b` under the total order, 0 when they are the same event, positive after. */
export function compareOrderEvents(a: TimedOrder, b: TimedOrder): number {
  const byInstant = compareInstants(a.instant, b.instant);
  return byInstant !== 0 ? sign(byInstant) : compareTieBreak(a.order, b.order);
}

/** The content fields whose values differ (names only: what a log line may say about a conflict). */
export function differingContentFields(a: Order, b: Order): ContentField[] {
  return CONTENT_FIELDS.filter((field) => a[field] !== b[field]);
}

/** The same event: the same instant and the same content, whatever the timestamp's spelling. */
export function isSameEvent(a: TimedOrder, b: TimedOrder): boolean {
  return compareInstants(a.instant, b.instant) === 0 && differingContentFields(a.order, b.order).length === 0;
}

/** The greatest event under the total order: what a store must hold once all of them arrived. */
export function greatestEvent<T extends TimedOrder>(events: Iterable<T>): T | undefined {
  let greatest: T | undefined;
  for (const event of events) if (greatest === undefined || compareOrderEvents(event, greatest) > 0) greatest = event;
  return greatest;
}
