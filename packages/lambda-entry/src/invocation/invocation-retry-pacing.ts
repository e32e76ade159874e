import type { Context } from 'aws-lambda';
import {
  type Logger,
  maxDelayBeyondSqs,
  pacingWithinVisibilityLimit,
  RETRY_PACING_ENVIRONMENT,
  type RetryPacingOptions,
} from '@orders/core';
import { remainingTimeOf } from './invocation-deadline';

/**
 * How long before an invocation its records may have been received: Lambda's SQS poller gathers a
 * batch for up to the event source's batching window (MaximumBatchingWindowInSeconds, at most 300 s)
 * before it invokes. The event does not say when this delivery was received (its
 * ApproximateFirstReceiveTimestamp is the first delivery's), so the longest window is assumed: a
 * delay capped minutes early costs minutes of hours; one capped too late is refused by SQS, and the
 * record comes back after the queue's visibility timeout instead of after its delay.
 */
export const LONGEST_BATCHING_WINDOW_SECONDS = 300;

/** The pacing for the records failed so far in one invocation: call it when they are paced. */
export type InvocationRetryPacing = () => RetryPacingOptions;

/**
 * The retry pacing of each invocation of one execution environment, capped to what SQS allows: a
 * record's visibility may reach at most 12 h past its receive, which was at the latest the
 * batching window before the invocation started, and the invocation has run since (by Lambda's own
 * countdown, else this process's clock). The first time the configured longest delay cannot be
 * honoured for a record paced at the invocation's end, it says so once, with configured and
 * effective values; each pacing is then capped to what is left at that moment.
 */
export function invocationRetryPacings(
  pacing: RetryPacingOptions,
): (context: Context | undefined, logger: Logger) => InvocationRetryPacing {
  let told = false;
  return (context, logger) => {
    const startedAt = performance.now();
    const startedWithMs = remainingTimeOf(context);
    const elapsedMs = (): number => {
      const remaining = remainingTimeOf(context);
      return startedWithMs !== undefined && remaining !== undefined
        ? startedWithMs - remaining
        : performance.now() - startedAt;
    };
    if (!told) {
      // Paced at the very end: the batching window, then the whole invocation (unknown without a clock).
      const beyond = maxDelayBeyondSqs(
        pacing,
        LONGEST_BATCHING_WINDOW_SECONDS + Math.ceil((startedWithMs ?? 0) / 1000),
      );
      if (beyond !== undefined) {
        told = true;
        logger.warn(
          `${RETRY_PACING_ENVIRONMENT.maxDelaySeconds} cannot be honoured: SQS keeps a message hidden at most 12 h after its receive, so each retry delay is capped to what is left (effectiveMaxDelaySeconds for a record paced at the end of the invocation, received a batching window before it)`,
          { ...beyond },
        );
      }
    }
    return () => pacingWithinVisibilityLimit(pacing, LONGEST_BATCHING_WINDOW_SECONDS + Math.max(0, elapsedMs()) / 1000);
  };
}
