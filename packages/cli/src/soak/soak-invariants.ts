import { compareOrderEvents, type Order, parseRfc3339Instant, type TimedOrder } from '@orders/core';

/** One message on OrderQueue as published, by its SQS message id. */
export interface PublishedMessage {
  readonly messageId: string;
  readonly kind: 'valid' | 'poison';
  /** Valid messages: the order the event belongs to, and the event with its instant. */
  readonly orderId?: string;
  readonly event?: TimedOrder;
}

/** A message in OrderDLQ and how many times it had been received when it moved there. */
export interface DeadLetterRecord {
  readonly messageId: string;
  readonly receiveCount: number;
}

/** What a soak run observed: the raw material every invariant is computed from. */
export interface SoakFacts {
  readonly maxReceiveCount: number;
  readonly published: readonly PublishedMessage[];
  /** Each valid order's greatest published event under the total order: what it must look like at the end. */
  readonly expectedOrders: ReadonlyMap<string, Order>;
  /** What the repository holds at the end. */
  readonly storedOrders: ReadonlyMap<string, Order>;
  /** Message ids deleted from OrderQueue right after the handler reported them processed. */
  readonly acknowledged: ReadonlySet<string>;
  /** Message ids deleted without the handler reporting them processed. */
  readonly deletedWithoutSuccess: ReadonlySet<string>;
  readonly deadLettersAfterDrain: readonly DeadLetterRecord[];
  readonly deadLettersAfterRedrive: readonly DeadLetterRecord[];
  /** Messages still on OrderQueue when each drain ended (the drain ends only when it is empty). */
  readonly leftOnQueue: { readonly afterDrain: number; readonly afterRedrive: number };
  /** False if a drain hit its safety bound on invocations instead of emptying the queue. */
  readonly drainsFinished: boolean;
  /** Set when the run injected a store outage. */
  readonly outage?: OutageFacts;
}

/** What an injected outage did, against the window the retry pacing promises to survive. */
export interface OutageFacts {
  readonly durationSeconds: number;
  /** The shortest span of a message's receives: an outage shorter than this dead-letters no valid message. */
  readonly survivableSeconds: number;
  readonly refusedCalls: number;
  /** Valid messages in OrderDLQ after the drain whose every failed receive fell inside the outage. */
  readonly validDeadLetteredByOutage: readonly string[];
}

export interface LostDetail {
  /** Neither acknowledged nor in OrderDLQ at the end (still queued, or vanished). */
  readonly unaccounted: number;
  /** Poison messages deleted as if processed: dropped without a trace instead of dead-lettered. */
  readonly poison_acknowledged: number;
  /** Deleted although the handler did not report them processed. */
  readonly deleted_without_success: number;
  /** Valid messages acknowledged while their order is not stored at (or after) their event, under the total order. */
  readonly acknowledged_without_effect: number;
}

export interface SoakVerdict {
  readonly lost: number;
  readonly lostDetail: LostDetail;
  readonly staleOverwrites: number;
  /** Orders in the store that no valid message carried (a poison message was stored). */
  readonly unexpectedOrders: number;
  readonly maxReceiveCountSeen: number;
  /** Each broken invariant, as one line that names it. Empty when all hold. */
  readonly violations: readonly string[];
}

const sameOrder = (a: Order, b: Order): boolean =>
  a.orderId === b.orderId &&
  a.userId === b.userId &&
  a.itemName === b.itemName &&
  a.quantity === b.quantity &&
  a.status === b.status &&
  a.timestamp === b.timestamp;

const examples = (ids: readonly string[]): string => (ids.length === 0 ? '' : ` (e.g. ${ids.slice(0, 3).join(', ')})`);

/**
 * Computes the soak's measures from what it observed and checks every invariant:
 * - lost = 0: each published message was acknowledged as processed, or is in OrderDLQ;
 * - stale_overwrites = 0: every order equals its greatest event under the total order (ties
 *   included), byte for byte; and no order that no valid message carried;
 * - after the redrive, OrderDLQ holds exactly the poison messages;
 * - every message that moved to OrderDLQ had been received exactly maxReceiveCount times;
 * - both drains emptied OrderQueue;
 * - an injected store outage shorter than the retry pacing's window dead-lettered no valid message.
 */
