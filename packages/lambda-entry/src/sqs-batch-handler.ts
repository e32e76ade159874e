import type { Context, SQSBatchItemFailure, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import {
  errorLogFields,
  type InboundMessage,
  isDeferred,
  type Logger,
  type MessageVisibility,
  type ProcessOrderBatch,
  type RetryPacingOptions,
} from '@orders/core';
import { fifoBatchContext, isFifoSource } from './invocation/fifo-groups';
import { traceFlusher } from './invocation/flush-traces';
import { FullBatchFailureError, fullBatchFailure } from './invocation/full-batch-failure';
import { invocationDeadlines } from './invocation/invocation-deadline';
import { invocationRetryPacings } from './invocation/invocation-retry-pacing';
import { paceFailedRecords } from './invocation/pace-failed-records';

export type SqsBatchHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

export interface SqsBatchHandlerDependencies {
  readonly processOrderBatch: ProcessOrderBatch;
  readonly logger: Logger;
  /**
   * Records not yet started with less than this left before the Lambda timeout are failed for
   * redelivery. Undefined: a tenth of the time the invocation starts with, at most 3 s. A margin
   * over half that time is cut to half, and said once (`invocation-deadline.ts`).
   */
  readonly deadlineMarginMs: number | undefined;
  /**
   * How failed records' retries are paced, and through which queue (by the event's source ARN).
   * Each delay is capped to what SQS still allows the record (`invocation-retry-pacing.ts`).
   */
  readonly retryPacing: RetryPacingOptions;
  /** The source queue's maxReceiveCount, when known (a last receive then goes to the DLQ at once). */
  readonly maxReceiveCount?: number | undefined;
  readonly visibilityFor: (queueArn: string) => MessageVisibility | undefined;
  /** Jitter source for the pacing (tests pin it). */
  readonly random?: () => number;
  /** Called once per invocation, after the batch, whatever happened (e.g. to flush EMF metrics). */
  readonly onInvocationEnd?: () => void;
  /** Called at the start of each invocation (e.g. to attach the request id to the logger). */
  readonly onInvocationStart?: (context: Context) => void;
  /**
   * The process's tracing: while it is enabled, each invocation exports its spans before it
   * answers, after everything else, within the time it has left (`flush-traces.ts`).
   */
  readonly tracing?: { readonly enabled: boolean; forceFlush(): Promise<void> };
}

/** Thrown when the event is not an SQS event we can answer for record by record. */
export class MalformedEventError extends Error {
  override readonly name = 'MalformedEventError';
  readonly code = 'malformed_event';
}

function toInboundMessage(record: SQSRecord, index: number): InboundMessage {
  // Lambda fails the whole batch for an itemIdentifier that is empty or not in the batch, so a
  // record without a usable messageId cannot be reported alone: refuse the event instead.
  if (typeof record?.messageId !== 'string' || record.messageId === '') {
    throw new MalformedEventError(`Records[${index}] has no messageId: the event is not an SQS event`);
  }
  const receiveCount = Number(record.attributes?.ApproximateReceiveCount);
  // What the record's trace continues from: raw delivery's message attributes, X-Ray's header.
  const messageAttributes = stringAttributes(record.messageAttributes);
  const awsTraceHeader = record.attributes?.AWSTraceHeader;
  const queueName = queueNameOf(record.eventSourceARN);
  return {
    messageId: record.messageId,
    // A record without a string body is an invalid message, not a crash: decoding reports it.
    body: typeof record.body === 'string' ? record.body : '',
    ...(Number.isFinite(receiveCount) ? { receiveCount } : {}),
    ...(queueName === undefined ? {} : { queueName }),
    ...(messageAttributes === undefined ? {} : { messageAttributes }),
    ...(typeof awsTraceHeader === 'string' ? { awsTraceHeader } : {}),
  };
}

/** A record's String-typed message attributes (`String`, `String.<custom>`) by name; undefined when none. */
function stringAttributes(attributes: SQSRecord['messageAttributes'] | undefined): Record<string, string> | undefined {
  if (typeof attributes !== 'object' || attributes === null) return undefined;
  let strings: Record<string, string> | undefined;
  for (const name of Object.keys(attributes)) {
    const attribute = attributes[name];
    if (typeof attribute?.stringValue !== 'string' || !String(attribute.dataType).startsWith('String')) continue;
    strings ??= {};
    strings[name] = attribute.stringValue;
  }
  return strings;
}

/** The queue's name from the record's `eventSourceARN` (`arn:aws:sqs:<region>:<account>:<name>`). */
function queueNameOf(eventSourceArn: unknown): string | undefined {
  if (typeof eventSourceArn !== 'string') return undefined;
  const name = eventSourceArn.slice(eventSourceArn.lastIndexOf(':') + 1);
  return name === '' ? undefined : name;
}

/**
 * The OrderProcessor handler: runs the batch through the use case and answers with exactly the
 * failed records (`ReportBatchItemFailures`), so successes are deleted and only failures come
 * back — paced by why they failed (poison at once, outages backing off), and after
 * maxReceiveCount deliveries in the DLQ. It never swallows a failure: an error that is not one
 * record's throws, and Lambda retries the whole batch; and when every record failed for a reason
 * other than poison, the invocation fails too, so the outage shows in the `Errors` alarm. On a FIFO
 * source, records deferred behind a failed record of their group are reported too, but are not
 * failures of their own (`fifo-groups.ts`).
 */
export function createSqsBatchHandler(dependencies: SqsBatchHandlerDependencies): SqsBatchHandler {
  const { processOrderBatch, logger } = dependencies;
  // Built once per execution environment: each says once when a setting cannot be honoured.
  const deadlineFor = invocationDeadlines(dependencies.deadlineMarginMs);
  const retryPacingFor = invocationRetryPacings(dependencies.retryPacing);
  const { tracing } = dependencies;
  const flushTraces = tracing === undefined ? undefined : traceFlusher(() => tracing.forceFlush());
  return async (event, context) => {
    const invocationLogger = logger.child({ requestId: context?.awsRequestId });
    const deadline = deadlineFor(context, invocationLogger);
    const retryPacing = retryPacingFor(context, invocationLogger);
    try {
      dependencies.onInvocationStart?.(context);
      if (!event || !Array.isArray(event.Records)) throw new MalformedEventError('the event has no Records array');
      const messages = event.Records.map(toInboundMessage);
      const batchContext = {
        logger: invocationLogger,
        ...(deadline ? { shouldStop: deadline.shouldStop, signal: deadline.saveSignal } : {}),
      };
      const result = await processOrderBatch.execute(
        messages,
        isFifoSource(event.Records)
          ? fifoBatchContext(event.Records, batchContext, dependencies.maxReceiveCount)
          : batchContext,
      );
      await paceFailedRecords(event.Records, result.outcomes, {
        visibilityFor: dependencies.visibilityFor,
        pacing: retryPacing(),
        maxReceiveCount: dependencies.maxReceiveCount,
        logger: invocationLogger,
        ...(dependencies.random ? { random: dependencies.random } : {}),
        ...(deadline ? { signal: deadline.pacingSignal } : {}),
      });
      const everyRecordFailed = fullBatchFailure(result.outcomes);
      if (everyRecordFailed) throw everyRecordFailed;
      const batchItemFailures: SQSBatchItemFailure[] = result.failedMessageIds.map((itemIdentifier) => ({
        itemIdentifier,
      }));
      invocationLogger.info('batch processed', {
        batchSize: messages.length,
        failed: batchItemFailures.length,
        deferred: result.outcomes.filter(isDeferred).length,
        // Saves DynamoDB throttled, and the environment's limit on saves in flight as the batch ended.
        throttledSaves: result.throttledSaves,
        writeConcurrency: result.writeConcurrency,
      });
      return { batchItemFailures };
    } catch (error) {
      if (error instanceof FullBatchFailureError) {
        invocationLogger.error('every record failed and not as poison; failing the invocation (retries are paced)', {
          ...errorLogFields(error),
          failures: error.failures.map((f) => ({ ...f })),
        });
      } else {
        invocationLogger.error('batch failed as a whole; Lambda will retry every record', errorLogFields(error));
      }
      throw error;
    } finally {
      deadline?.dispose();
      dependencies.onInvocationEnd?.();
      if (tracing?.enabled) await flushTraces?.(context, invocationLogger);
    }
  };
}
