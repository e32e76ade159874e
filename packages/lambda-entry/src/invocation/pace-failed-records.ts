import type { SQSRecord } from 'aws-lambda';
import {
  type AbortSignalLike,
  type FailedDelivery,
  failureClassOf,
  type Logger,
  type MessageOutcome,
  type MessageVisibility,
  paceRetries,
  type RetryPacingOptions,
} from '@orders/core';

export interface PaceFailedRecordsOptions {
  /** The source queue's visibility, by its ARN (undefined: not a queue we can pace, e.g. a test event). */
  readonly visibilityFor: (queueArn: string) => MessageVisibility | undefined;
  readonly pacing: RetryPacingOptions;
  readonly maxReceiveCount: number | undefined;
  readonly random?: () => number;
  readonly logger: Logger;
  readonly signal?: AbortSignalLike;
}

/**
 * Paces the retry of every failed record through its source queue (ChangeMessageVisibilityBatch
 * with the receipt handles from the event): poison comes back at once, other failures back off by
 * receive count. Records without a receipt handle or an SQS source are left as they are.
 */
export async function paceFailedRecords(
  records: readonly SQSRecord[],
  outcomes: readonly MessageOutcome[],
  options: PaceFailedRecordsOptions,
): Promise<void> {
  const recordById = new Map(records.map((record) => [record.messageId, record]));
  const byQueue = new Map<string, Map<string, FailedDelivery>>();
  for (const outcome of outcomes) {
    const failureClass = failureClassOf(outcome);
    const record = recordById.get(outcome.messageId);
    if (failureClass === undefined || !record?.receiptHandle || !record.eventSourceARN) continue;
    const receiveCount = Number(record.attributes?.ApproximateReceiveCount);
    const deliveries = byQueue.get(record.eventSourceARN) ?? new Map<string, FailedDelivery>();
    // By receipt handle: a batch that repeats a message paces it once.
    deliveries.set(record.receiptHandle, {
      messageId: record.messageId,
      receiptHandle: record.receiptHandle,
      receiveCount: Number.isFinite(receiveCount) && receiveCount >= 1 ? receiveCount : 1,
      failureClass,
    });
    byQueue.set(record.eventSourceARN, deliveries);
  }
  for (const [queueArn, deliveries] of byQueue) {
    const visibility = options.visibilityFor(queueArn);
    if (visibility === undefined) continue;
    await paceRetries(visibility, [...deliveries.values()], {
      pacing: options.pacing,
      logger: options.logger,
      ...(options.maxReceiveCount === undefined ? {} : { maxReceiveCount: options.maxReceiveCount }),
      ...(options.random ? { random: options.random } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }
}
