import type { Context, SQSBatchResponse } from 'aws-lambda';
import type { MessageQueue, ReceivedMessage } from '@orders/core';
import type { SqsBatchHandler } from '../sqs-batch-handler';
import { toSqsEvent } from './sqs-event-from-messages';

export interface EventSourceMappingOptions {
  readonly queue: MessageQueue;
  readonly queueArn: string;
  readonly handler: SqsBatchHandler;
  /** Records per invocation, 1–10 (SQS receives at most 10 at once). */
  readonly batchSize?: number;
  /** Long-poll wait for each receive (0 for the in-memory queue). */
  readonly waitTimeSeconds?: number;
  /**
   * Called when a receive returns nothing. Return true to poll again (after, say, moving a
   * manual clock past the visibility timeout), false to stop. Default: stop.
   */
  readonly onIdle?: () => boolean | Promise<boolean>;
  /** A safety bound on invocations, so a runaway loop ends. Default: unbounded. */
  readonly maxInvocations?: number;
  readonly createContext?: (invocation: number) => Context;
}

export interface EventSourceMappingReport {
  readonly invocations: number;
  readonly recordsDelivered: number;
  readonly recordsDeleted: number;
  /** Records left on the queue for redelivery: reported failures, or whole failed batches. */
  readonly recordsReturned: number;
  /** Invocations that threw or answered with a response Lambda would reject (whole batch retried). */
  readonly failedInvocations: number;
  readonly deleteFailures: number;
}

/**
 * Drives a handler the way Lambda's SQS event source mapping does: receive up to `batchSize`
 * messages, invoke, delete the records not reported as failures, and leave the rest to come back
 * when their visibility timeout runs out (and go to the DLQ after maxReceiveCount). Lambda's
 * rules for the response are applied as written: an empty or missing response means everything
 * succeeded; a throw, or an itemIdentifier that is empty or not in the batch, fails the batch.
 */
export async function runEventSourceMapping(options: EventSourceMappingOptions): Promise<EventSourceMappingReport> {
  const batchSize = options.batchSize ?? 10;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10)
    throw new RangeError('batchSize must be from 1 to 10');
  const report = {
    invocations: 0,
    recordsDelivered: 0,
    recordsDeleted: 0,
    recordsReturned: 0,
    failedInvocations: 0,
    deleteFailures: 0,
  };
  const createContext = options.createContext ?? localContext;

  while (options.maxInvocations === undefined || report.invocations < options.maxInvocations) {
    const messages = await options.queue.receive({
      maxMessages: batchSize,
      waitTimeSeconds: options.waitTimeSeconds ?? 0,
    });
    if (messages.length === 0) {
      if (await (options.onIdle?.() ?? false)) continue;
      break;
    }
    report.invocations++;
    report.recordsDelivered += messages.length;
    const failedIds = await invoke(options, messages, createContext(report.invocations));
    if (failedIds === 'whole-batch') {
      report.failedInvocations++;
      report.recordsReturned += messages.length;
      continue;
    }
    const toDelete = messages.filter((m) => !failedIds.has(m.messageId)).map((m) => m.receiptHandle);
    const deleteFailures = toDelete.length > 0 ? await options.queue.deleteBatch(toDelete) : [];
    report.deleteFailures += deleteFailures.length;
    report.recordsDeleted += toDelete.length - deleteFailures.length;
    report.recordsReturned += messages.length - toDelete.length;
  }
  return report;
}

async function invoke(
  options: EventSourceMappingOptions,
  messages: readonly ReceivedMessage[],
  context: Context,
): Promise<ReadonlySet<string> | 'whole-batch'> {
  let response: SQSBatchResponse | undefined | null;
  try {
    response = (await options.handler(toSqsEvent(messages, options.queueArn), context)) as
      | SQSBatchResponse
      | undefined
      | null;
  } catch {
    return 'whole-batch';
  }
  return failedIdentifiers(response, new Set(messages.map((m) => m.messageId)));
}

/** Lambda's reading of a partial batch response. */
export function failedIdentifiers(
  response: unknown,
  batchIds: ReadonlySet<string>,
): ReadonlySet<string> | 'whole-batch' {
  if (response === undefined || response === null) return new Set();
  if (typeof response !== 'object') return 'whole-batch';
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return new Set();
  if (!Array.isArray(failures)) return 'whole-batch';
  const ids = new Set<string>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || id === '' || !batchIds.has(id)) return 'whole-batch';
    ids.add(id);
  }
  return ids;
}

let requestCounter = 0;
function localContext(invocation: number): Context {
  const deadline = Date.now() + 30_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'OrderProcessor',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:OrderProcessor',
    memoryLimitInMB: '256',
    awsRequestId: `local-${invocation}-${++requestCounter}`,
    logGroupName: '/aws/lambda/OrderProcessor',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
