import type { SQSEvent } from 'aws-lambda';
import {
  DRAINING_WAIT_SECONDS,
  type MessageQueue,
  messagesLeft,
  type QueueDepth,
  type ReceivedMessage,
} from '@orders/core';
import { LambdaLocalError } from '../errors';
import type { InvocationResult } from '../host/invocation-result';
import { readBatchItemFailures } from './batch-item-failures';
import { sqsEventOf } from './sqs-event';

/** What the poller needs of a queue beyond receiving and deleting: how much is left in it. */
export type QueueDepthProbe = () => Promise<QueueDepth>;

export interface SqsEventSourceOptions {
  readonly queue: MessageQueue;
  readonly queueArn: string;
  /** The function: a synchronous invoke (LocalLambda.invoke, or any stand-in). */
  readonly invoke: (event: SQSEvent) => Promise<InvocationResult>;
  /** Records per invocation, 1–10,000 (above 10 needs a batching window, as in Lambda). */
  readonly batchSize: number;
  /** Seconds to gather records before invoking with fewer than batchSize, 0–300. */
  readonly maximumBatchingWindowSeconds: number;
  /** Whether a partial batch response counts (`FunctionResponseTypes: [ReportBatchItemFailures]`). */
  readonly reportBatchItemFailures: boolean;
  /** Long-poll wait of a receive when no batching window applies. Default 20 s, as Lambda polls. */
  readonly waitTimeSeconds?: number;
  /** Stop once the queue has nothing visible, in flight or delayed (checked when a receive comes back short). */
  readonly untilEmpty?: QueueDepthProbe;
  /** Called after each invocation. */
  readonly onBatch?: (report: BatchReport) => void;
  /** Called when a receive fails (the poller backs off and tries again). */
  readonly onReceiveError?: (error: unknown, consecutive: number) => void;
  /** How long past its long-poll wait a receive may stay unanswered before it is abandoned. Default 10 s. */
  readonly receiveGraceMs?: number;
  /** Consecutive failed receives before the poller gives up with an error. Default 10. */
  readonly maxConsecutiveReceiveErrors?: number;
}

export interface BatchReport {
  readonly requestId: string;
  readonly records: number;
  readonly deleted: number;
  /** Left on the queue: they come back after the visibility timeout (or go to the DLQ). */
  readonly left: number;
  readonly deleteFailures: number;
  readonly coldStart: boolean;
  readonly durationMs: number;
  /** `success`, or why the whole batch was left. */
  readonly outcome: 'success' | 'partial' | InvocationResultFailureKind | 'invalid-response';
  readonly errorType?: string;
  readonly detail?: string;
}

type InvocationResultFailureKind = Extract<InvocationResult, { status: 'error' }>['kind'];

export interface EventSourceReport {
  readonly invocations: number;
  readonly received: number;
  readonly deleted: number;
  readonly left: number;
  /** Invocations whose whole batch was left (function error, init error, timeout, crash, invalid response). */
  readonly failedInvocations: number;
  readonly coldStarts: number;
  readonly deleteFailures: number;
  readonly receiveErrors: number;
  readonly stoppedBy: 'signal' | 'empty';
}

type EventSourceCounts = { -readonly [K in Exclude<keyof EventSourceReport, 'stoppedBy'>]: number };

const zeroCounts = (): EventSourceCounts => ({
  invocations: 0,
  received: 0,
  deleted: 0,
  left: 0,
  failedInvocations: 0,
  coldStarts: 0,
  deleteFailures: 0,
  receiveErrors: 0,
});

/** Several pollers' reports as one: counts added; stopped by `empty` only when every poller was. */
export function combineEventSourceReports(reports: readonly EventSourceReport[]): EventSourceReport {
  const total = zeroCounts();
  for (const report of reports) {
    for (const key of Object.keys(total) as (keyof EventSourceCounts)[]) total[key] += report[key];
  }
  return { ...total, stoppedBy: reports.every((r) => r.stoppedBy === 'empty') ? 'empty' : 'signal' };
}

export class EventSourceError extends LambdaLocalError {
  override readonly name = 'EventSourceError';
}

