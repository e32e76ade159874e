import type { FailureClass } from '../errors/infrastructure-error';
import { describeError } from '../errors/infrastructure-error';
import type { AbortSignalLike } from '../ports/abort-signal';
import { silentLogger, type Logger } from '../ports/logger';
import type { MessageVisibility, VisibilityChange } from '../ports/message-queue';
import { DEFAULT_RETRY_PACING, retryDelaySeconds, type RetryPacingOptions } from './retry-pacing';

/** A delivery that failed, with what pacing needs to know about it. */
export interface FailedDelivery {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly receiveCount: number;
  readonly failureClass: FailureClass;
  /** The record's trace and process span (its outcome's), for the line said when its pacing fails. */
  readonly traceId?: string;
  readonly spanId?: string;
}

export interface PacingReport {
  /** Messages whose visibility now says when they come back. */
  readonly paced: number;
  /** Messages whose change failed: they come back after the visibility they already had. */
  readonly notPaced: number;
}

export interface PaceRetriesOptions {
  readonly pacing?: RetryPacingOptions;
  /** The source queue's maxReceiveCount, when known: a message on its last receive goes to the DLQ at once. */
  readonly maxReceiveCount?: number;
  readonly random?: () => number;
  readonly logger?: Logger;
  /** Cuts the visibility calls short (e.g. at the invocation deadline); what was not applied is logged. */
  readonly signal?: AbortSignalLike;
}

/**
 * Sets each failed delivery's visibility to its paced retry delay (`retryDelaySeconds`): poison
 * comes back at once and reaches the DLQ in seconds; transient and systemic failures back off.
 * Never throws and never changes what is reported: a failed record stays failed whether or not its
 * pacing could be applied.
 */
export async function paceRetries(
  visibility: MessageVisibility,
  failed: readonly FailedDelivery[],
  options: PaceRetriesOptions = {},
): Promise<PacingReport> {
  if (failed.length === 0) return { paced: 0, notPaced: 0 };
  const logger = options.logger ?? silentLogger;
  const pacing = options.pacing ?? DEFAULT_RETRY_PACING;
  const changes: VisibilityChange[] = failed.map((delivery) => ({
    receiptHandle: delivery.receiptHandle,
    visibilityTimeoutSeconds: retryDelaySeconds(
      delivery.failureClass,
      delivery.receiveCount,
      pacing,
      options.random,
      options.maxReceiveCount,
    ),
  }));
  const byHandle = new Map(failed.map((delivery) => [delivery.receiptHandle, delivery]));
  let notApplied: readonly { receiptHandle: string; code: string; message: string }[];
  try {
    notApplied = await visibility.changeVisibilityBatch(changes, options.signal ? { signal: options.signal } : {});
  } catch (error) {
    // The port reports entries instead of throwing; an adapter that throws anyway paced nothing.
    const { code, message } = describeError(error);
    notApplied = changes.map(({ receiptHandle }) => ({ receiptHandle, code, message }));
  }
  for (const failure of notApplied) {
    const delivery = byHandle.get(failure.receiptHandle);
    logger.warn('could not pace the retry of a failed message; it comes back after its current visibility', {
      messageId: delivery?.messageId,
      trace_id: delivery?.traceId,
      span_id: delivery?.spanId,
      errorCode: failure.code,
      errorMessage: failure.message,
    });
  }
  const report = { paced: changes.length - notApplied.length, notPaced: notApplied.length };
  logger.info('failed messages paced', {
    ...report,
    longestDelaySeconds: Math.max(...changes.map((change) => change.visibilityTimeoutSeconds)),
  });
  return report;
}
