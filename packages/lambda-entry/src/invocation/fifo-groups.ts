import type { SQSRecord } from 'aws-lambda';
import { type BatchContext, type ErrorDescription, failureClassOf, type MessageOutcome } from '@orders/core';

/** Why a FIFO record was handed back untried: an earlier record of its message group failed and will be retried first. */
export const FIFO_GROUP_BLOCKED: ErrorDescription = Object.freeze({
  name: 'FifoGroupBlocked',
  code: 'fifo_group_blocked',
  message: 'handed back untried: an earlier message of its message group failed and is retried first',
  // How it comes back (with the message it waits behind), not what went wrong: a deferred outcome
  // is counted apart from the failures (BatchMetrics.deferred), whatever this says.
  failureClass: 'transient',
});

export const isFifoSource = (records: readonly SQSRecord[]): boolean =>
  records[0]?.eventSourceARN?.endsWith('.fifo') ?? false;

/**
 * Whether a failure must hold back the rest of its message group: only one that may still succeed
 * on a retry (transient, systemic). A FIFO queue promises that a later message of a group is never
 * applied before an earlier one; a later record applied while an earlier one goes back to the queue
 * and is applied on its retry breaks that. But `invalid` (poison) is decided by the message alone —
 * decoding and validation read nothing else — so it fails the same way on every receive and is
 * never applied: a later record applied now overtakes nothing. Holding the group behind it would
 * only drag the group's valid records to the DLQ with it, never tried. (Should an operator redrive
 * it after changing the rules, it is an old event arriving late, which the store's ordering by event
 * instant already handles: the table never depends on arrival order.)
 */
const blocksItsGroup = (outcome: MessageOutcome): boolean => {
  const failureClass = failureClassOf(outcome);
  return failureClass !== undefined && failureClass !== 'invalid';
};

/**
 * The batch context for a FIFO source (Powertools' `skipGroupOnError`, minus poison): records run
 * one at a time, in order; once a record fails in a way a retry may fix (`blocksItsGroup`), every
 * later record of its message group is deferred — handed back untried, `deferredBehind` it — while
 * the other groups go on. Deferred records are reported to the queue (`batchItemFailures`) and
 * logged, but are not failures of their own: the invocation's outage decision and the failure
 * metrics leave them out, and they are released at once (`paceFailedRecords`) to come back with the
 * record they wait behind. A record without a MessageGroupId (no FIFO queue sends one; a local
 * event may) is put in one shared group: the strictest order, never a looser one.
 */
export function fifoBatchContext(
  records: readonly SQSRecord[],
  base: BatchContext,
  maxReceiveCount?: number,
): BatchContext {
  const groupByMessageId = new Map(
    records.map((record) => [record.messageId, record.attributes?.MessageGroupId ?? '']),
  );
  /** By message group: the record the rest of the group waits behind (its first retryable failure). */
  const blockerOf = new Map<string, string>();
  const groupOf = (messageId: string): string => groupByMessageId.get(messageId) ?? '';
  return {
    ...base,
    concurrency: 1,
    deferBehind: (message) => {
      const behind = blockerOf.get(groupOf(message.messageId));
      return behind === undefined ? base.deferBehind?.(message) : { behind, reason: FIFO_GROUP_BLOCKED };
    },
    onOutcome: (message, outcome) => {
      const group = groupOf(message.messageId);
      // On its last receive a failed record goes to the DLQ whatever follows it: it will not be
      // applied by this queue's consumer, so, like poison, it has nothing the rest of its group could
      // overtake — holding them would only take them to the DLQ with it, untried.
      const lastReceive =
        maxReceiveCount !== undefined && message.receiveCount !== undefined && message.receiveCount >= maxReceiveCount;
      if (!blockerOf.has(group) && !lastReceive && blocksItsGroup(outcome)) blockerOf.set(group, message.messageId);
      base.onOutcome?.(message, outcome);
    },
  };
}