/** Lambda's synchronous invoke payload limit: a batch is cut so that its event fits. */
const MAX_EVENT_BYTES = 6_291_456;
const SQS_MAX_RECEIVE = 10;
const BACKOFF_INITIAL_MS = 500;
/**
 * A receive that has not answered this long after its long poll should have ended is abandoned
 * (a half-open connection would otherwise hold the poller forever). Messages SQS may have handed
 * to it come back after their visibility timeout.
 */
const RECEIVE_GRACE_MS = 10_000;
const BACKOFF_MAX_MS = 20_000;

/**
 * Lambda's SQS event source mapping, locally: long-poll the queue, gather up to `batchSize`
 * records within the batching window, invoke the function synchronously, then apply Lambda's rules
 * to the result: a success deletes every record except those a partial batch response names (when
 * ReportBatchItemFailures is on); an invocation that failed in any way (function error, init error,
 * timeout, crash) or answered with an invalid partial response deletes nothing, so the whole batch
 * comes back after the visibility timeout and moves to the DLQ after maxReceiveCount receives.
 * `run` returns when its signal fires (the batch in flight is finished first) or, with
 * `untilEmpty`, when the queue is drained.
 */
export class SqsEventSource {
  private readonly report = zeroCounts();

  constructor(private readonly options: SqsEventSourceOptions) {
    const { batchSize, maximumBatchingWindowSeconds: window } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
      throw new RangeError(`batchSize must be an integer from 1 to 10000, got ${batchSize}`);
    }
    if (!Number.isInteger(window) || window < 0 || window > 300) {
      throw new RangeError(`maximumBatchingWindowSeconds must be an integer from 0 to 300, got ${window}`);
    }
    if (batchSize > SQS_MAX_RECEIVE && window < 1) {
      throw new RangeError(`batchSize ${batchSize} > 10 needs a batching window of at least 1 second (Lambda's rule)`);
    }
  }

  async run(signal: AbortSignal): Promise<EventSourceReport> {
    let consecutiveErrors = 0;
    // With untilEmpty, drained is checked before the first long poll and after every short receive.
    let checkDrained = this.options.untilEmpty !== undefined;
    while (!signal.aborted) {
      if (checkDrained && (await this.isDrained())) return { ...this.report, stoppedBy: 'empty' };
      let messages: ReceivedMessage[];
      let short: boolean;
      try {
        ({ messages, short } = await this.gather(signal));
        consecutiveErrors = 0;
      } catch (error) {
        consecutiveErrors++;
        this.report.receiveErrors++;
        this.options.onReceiveError?.(error, consecutiveErrors);
        if (consecutiveErrors >= (this.options.maxConsecutiveReceiveErrors ?? 10)) {
          throw new EventSourceError(
            'receive_failing',
            `${consecutiveErrors} receives in a row failed; the last: ${error instanceof Error ? error.message : String(error)}`,
            { cause: error },
          );
        }
        await sleep(Math.min(BACKOFF_MAX_MS, BACKOFF_INITIAL_MS * 2 ** (consecutiveErrors - 1)), signal);
        continue;
      }
      if (messages.length > 0) await this.invokeWith(messages);
      checkDrained = short && this.options.untilEmpty !== undefined;
    }
    return { ...this.report, stoppedBy: 'signal' };
  }

  /**
   * Receives until the batch is full, the batching window is over, or (without a window) the first
   * receive returns. Records that would push the event past 6 MB are released at once.
   */
  private async gather(signal: AbortSignal): Promise<{ messages: ReceivedMessage[]; short: boolean }> {
    const { batchSize, maximumBatchingWindowSeconds: window, queue } = this.options;
    const messages: ReceivedMessage[] = [];
    const seen = new Set<string>();
    const windowEnds = Date.now() + window * 1000;
    let bytes = 0;
    let short = false;
    do {
      const wanted = Math.min(SQS_MAX_RECEIVE, batchSize - messages.length);
      const longPollSeconds =
        window > 0
          ? Math.min(20, Math.max(0, Math.ceil((windowEnds - Date.now()) / 1000)))
          : (this.options.waitTimeSeconds ?? 20);
      // With untilEmpty, every receive is evidence: a poison message moves to the DLQ under a
      // receive that answers nothing, which must not wait out a 20 s long poll (DRAINING_WAIT_SECONDS).
      const waitTimeSeconds =
        this.options.untilEmpty === undefined ? longPollSeconds : Math.min(longPollSeconds, DRAINING_WAIT_SECONDS);
      const bounded = AbortSignal.any([
        signal,
        AbortSignal.timeout(waitTimeSeconds * 1000 + (this.options.receiveGraceMs ?? RECEIVE_GRACE_MS)),
      ]);
      const received = await queue.receive({ maxMessages: wanted, waitTimeSeconds, signal: bounded });
      short = received.length < wanted;
      const overflow: string[] = [];
      for (const message of received) {
        if (seen.has(message.messageId)) continue;
        const size = Buffer.byteLength(message.body) + 1024; // the record's own fields
        if (messages.length > 0 && bytes + size > MAX_EVENT_BYTES) {
          overflow.push(message.receiptHandle);
          continue;
        }
        seen.add(message.messageId);
        bytes += size;
        messages.push(message);
      }
      // Best effort: a release that fails leaves the record to come back after its visibility timeout.
      if (overflow.length > 0) {
        await queue
          .changeVisibilityBatch(overflow.map((receiptHandle) => ({ receiptHandle, visibilityTimeoutSeconds: 0 })))
          .catch(() => undefined);
      }
      if (overflow.length > 0 || window === 0) break;
    } while (messages.length < batchSize && Date.now() < windowEnds && !signal.aborted);
    return { messages, short: short && messages.length < batchSize };
  }

  private async invokeWith(messages: readonly ReceivedMessage[]): Promise<void> {
    this.report.invocations++;
    this.report.received += messages.length;
    const result = await this.options.invoke(sqsEventOf(messages, this.options.queueArn));
    if (result.coldStart) this.report.coldStarts++;
    const facts = {
      requestId: result.requestId,
      records: messages.length,
      coldStart: result.coldStart,
      durationMs: result.durationMs,
    };
    if (result.status === 'error') {
      this.leaveAll(messages, {
        ...facts,
        outcome: result.kind,
        errorType: result.error.errorType,
        detail: result.error.errorMessage,
      });
      return;
    }
    const verdict = readBatchItemFailures(
      result.payload,
      new Set(messages.map((m) => m.messageId)),
      this.options.reportBatchItemFailures,
    );
    if (verdict.kind === 'whole-batch-failed') {
      this.leaveAll(messages, { ...facts, outcome: 'invalid-response', detail: verdict.reason });
      return;
    }
    const succeeded = messages.filter((m) => !verdict.failedIds.has(m.messageId)).map((m) => m.receiptHandle);
    const deleteFailures = succeeded.length > 0 ? await this.options.queue.deleteBatch(succeeded) : [];
    const deleted = succeeded.length - deleteFailures.length;
    this.report.deleted += deleted;
    this.report.left += messages.length - deleted;
    this.report.deleteFailures += deleteFailures.length;
    this.options.onBatch?.({
      ...facts,
      deleted,
      left: messages.length - deleted,
      deleteFailures: deleteFailures.length,
      outcome: verdict.failedIds.size === 0 ? 'success' : 'partial',
      ...(deleteFailures[0] === undefined ? {} : { detail: `delete failed: ${deleteFailures[0].message}` }),
    });
  }

  /** The invocation failed as a whole: every message is left for redelivery, none deleted. */
  private leaveAll(
    messages: readonly ReceivedMessage[],
    batch: Omit<BatchReport, 'deleted' | 'left' | 'deleteFailures'>,
  ): void {
    this.report.failedInvocations++;
    this.report.left += messages.length;
    this.options.onBatch?.({ ...batch, deleted: 0, left: messages.length, deleteFailures: 0 });
  }

  private async isDrained(): Promise<boolean> {
    // It holds nothing while it asks: every message the queue counts is left to do.
    return messagesLeft(await (this.options.untilEmpty as QueueDepthProbe)()) === 0;
  }
}

/** Waits, or less if the signal fires. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
