import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { MessageQueue, ReceivedMessage } from '@orders/core';
import { readBatchItemFailures } from '../event-source/batch-item-failures';
import { sqsEventOf } from '../event-source/sqs-event';
import { lambdaContext } from './lambda-context';

/** An SQS function called in process: what the OrderProcessor handler (or any other) is. */
export type InProcessSqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined | null>;

export interface EventSourceMappingOptions {
  readonly queue: MessageQueue;
  readonly queueArn: string;
  readonly handler: InProcessSqsHandler;
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
 * Drives a handler, in this process, the way Lambda's SQS event source mapping does: receive up to `batchSize`
 * messages, invoke, delete the records not reported as failures, and leave the rest to come back
 * when their visibility timeout runs out (and go to the DLQ after maxReceiveCount). Lambda's
 * rules for the response are applied as written (`readBatchItemFailures`, with
 * ReportBatchItemFailures on). One poller, no batching window, no timeout: for the simulator and
 * the soak on a manual clock. `SqsEventSource` feeds a `LocalLambda` the same way, in real time.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { advanceClockWhenIdle, createOrderPipeline, ManualClock } from '@orders/adapters-memory';
 * import { runEventSourceMapping } from '@orders/lambda-local';
 *
 * // SNS → SQS → DLQ in memory on a manual clock, and a handler that fails every record it is given.
 * const clock = new ManualClock();
 * const pipeline = createOrderPipeline({ maxReceiveCount: 3, clock });
 * await pipeline.topic.publish({ body: 'an order' });
 * const report = await runEventSourceMapping({
 *   queue: pipeline.queue,
 *   queueArn: pipeline.queue.arn,
 *   handler: async (event) => ({ batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) }),
 *   onIdle: advanceClockWhenIdle(pipeline.queue, clock), // waits out visibility timeouts at once
 * });
 * assert.equal(report.invocations, 3); // three receives, then SQS's redrive policy moves it
 * assert.equal(pipeline.deadLetterQueue.peekAll().length, 1);
 * ```
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
  const createContext = options.createContext ?? (() => lambdaContext());

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
  let response: unknown;
  try {
    response = await options.handler(sqsEventOf(messages, options.queueArn), context);
  } catch {
    return 'whole-batch';
  }
  const verdict = readBatchItemFailures(response, new Set(messages.map((m) => m.messageId)), true);
  return verdict.kind === 'partial' ? verdict.failedIds : 'whole-batch';
}
