import type { SQSRecord } from 'aws-lambda';
import { type BatchContext, type ErrorDescription, isFailure, type MessageOutcome } from '@orders/core';

/** Why a FIFO record was handed back untried: an earlier record of its message group failed. */
export const FIFO_GROUP_BLOCKED: ErrorDescription = Object.freeze({
  name: 'FifoGroupBlocked',
  code: 'fifo_group_blocked',
  message: 'handed back untried: an earlier message of its message group failed',
  failureClass: 'transient',
});

export const isFifoSource = (records: readonly SQSRecord[]): boolean =>
  records[0]?.eventSourceARN?.endsWith('.fifo') ?? false;

/**
 * The batch context for a FIFO source (Powertools' `skipGroupOnError`): records run one at a time,
 * in order; once a record fails, every later record of the same message group is handed back
 * untried (SQS keeps a group's order only if none of them overtakes the failure), while the other
 * groups go on. Each handed-back record still gets an outcome, a log line and its count.
 */
export function fifoBatchContext(records: readonly SQSRecord[], base: BatchContext): BatchContext {
  const groupByMessageId = new Map(
    records.map((record) => [record.messageId, record.attributes?.MessageGroupId ?? '']),
  );
  const blockedGroups = new Set<string>();
  const groupOf = (messageId: string): string => groupByMessageId.get(messageId) ?? '';
  return {
    ...base,
    concurrency: 1,
    handBack: (message) =>
      blockedGroups.has(groupOf(message.messageId)) ? FIFO_GROUP_BLOCKED : base.handBack?.(message),
    onOutcome: (message, outcome) => {
      if (isFailure(outcome)) blockedGroups.add(groupOf(message.messageId));
      base.onOutcome?.(message, outcome);
    },
  };
}

/** Records handed back only because of their group: they were not tried, so their retry is not paced. */
export const wasTried = (outcome: MessageOutcome): boolean =>
  !(outcome.status === 'failed' && outcome.error.code === FIFO_GROUP_BLOCKED.code);