export function evaluateSoak(facts: SoakFacts): SoakVerdict {
  const violations: string[] = [];
  const K = facts.maxReceiveCount;
  const finalDeadLetters = new Set(facts.deadLettersAfterRedrive.map((d) => d.messageId));

  // lost
  const storedEvents = new Map<string, TimedOrder | undefined>();
  const storedEvent = (orderId: string): TimedOrder | undefined => {
    if (!storedEvents.has(orderId)) {
      const stored = facts.storedOrders.get(orderId);
      const parsed = stored === undefined ? undefined : parseRfc3339Instant(stored.timestamp);
      storedEvents.set(orderId, stored && parsed?.ok ? { order: stored, instant: parsed.instant } : undefined);
    }
    return storedEvents.get(orderId);
  };
  const lostIds: string[] = [];
  const detail = { unaccounted: 0, poison_acknowledged: 0, deleted_without_success: 0, acknowledged_without_effect: 0 };
  for (const message of facts.published) {
    const acknowledged = facts.acknowledged.has(message.messageId);
    let lost = false;
    if (!acknowledged && !finalDeadLetters.has(message.messageId)) {
      detail.unaccounted++;
      lost = true;
    }
    if (facts.deletedWithoutSuccess.has(message.messageId)) {
      detail.deleted_without_success++;
      lost = true;
    }
    if (acknowledged && message.kind === 'poison') {
      detail.poison_acknowledged++;
      lost = true;
    }
    if (acknowledged && message.kind === 'valid') {
      // Acknowledged means its effect is durable: the store holds it, or an event after it.
      const stored = storedEvent(message.orderId as string);
      if (stored === undefined || message.event === undefined || compareOrderEvents(stored, message.event) < 0) {
        detail.acknowledged_without_effect++;
        lost = true;
      }
    }
    if (lost) lostIds.push(message.messageId);
  }
  if (lostIds.length > 0) {
    violations.push(
      `lost = ${lostIds.length}, expected 0: ${detail.unaccounted} neither acknowledged nor in OrderDLQ, ` +
        `${detail.poison_acknowledged} poison acknowledged, ${detail.deleted_without_success} deleted without success, ` +
        `${detail.acknowledged_without_effect} acknowledged without their write${examples(lostIds)}`,
    );
  }

  // stale_overwrites
  const staleIds: string[] = [];
  for (const [orderId, expected] of facts.expectedOrders) {
    const stored = facts.storedOrders.get(orderId);
    if (stored === undefined || !sameOrder(stored, expected)) staleIds.push(orderId);
  }
  if (staleIds.length > 0) {
    violations.push(
      `stale_overwrites = ${staleIds.length}, expected 0: orders whose stored state is not their greatest event${examples(staleIds)}`,
    );
  }
  const unexpectedIds = [...facts.storedOrders.keys()].filter((id) => !facts.expectedOrders.has(id));
  if (unexpectedIds.length > 0) {
    violations.push(
      `unexpected_orders = ${unexpectedIds.length}, expected 0: stored orders no valid message carried${examples(unexpectedIds)}`,
    );
  }

  // OrderDLQ after the redrive = exactly the poison messages
  const publishedById = new Map(facts.published.map((m) => [m.messageId, m]));
  const poisonMissing = facts.published
    .filter((m) => m.kind === 'poison' && !finalDeadLetters.has(m.messageId))
    .map((m) => m.messageId);
  const notPoison = facts.deadLettersAfterRedrive
    .filter((d) => publishedById.get(d.messageId)?.kind !== 'poison')
    .map((d) => d.messageId);
  if (
    poisonMissing.length > 0 ||
    notPoison.length > 0 ||
    finalDeadLetters.size !== facts.deadLettersAfterRedrive.length
  ) {
    violations.push(
      `dlq_after_redrive must hold exactly the poison messages: ${poisonMissing.length} poison missing${examples(poisonMissing)}, ` +
        `${notPoison.length} other messages present${examples(notPoison)}`,
    );
  }

  // receive count at the move
  const allMoves = [...facts.deadLettersAfterDrain, ...facts.deadLettersAfterRedrive];
  const wrongCount = allMoves.filter((d) => d.receiveCount !== K);
  if (wrongCount.length > 0) {
    violations.push(
      `receive count at the move to OrderDLQ must be exactly ${K}: ${wrongCount.length} messages moved after ` +
        `${[...new Set(wrongCount.map((d) => d.receiveCount))].sort((a, b) => a - b).join('/')} receives${examples(wrongCount.map((d) => d.messageId))}`,
    );
  }

  // an outage shorter than the pacing's window dead-letters no valid message
  const outage = facts.outage;
  if (outage && outage.durationSeconds < outage.survivableSeconds && outage.validDeadLetteredByOutage.length > 0) {
    violations.push(
      `outage: ${outage.validDeadLetteredByOutage.length} valid messages reached OrderDLQ during a ${outage.durationSeconds} s outage, ` +
        `shorter than the ${outage.survivableSeconds} s the retry pacing must survive${examples([...outage.validDeadLetteredByOutage])}`,
    );
  }

  // drained
  if (!facts.drainsFinished || facts.leftOnQueue.afterDrain !== 0 || facts.leftOnQueue.afterRedrive !== 0) {
    violations.push(
      `drained: OrderQueue must be empty after each drain; ${facts.leftOnQueue.afterDrain} left after the first, ` +
        `${facts.leftOnQueue.afterRedrive} after the redrive${facts.drainsFinished ? '' : ' (a drain hit its invocation bound)'}`,
    );
  }

  return {
    lost: lostIds.length,
    lostDetail: detail,
    staleOverwrites: staleIds.length,
    unexpectedOrders: unexpectedIds.length,
    maxReceiveCountSeen: allMoves.reduce((max, d) => Math.max(max, d.receiveCount), 0),
    violations,
  };
}
