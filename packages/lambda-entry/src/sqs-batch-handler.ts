import type { Context, SQSBatchItemFailure, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { BatchResult, InboundMessage, Logger, ProcessOrderBatch } from '@orders/core';

export type SqsBatchHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

export interface SqsBatchHandlerDependencies {
  readonly processOrderBatch: ProcessOrderBatch;
  readonly logger: Logger;
  /** Records not yet started with less than this left before the Lambda timeout are failed for redelivery. */
  readonly deadlineMarginMs: number;
  /** Called once per invocation, after the batch, whatever happened (e.g. to flush EMF metrics). */
  readonly onInvocationEnd?: () => void;
  /** Called at the start of each invocation (e.g. to attach the request id to the logger). */
  readonly onInvocationStart?: (context: Context) => void;
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
  return {
    messageId: record.messageId,
    // A record without a string body is an invalid message, not a crash: decoding reports it.
    body: typeof record.body === 'string' ? record.body : '',
    ...(Number.isFinite(receiveCount) ? { receiveCount } : {}),
  };
}

/** True once less than the margin is left. A context whose clock throws means "no deadline known". */
function deadlineCheck(context: Context, marginMs: number): () => boolean {
  return () => {
    try {
      return context.getRemainingTimeInMillis() < marginMs;
    } catch {
      return false;
    }
  };
}

const isFifoSource = (records: readonly SQSRecord[]): boolean => records[0]?.eventSourceARN?.endsWith('.fifo') ?? false;

/**
 * The OrderProcessor handler: runs the batch through the use case and answers with exactly the
 * failed records (`ReportBatchItemFailures`), so successes are deleted and only failures come
 * back — and, after maxReceiveCount deliveries, land in the DLQ. It never swallows a failure:
 * an error that is not one record's throws, and Lambda retries the whole batch.
 */
export function createSqsBatchHandler(dependencies: SqsBatchHandlerDependencies): SqsBatchHandler {
  const { processOrderBatch, logger, deadlineMarginMs } = dependencies;
  return async (event, context) => {
    const invocationLogger = logger.child({ requestId: context?.awsRequestId });
    try {
      dependencies.onInvocationStart?.(context);
      if (!event || !Array.isArray(event.Records)) throw new MalformedEventError('the event has no Records array');
      const messages = event.Records.map(toInboundMessage);
      const shouldStop =
        typeof context?.getRemainingTimeInMillis === 'function' ? deadlineCheck(context, deadlineMarginMs) : undefined;
      const batchContext = { logger: invocationLogger, ...(shouldStop ? { shouldStop } : {}) };
      const result = isFifoSource(event.Records)
        ? await processInOrder(processOrderBatch, messages, batchContext)
        : await processOrderBatch.execute(messages, batchContext);
      const batchItemFailures: SQSBatchItemFailure[] = result.failedMessageIds.map((itemIdentifier) => ({
        itemIdentifier,
      }));
      invocationLogger.info('batch processed', { batchSize: messages.length, failed: batchItemFailures.length });
      return { batchItemFailures };
    } catch (error) {
      invocationLogger.error('batch failed as a whole; Lambda will retry every record', {
        errorName: error instanceof Error ? error.name : 'NonError',
        errorCode:
          (error as { code?: unknown })?.code === undefined
            ? 'unexpected_error'
            : String((error as { code?: unknown }).code),
        errorMessage: error instanceof Error ? error.message : undefined,
      });
      throw error;
    } finally {
      dependencies.onInvocationEnd?.();
    }
  };
}

/**
 * FIFO queues keep order within a message group, so after the first failure every later record
 * must be handed back too (AWS's rule for partial batch responses on FIFO sources).
 */
async function processInOrder(
  processOrderBatch: ProcessOrderBatch,
  messages: readonly InboundMessage[],
  batchContext: Parameters<ProcessOrderBatch['execute']>[1],
): Promise<BatchResult> {
  const outcomes: BatchResult['outcomes'][number][] = [];
  const failed: string[] = [];
  for (const [index, message] of messages.entries()) {
    const single = await processOrderBatch.execute([message], batchContext);
    outcomes.push(...single.outcomes);
    if (single.failedMessageIds.length > 0) {
      failed.push(...messages.slice(index).map((m) => m.messageId));
      break;
    }
  }
  return { outcomes, failedMessageIds: [...new Set(failed)] };
}
