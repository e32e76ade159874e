import type { SQSRecord } from 'aws-lambda';
import {
  type AbortSignalLike,
  describeError,
  type FailedDelivery,
  failureClassOf,
  isDeferred,
  type Logger,
  type MessageOutcome,
  type MessageVisibility,
  paceRetries,
  type RetryPacingOptions,
  type VisibilityChange,
  type VisibilityChangeFailure,
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

/** A deferred record to release, with its trace ids for the line said if that fails. */
interface DeferredDelivery {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly traceId?: string | undefined;
  readonly spanId?: string | undefined;
}

/** One queue's records to hand back: failures paced by why they failed, deferred records released. */
interface QueueHandBack {
  readonly failed: Map<string, FailedDelivery>;
  readonly deferred: Map<string, DeferredDelivery>;
}

/**
 * Paces the retry of every failed record through its source queue (ChangeMessageVisibilityBatch
 * with the receipt handles from the event): poison comes back at once, other failures back off by
 * receive count. Deferred records (FIFO: handed back untried behind a failed record of their group)
 * are released at once instead (`releaseDeferred`). Records without a receipt handle or an SQS
 * source are left as they are.
 */
export async function paceFailedRecords(
  records: readonly SQSRecord[],
  outcomes: readonly MessageOutcome[],
  options: PaceFailedRecordsOptions,
): Promise<void> {
  const recordById = new Map(records.map((record) => [record.messageId, record]));
  const byQueue = new Map<string, QueueHandBack>();
  for (const outcome of outcomes) {
    const failureClass = failureClassOf(outcome);
    const record = recordById.get(outcome.messageId);
    if (failureClass === undefined || !record?.receiptHandle || !record.eventSourceARN) continue;
    const queue = byQueue.get(record.eventSourceARN) ?? { failed: new Map(), deferred: new Map() };
    byQueue.set(record.eventSourceARN, queue);
    // By receipt handle: a batch that repeats a message hands it back once.
    // The record's trace ids ride along, for the line said if its visibility cannot be changed.
    const traceIds = { traceId: outcome.traceId, spanId: outcome.spanId };
    if (isDeferred(outcome)) {
      queue.deferred.set(record.receiptHandle, {
        messageId: record.messageId,
        receiptHandle: record.receiptHandle,
        ...traceIds,
      });
      continue;
    }
    const receiveCount = Number(record.attributes?.ApproximateReceiveCount);
    queue.failed.set(record.receiptHandle, {
      messageId: record.messageId,
      receiptHandle: record.receiptHandle,
      receiveCount: Number.isFinite(receiveCount) && receiveCount >= 1 ? receiveCount : 1,
      failureClass,
      ...traceIds,
    });
  }
  for (const [queueArn, { failed, deferred }] of byQueue) {
    const visibility = options.visibilityFor(queueArn);
    if (visibility === undefined) continue;
    await paceRetries(visibility, [...failed.values()], {
      pacing: options.pacing,
      logger: options.logger,
      ...(options.maxReceiveCount === undefined ? {} : { maxReceiveCount: options.maxReceiveCount }),
      ...(options.random ? { random: options.random } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    await releaseDeferred(visibility, [...deferred.values()], options);
  }
}

/**
 * Makes deferred records visible at once (visibility 0), so their message group is held only as
 * long as the record they wait behind, not for the queue's whole visibility timeout. This cannot
 * let them overtake it: in a FIFO queue a message group delivers nothing while any of its messages
 * is in flight, and that record stays in flight for its own paced delay; when it comes back, the
 * group is received in order, it first. So they return exactly with it, whatever its delay turns
 * out to be (jittered, 0 on its last receive, or the visibility timeout when its pacing call failed),
 * where a delay of their own — even a copy of its — could only hold the group longer.
 *
 * What SQS FIFO still forces: no API lowers a message's receive count, and every receive of the
 * group raises the waiting records' counts in lockstep with the one they wait behind. If its failure
 * outlasts the paced window (DeadLetterTimeline), they are tried only on its last receive (which
 * defers nothing: fifoBatchContext), their own last too — tried once, not never; applying them any
 * earlier would break the group's order.
 */
async function releaseDeferred(
  visibility: MessageVisibility,
  deferred: readonly DeferredDelivery[],
  options: Pick<PaceFailedRecordsOptions, 'logger' | 'signal'>,
): Promise<void> {
  if (deferred.length === 0) return;
  const changes: VisibilityChange[] = deferred.map(({ receiptHandle }) => ({
    receiptHandle,
    visibilityTimeoutSeconds: 0,
  }));
  let notApplied: readonly VisibilityChangeFailure[];
  try {
    notApplied = await visibility.changeVisibilityBatch(changes, options.signal ? { signal: options.signal } : {});
  } catch (error) {
    // The port reports entries instead of throwing; an adapter that throws anyway released nothing.
    const { code, message } = describeError(error);
    notApplied = changes.map(({ receiptHandle }) => ({ receiptHandle, code, message }));
  }
  const byHandle = new Map(deferred.map((delivery) => [delivery.receiptHandle, delivery]));
  for (const failure of notApplied) {
    const delivery = byHandle.get(failure.receiptHandle);
    options.logger.warn('could not release a deferred message; its group waits until its current visibility ends', {
      messageId: delivery?.messageId,
      trace_id: delivery?.traceId,
      span_id: delivery?.spanId,
      errorCode: failure.code,
      errorMessage: failure.message,
    });
  }
  options.logger.info('deferred messages released', {
    released: changes.length - notApplied.length,
    notReleased: notApplied.length,
  });
}
