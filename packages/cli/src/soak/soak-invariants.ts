import { compareOrderEvents, type Order, parseRfc3339Instant, sameOrderFields, type TimedOrder } from '@orders/core';

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

const examples = (ids: readonly string[]): string => (ids.length === 0 ? '' : ` (e.g. ${ids.slice(0, 3).join(', ')})`);

/**
 * Computes the soak's measures from what it observed and checks every invariant, one function
 * each, in this order (the order of `violations`):
 * - lost = 0: each published message was acknowledged as processed, or is in OrderDLQ;
 * - stale_overwrites = 0: every order equals its greatest event under the total order (ties
 *   included), byte for byte; and no order that no valid message carried;
 * - after the redrive, OrderDLQ holds exactly the poison messages;
 * - every message that moved to OrderDLQ had been received exactly maxReceiveCount times;
 * - an injected store outage shorter than the retry pacing's window dead-lettered no valid message;
 * - both drains emptied OrderQueue.
 */
export function evaluateSoak(facts: SoakFacts): SoakVerdict {
  const finalDeadLetters = new Set(facts.deadLettersAfterRedrive.map((d) => d.messageId));
  const lost = lostMessages(facts, finalDeadLetters);
  const stale = staleOverwrites(facts);
  const unexpected = unexpectedOrders(facts);
  const moves = receiveCountsAtTheMove(facts);
  const violations = [
    lost.violation,
    stale.violation,
    unexpected.violation,
    deadLettersArePoisonOnly(facts, finalDeadLetters),
    moves.violation,
    outageSurvived(facts),
    queueDrained(facts),
  ].filter((violation): violation is string => violation !== undefined);
  return {
    lost: lost.count,
    lostDetail: lost.detail,
    staleOverwrites: stale.count,
    unexpectedOrders: unexpected.count,
    maxReceiveCountSeen: moves.maxSeen,
    violations,
  };
}

/** One invariant's measure, and the line that names it when it is broken. */
interface Measured {
  readonly count: number;
  readonly violation: string | undefined;
}

/** lost = 0: a message is lost if any of the `LostDetail` reasons applies to it (it counts once). */
function lostMessages(facts: SoakFacts, finalDeadLetters: ReadonlySet<string>): Measured & { detail: LostDetail } {
  const detail = { unaccounted: 0, poison_acknowledged: 0, deleted_without_success: 0, acknowledged_without_effect: 0 };
  const storedEvent = storedEventLookup(facts.storedOrders);
  const lostIds: string[] = [];
  for (const message of facts.published) {
    const reasons = lostReasons(message, facts, finalDeadLetters, storedEvent);
    for (const reason of reasons) detail[reason]++;
    if (reasons.length > 0) lostIds.push(message.messageId);
  }
  const violation =
    lostIds.length === 0
      ? undefined
      : `lost = ${lostIds.length}, expected 0: ${detail.unaccounted} neither acknowledged nor in OrderDLQ, ` +
        `${detail.poison_acknowledged} poison acknowledged, ${detail.deleted_without_success} deleted without success, ` +
        `${detail.acknowledged_without_effect} acknowledged without their write${examples(lostIds)}`;
  return { count: lostIds.length, detail, violation };
}

/** Every reason a published message counts as lost; none when it was processed or dead-lettered properly. */
function lostReasons(
  message: PublishedMessage,
  facts: SoakFacts,
  finalDeadLetters: ReadonlySet<string>,
  storedEvent: (orderId: string) => TimedOrder | undefined,
): (keyof LostDetail)[] {
  const reasons: (keyof LostDetail)[] = [];
  const acknowledged = facts.acknowledged.has(message.messageId);
  if (!acknowledged && !finalDeadLetters.has(message.messageId)) reasons.push('unaccounted');
  if (facts.deletedWithoutSuccess.has(message.messageId)) reasons.push('deleted_without_success');
  if (acknowledged && message.kind === 'poison') reasons.push('poison_acknowledged');
  if (acknowledged && message.kind === 'valid') {
    // Acknowledged means its effect is durable: the store holds it, or an event after it.
    const stored = storedEvent(message.orderId as string);
    if (stored === undefined || message.event === undefined || compareOrderEvents(stored, message.event) < 0) {
      reasons.push('acknowledged_without_effect');
    }
  }
  return reasons;
}

/** Each stored order as an event (its instant parsed once), or undefined when none is stored. */
function storedEventLookup(storedOrders: ReadonlyMap<string, Order>): (orderId: string) => TimedOrder | undefined {
  const events = new Map<string, TimedOrder | undefined>();
  return (orderId) => {
    if (!events.has(orderId)) {
      const stored = storedOrders.get(orderId);
      const parsed = stored === undefined ? undefined : parseRfc3339Instant(stored.timestamp);
      events.set(orderId, stored && parsed?.ok ? { order: stored, instant: parsed.instant } : undefined);
    }
    return events.get(orderId);
  };
}

