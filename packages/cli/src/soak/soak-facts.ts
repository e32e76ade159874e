import {
  deadLetterTimeline,
  greatestEvent,
  type Order,
  parseRfc3339Instant,
  type RetryPacingOptions,
  type TimedOrder,
} from '@orders/core';
import type { DeliveryLedger } from './delivery-ledger';
import type { OutageWindow } from './outage-window';
import type { DeadLetterRecord, OutageFacts, SoakFacts } from './soak-invariants';
import type { SoakOptions } from './soak-options';
import type { SoakSystem } from './soak-system';
import type { IdentifiedMessages, SoakTarget } from './soak-target';
import type { PlannedMessage } from './soak-workload';
import type { DrainResult } from './soak-drain';

/** What the two drains left behind: their results and OrderDLQ after each. */
export interface DrainsObserved {
  readonly drain: DrainResult;
  readonly deadLettersAfterDrain: readonly DeadLetterRecord[];
  /** Messages the redrive moved back from OrderDLQ to OrderQueue. */
  readonly redriven: number;
  readonly redrive: DrainResult;
  readonly deadLettersAfterRedrive: readonly DeadLetterRecord[];
}

/**
 * Reads the end state and puts together what the run observed, under the ids the messages were
 * published with: the raw material `evaluateSoak` computes every invariant from.
 */
export async function collectSoakFacts(
  run: { readonly target: SoakTarget; readonly system: SoakSystem; readonly options: SoakOptions },
  messages: readonly PlannedMessage[],
  drains: DrainsObserved,
): Promise<{ facts: SoakFacts; identified: IdentifiedMessages }> {
  const { target, system, options } = run;
  const expectedOrders = greatestEvents(messages);
  const storedOrders = await target.storedOrders(expectedOrders);
  const identified = target.identify({
    acknowledged: system.ledger.acknowledged,
    deletedWithoutSuccess: system.ledger.deletedWithoutSuccess,
    deadLettersAfterDrain: drains.deadLettersAfterDrain,
    deadLettersAfterRedrive: drains.deadLettersAfterRedrive,
  });
  const facts: SoakFacts = {
    maxReceiveCount: options.maxReceiveCount,
    published: identified.published,
    expectedOrders,
    storedOrders,
    acknowledged: identified.acknowledged,
    deletedWithoutSuccess: identified.deletedWithoutSuccess,
    deadLettersAfterDrain: identified.deadLettersAfterDrain,
    deadLettersAfterRedrive: identified.deadLettersAfterRedrive,
    leftOnQueue: { afterDrain: drains.drain.left, afterRedrive: drains.redrive.left },
    drainsFinished: drains.drain.finished && drains.redrive.finished,
    ...(system.outage
      ? {
          outage: outageFacts(
            system.outage,
            identified,
            system.ledger,
            drains.deadLettersAfterDrain,
            system.retryPacing,
            options,
          ),
        }
      : {}),
  };
  return { facts, identified };
}

/** Each order's greatest published event under the ordering rule (ties included): what it must end at. */
function greatestEvents(messages: readonly PlannedMessage[]): Map<string, Order> {
  const events = new Map<string, TimedOrder[]>();
  for (const message of messages) {
    if (message.kind !== 'valid') continue;
    const parsed = parseRfc3339Instant(message.order.timestamp);
    if (!parsed.ok) throw new Error(`soak bug: generated timestamp ${message.order.timestamp} does not parse`);
    const list = events.get(message.order.orderId);
    const event = { order: message.order, instant: parsed.instant };
    if (list === undefined) events.set(message.order.orderId, [event]);
    else list.push(event);
  }
  return new Map([...events].map(([orderId, list]) => [orderId, (greatestEvent(list) as TimedOrder).order]));
}

/**
 * What the outage did: the valid messages it dead-lettered on its own (every failed receive fell
 * inside it), against the window the retry pacing promises to survive.
 */
function outageFacts(
  outage: OutageWindow,
  identified: { readonly published: readonly { messageId: string; kind: string }[] },
  ledger: DeliveryLedger,
  deadLettersAfterDrain: readonly { messageId: string }[],
  retryPacing: RetryPacingOptions,
  options: SoakOptions,
): OutageFacts {
  const valid = new Set(identified.published.filter((m) => m.kind === 'valid').map((m) => m.messageId));
  const deadLetteredByOutage = deadLettersAfterDrain
    .map((d) => d.messageId)
    .filter((id) => {
      const failures = ledger.failures.get(id);
      return valid.has(id) && failures !== undefined && failures.outside === 0 && failures.inOutage > 0;
    });
  return {
    durationSeconds: outage.options.durationSeconds,
    survivableSeconds: deadLetterTimeline(options.maxReceiveCount, retryPacing).survivableOutageSeconds,
    refusedCalls: outage.refused,
    validDeadLetteredByOutage: deadLetteredByOutage,
  };
}
