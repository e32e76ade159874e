/**
 * What a scale-out run must end with, whatever the number of consumer processes: every valid
 * message's event stored (or an event after it), each order stored exactly as its greatest event,
 * the queue empty and the DLQ holding exactly the poison published. Pure: the stage reads the
 * table, the DLQ and the queue, and this judges them.
 */
import { compareOrderEvents, type Order, parseRfc3339Instant, sameOrderFields, type TimedOrder } from '@orders/core';
import type { ScaleOutWorkload } from './scale-out-workload';

/** What the stand-ins held when every consumer process had exited. */
export interface ScaleOutEnd {
  /** The table's items, read back as orders, by orderId. */
  readonly stored: ReadonlyMap<string, Order>;
  /** orderIds of items that could not be read back as an order (a corrupt write). */
  readonly unreadable: readonly string[];
  /** The bodies in the DLQ. */
  readonly deadLetterBodies: readonly string[];
  /** Messages still on the queue, visible or not. */
  readonly leftOnQueue: number;
}

export interface ScaleOutVerdict {
  /**
   * Valid messages whose event the table does not hold (their order missing, or stored at an
   * earlier event), and poison neither in the DLQ nor possibly among the messages left on the queue
   * (deleted as if processed).
   */
  readonly lost: number;
  /** Orders stored other than as their greatest event (or unreadable), and orders no valid message carried. */
  readonly wrongState: number;
  /** DLQ contents: published poison, and anything else (a valid message dead-lettered). */
  readonly deadLettered: { readonly poison: number; readonly other: number };
  readonly leftOnQueue: number;
  /** Each broken rule as a sentence; empty when the run ended as it must. */
  readonly violations: readonly string[];
}

const examples = (ids: readonly string[]): string => (ids.length === 0 ? '' : ` (e.g. ${ids.slice(0, 3).join(', ')})`);

function storedEvent(order: Order | undefined): TimedOrder | undefined {
  if (order === undefined) return undefined;
  const parsed = parseRfc3339Instant(order.timestamp);
  return parsed.ok ? { order, instant: parsed.instant } : undefined;
}

export function judgeScaleOut(workload: ScaleOutWorkload, end: ScaleOutEnd): ScaleOutVerdict {
  const unreadable = new Set(end.unreadable);
  // Valid messages: their effect must be durable, i.e. the store holds their event or a greater one.
  const lostOrders = new Set<string>();
  let lostValid = 0;
  for (const message of workload.messages) {
    if (message.kind !== 'valid') continue;
    const { orderId } = message.event.order;
    const stored = storedEvent(end.stored.get(orderId));
    if (unreadable.has(orderId) || stored === undefined || compareOrderEvents(stored, message.event) < 0) {
      lostValid++;
      lostOrders.add(orderId);
    }
  }
  const poisonBodies = new Set(workload.messages.filter((m) => m.kind === 'poison').map((m) => m.body));
  const deadLetters = new Set(end.deadLetterBodies);
  const poisonInDlq = [...poisonBodies].filter((body) => deadLetters.has(body)).length;
  const other = end.deadLetterBodies.filter((body) => !poisonBodies.has(body)).length;
  const poisonMissing = poisonBodies.size - poisonInDlq;
  // Messages left on the queue may be some of the missing poison: only what they cannot explain is lost.
  const lostPoison = Math.max(0, poisonMissing - end.leftOnQueue);
  const wrongIds: string[] = [];
  for (const [orderId, expected] of workload.expected) {
    const stored = end.stored.get(orderId);
    if (unreadable.has(orderId) || stored === undefined || !sameOrderFields(stored, expected)) wrongIds.push(orderId);
  }
  const unexpected = [...end.stored.keys(), ...end.unreadable].filter((id) => !workload.expected.has(id));
  const lost = lostValid + lostPoison;
  const violations: string[] = [];
  if (lost > 0)
    violations.push(
      `lost = ${lost}, expected 0: ${lostValid} valid messages whose event is not stored, ${lostPoison} poison messages neither in the DLQ nor on the queue${examples([...lostOrders])}`,
    );
  if (wrongIds.length + unexpected.length > 0)
    violations.push(
      `wrong state = ${wrongIds.length + unexpected.length}, expected 0: ${wrongIds.length} orders not stored as their greatest event${examples(wrongIds)}, ${unexpected.length} stored that no valid message carried${examples(unexpected)}`,
    );
  if (end.leftOnQueue > 0) violations.push(`the queue still holds ${end.leftOnQueue} messages`);
  if (other > 0 || poisonInDlq !== poisonBodies.size || end.deadLetterBodies.length !== poisonInDlq + other)
    violations.push(
      `the DLQ must hold exactly the ${poisonBodies.size} poison messages: it holds ${poisonInDlq} of them, ${end.deadLetterBodies.length - poisonInDlq - other} copies and ${other} other messages`,
    );
  return {
    lost,
    wrongState: wrongIds.length + unexpected.length,
    deadLettered: { poison: poisonInDlq, other },
    leftOnQueue: end.leftOnQueue,
    violations,
  };
}