/** stale_overwrites = 0: every expected order is stored exactly as its greatest event. */
function staleOverwrites(facts: SoakFacts): Measured {
  const staleIds: string[] = [];
  for (const [orderId, expected] of facts.expectedOrders) {
    const stored = facts.storedOrders.get(orderId);
    if (stored === undefined || !sameOrderFields(stored, expected)) staleIds.push(orderId);
  }
  const violation =
    staleIds.length === 0
      ? undefined
      : `stale_overwrites = ${staleIds.length}, expected 0: orders whose stored state is not their greatest event${examples(staleIds)}`;
  return { count: staleIds.length, violation };
}

/** unexpected_orders = 0: nothing is stored that no valid message carried (a poison message stored). */
function unexpectedOrders(facts: SoakFacts): Measured {
  const unexpectedIds = [...facts.storedOrders.keys()].filter((id) => !facts.expectedOrders.has(id));
  const violation =
    unexpectedIds.length === 0
      ? undefined
      : `unexpected_orders = ${unexpectedIds.length}, expected 0: stored orders no valid message carried${examples(unexpectedIds)}`;
  return { count: unexpectedIds.length, violation };
}

/** After the redrive, OrderDLQ holds exactly the poison messages, each once. */
function deadLettersArePoisonOnly(facts: SoakFacts, finalDeadLetters: ReadonlySet<string>): string | undefined {
  const publishedById = new Map(facts.published.map((m) => [m.messageId, m]));
  const poisonMissing = facts.published
    .filter((m) => m.kind === 'poison' && !finalDeadLetters.has(m.messageId))
    .map((m) => m.messageId);
  const notPoison = facts.deadLettersAfterRedrive
    .filter((d) => publishedById.get(d.messageId)?.kind !== 'poison')
    .map((d) => d.messageId);
  const duplicated = finalDeadLetters.size !== facts.deadLettersAfterRedrive.length;
  if (poisonMissing.length === 0 && notPoison.length === 0 && !duplicated) return undefined;
  return (
    `dlq_after_redrive must hold exactly the poison messages: ${poisonMissing.length} poison missing${examples(poisonMissing)}, ` +
    `${notPoison.length} other messages present${examples(notPoison)}`
  );
}

/** Every message moved to OrderDLQ (in either drain) had been received exactly maxReceiveCount times. */
function receiveCountsAtTheMove(facts: SoakFacts): { maxSeen: number; violation: string | undefined } {
  const K = facts.maxReceiveCount;
  const allMoves = [...facts.deadLettersAfterDrain, ...facts.deadLettersAfterRedrive];
  const maxSeen = allMoves.reduce((max, d) => Math.max(max, d.receiveCount), 0);
  const wrongCount = allMoves.filter((d) => d.receiveCount !== K);
  if (wrongCount.length === 0) return { maxSeen, violation: undefined };
  const counts = [...new Set(wrongCount.map((d) => d.receiveCount))].sort((a, b) => a - b).join('/');
  return {
    maxSeen,
    violation:
      `receive count at the move to OrderDLQ must be exactly ${K}: ${wrongCount.length} messages moved after ` +
      `${counts} receives${examples(wrongCount.map((d) => d.messageId))}`,
  };
}

/** An outage shorter than the retry pacing's window dead-letters no valid message. */
function outageSurvived(facts: SoakFacts): string | undefined {
  const outage = facts.outage;
  if (!outage || outage.durationSeconds >= outage.survivableSeconds || outage.validDeadLetteredByOutage.length === 0) {
    return undefined;
  }
  return (
    `outage: ${outage.validDeadLetteredByOutage.length} valid messages reached OrderDLQ during a ${outage.durationSeconds} s outage, ` +
    `shorter than the ${outage.survivableSeconds} s the retry pacing must survive${examples([...outage.validDeadLetteredByOutage])}`
  );
}

/** Both drains emptied OrderQueue (neither stopped at its bound on invocations). */
function queueDrained(facts: SoakFacts): string | undefined {
  const { afterDrain, afterRedrive } = facts.leftOnQueue;
  if (facts.drainsFinished && afterDrain === 0 && afterRedrive === 0) return undefined;
  return (
    `drained: OrderQueue must be empty after each drain; ${afterDrain} left after the first, ` +
    `${afterRedrive} after the redrive${facts.drainsFinished ? '' : ' (a drain hit its invocation bound)'}`
  );
}
