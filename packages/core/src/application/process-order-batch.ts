import { type DecodeResult, decodeOrderMessage } from '../messages/decode-message';
import type { InboundMessage } from '../messages/inbound-message';
import { describeError, type ErrorDescription, isThrottled } from '../errors/infrastructure-error';
import { systemClock, type Clock } from '../ports/clock';
import { silentLogger, type LogFields, type Logger } from '../ports/logger';
import { noMetrics, type MetricsRecorder } from '../ports/metrics';
import { SAVE_OUTCOMES, type SaveOutcome, type SaveResult } from '../domain/save-decision';
import type { AbortSignalLike } from '../ports/abort-signal';
import type { OrderRepository } from '../ports/order-repository';
import { noRecordTracing, type RecordTrace, type RecordTracing } from '../ports/record-tracing';
import { AdaptiveConcurrency, type ConcurrencyChange } from './adaptive-concurrency';
import { mapWithConcurrency } from './map-with-concurrency';
import {
  countByStatus,
  type FailedOutcome,
  failureClassOf,
  isDeferred,
  isFailure,
  type MessageOutcome,
  outcomeErrorCode,
  tallyFailures,
} from './message-outcome';
import { endRecordTrace, startRecordTrace, type TraceIds, traceIdsOf, traceUntried } from './record-traces';
import { type WriteEnd, WritePermits } from './write-permits';

export interface ProcessOrderBatchDependencies {
  readonly repository: OrderRepository;
  readonly logger?: Logger;
  readonly metrics?: MetricsRecorder;
  readonly clock?: Clock;
  /**
   * Traces each record: one process span, continuing the trace its producer propagated (default:
   * `noRecordTracing`, which records nothing; a record's log line and stored item still carry the
   * producer's trace id).
   */
  readonly tracing?: RecordTracing;
}

export interface ProcessOrderBatchOptions {
  /**
   * Most saves in flight at once: within a batch, and across every batch this use case runs at the
   * same time (the consumer's pollers share one use case). Enough to hide a store's round trip,
   * bounded to spare its sockets. It is the ceiling of an adaptive limit: while the store throttles,
   * fewer saves run at once, and the limit climbs back afterwards (`AdaptiveConcurrency`).
   */
  readonly concurrency?: number;
  /**
   * How long saves must go on succeeding, unthrottled, before the adaptive limit grows by one (ms,
   * default 1,000).
   */
  readonly concurrencyIncreaseIntervalMs?: number;
}

/** The process's write concurrency as it stands: the adaptive limit, its ceiling, the saves in flight. */
export interface WriteConcurrency {
  readonly limit: number;
  readonly max: number;
  readonly inFlight: number;
}

/** Why a record is handed back untried: it must not overtake an earlier message of the batch that failed. */
export interface Deferral {
  /** The messageId of the earlier message it waits behind. */
  readonly behind: string;
  /** The outcome's error: what its log line says (e.g. `fifo_group_blocked`). */
  readonly reason: ErrorDescription;
}

export interface BatchContext {
  /** A logger carrying the invocation's correlation ids (e.g. the Lambda request id). */
  readonly logger?: Logger;
  /**
   * Asked before each record starts. Once it says stop, records not yet started are reported as
   * `failed` (code `deadline_exceeded`) so the queue redelivers just them, instead of the whole
   * invocation timing out and every record, successes included, coming back.
   */
  readonly shouldStop?: () => boolean;
  /** Records in flight at once for this call (e.g. 1 for a FIFO source); default: the use case's bound. */
  readonly concurrency?: number;
  /**
   * Asked before each record starts (after `shouldStop`): a reason to hand the record back unprocessed
   * (it becomes a `failed` outcome with that error, logged and counted like any other), or undefined.
   */
  readonly handBack?: (message: InboundMessage) => ErrorDescription | undefined;
  /**
   * Asked before each record starts, before anything else (an order, not a failure, decides it):
   * an earlier message of the batch this record must not overtake, whose failure may still succeed
   * on a retry, or undefined. The record is then handed back untried as a deferred `failed` outcome
   * (`deferredBehind`): reported to the queue and logged, but counted apart from the failures.
   */
  readonly deferBehind?: (message: InboundMessage) => Deferral | undefined;
  /** Told each record's outcome as soon as it is known (before later records start, at concurrency 1). */
  readonly onOutcome?: (message: InboundMessage, outcome: MessageOutcome) => void;
  /**
   * Aborts the saves still in flight (their store requests are cancelled and the records fail as
   * `deadline_exceeded`), so no save outlives the invocation that started it.
   */
  readonly signal?: AbortSignalLike;
}

export interface BatchResult {
  /** One outcome per message, in input order. */
  readonly outcomes: readonly MessageOutcome[];
  /** The ids of the messages to report as failed (each once): invalid and failed outcomes. */
  readonly failedMessageIds: readonly string[];
  /** Saves of this batch the store throttled on some attempt (retried to success or not). */
  readonly throttledSaves: number;
  /** The process's limit on saves in flight as the batch ended (the configured concurrency, unless throttled). */
  readonly writeConcurrency: number;
}

/** What one batch's saves told the adaptive limit: counted for its metrics, each change logged. */
interface BatchWrites {
  readonly logger: Logger;
  throttledSaves: number;
}

const KNOWN_SAVE_OUTCOMES: ReadonlySet<unknown> = new Set<SaveOutcome>(SAVE_OUTCOMES);

function isSaveResult(value: unknown): value is SaveResult {
  return typeof value === 'object' && value !== null && KNOWN_SAVE_OUTCOMES.has((value as SaveResult).outcome);
}

/**
 * Saves in flight at once by default (the adaptive limit's ceiling). 100 puts a batch of up to 100
 * records all in flight (measured against an all-in-flight floor in docs/benchmarks.md); the AWS
 * SDK's own agent still caps a process at 50 sockets, so the store never sees more than that.
 */
export const DEFAULT_CONCURRENCY = 100;

/**
 * The use case: decode, validate and store each message of a batch, concurrently within a bound,
 * and say what happened to each one. Never throws for one message's sake: a bad message is an
 * `invalid` outcome, a storage error a `failed` one, and the others carry on.
 *
 * Its saves, whichever batch they belong to, share one adaptive limit (`AdaptiveConcurrency`, one
 * per use case, so one per process as the Lambda and the consumer compose it): a save the store
 * throttles cuts it to half the saves then in flight, and it climbs back by one each second of
 * unthrottled saves, so a hot partition is not hammered. A throttled save that failed is still its record's failure (transient:
 * a paced retry); one the SDK retried to success is acknowledged, and still counts as pressure.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { ProcessOrderBatch } from '@orders/core';
 * import { InMemoryOrderRepository } from '@orders/adapters-memory';
 *
 * const repository = new InMemoryOrderRepository(); // or DynamoDbOrderRepository, or your own
 * const useCase = new ProcessOrderBatch({ repository });
 * const order = { orderId: 'O1', userId: 'U1', itemName: 'Laptop', quantity: 1, status: 'new', timestamp: '2025-05-03T12:00:00Z' };
 * const { outcomes, failedMessageIds } = await useCase.execute([
 *   { messageId: 'm-1', body: JSON.stringify(order) },
 *   { messageId: 'm-2', body: '{"orderId":"O2","quantity":"lots"}' },
 * ]);
 * assert.deepEqual(outcomes.map((o) => o.status), ['created', 'invalid']);
 * // Report these as failed to the queue (Lambda: batchItemFailures), so they reach the DLQ.
 * assert.deepEqual(failedMessageIds, ['m-2']);
 * ```
 */
export class ProcessOrderBatch {
  private readonly repository: OrderRepository;
  private readonly logger: Logger;
  private readonly metrics: MetricsRecorder;
  private readonly clock: Clock;
  private readonly tracing: RecordTracing;
  private readonly concurrency: number;
  private readonly writes: WritePermits;

  constructor(dependencies: ProcessOrderBatchDependencies, options: ProcessOrderBatchOptions = {}) {
    this.repository = dependencies.repository;
    this.logger = dependencies.logger ?? silentLogger;
    this.metrics = dependencies.metrics ?? noMetrics;
    this.clock = dependencies.clock ?? systemClock;
    this.tracing = dependencies.tracing ?? noRecordTracing;
    this.concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) {
      throw new RangeError(`concurrency must be a positive integer, got ${String(options.concurrency)}`);
    }
    this.writes = new WritePermits(
      new AdaptiveConcurrency({
        max: this.concurrency,
        clock: this.clock,
        ...(options.concurrencyIncreaseIntervalMs === undefined
          ? {}
          : { increaseIntervalMs: options.concurrencyIncreaseIntervalMs }),
      }),
    );
  }

  /** The adaptive limit on saves in flight, its ceiling, and the saves in flight now. */
  get writeConcurrency(): WriteConcurrency {
    const { limit } = this.writes;
    return { limit: limit.limit, max: limit.max, inFlight: this.writes.inFlight };
  }

  async execute(messages: readonly InboundMessage[], context: BatchContext = {}): Promise<BatchResult> {
    const startedAt = this.clock.now();
    const logger = context.logger ?? this.logger;
    const writes: BatchWrites = { logger, throttledSaves: 0 };
    const outcomes = await mapWithConcurrency(messages, context.concurrency ?? this.concurrency, async (message) => {
      const deferral = context.deferBehind?.(message);
      const handedBack = deferral ? undefined : context.handBack?.(message);
      const untried = deferral
        ? deferred(message, deferral)
        : context.shouldStop?.() || context.signal?.aborted
          ? deadlineExceeded(message)
          : handedBack
            ? failedUnprocessed(message, handedBack)
            : undefined;
      const outcome =
        untried === undefined
          ? await this.processOne(message, context, writes)
          : traceUntried(this.tracing, message, untried, logger);
      context.onOutcome?.(message, outcome);
      return outcome;
    });
    for (const [index, outcome] of outcomes.entries()) logOutcome(logger, outcome, messages[index]?.receiveCount);

    const failedMessageIds = [...new Set(outcomes.filter(isFailure).map((outcome) => outcome.messageId))];
    // A deferred record failed for no reason of its own: counting it as a failure would raise the
    // failure alarms once per record waiting behind one failure.
    const ownOutcomes = outcomes.filter((outcome) => !isDeferred(outcome));
    const deferredCount = outcomes.length - ownOutcomes.length;
    this.metrics.recordBatch({
      counts: countByStatus(ownOutcomes),
      failures: tallyFailures(ownOutcomes),
      ...(deferredCount === 0 ? {} : { deferred: deferredCount }),
      ...(writes.throttledSaves === 0 ? {} : { throttledSaves: writes.throttledSaves }),
      batchSize: messages.length,
      durationMs: this.clock.now() - startedAt,
    });
    return {
      outcomes,
      failedMessageIds,
      throttledSaves: writes.throttledSaves,
      writeConcurrency: this.writes.limit.limit,
    };
  }

  /** Decodes, validates and stores one record, inside its process span. Never throws. */
  private async processOne(
    message: InboundMessage,
    context: BatchContext,
    writes: BatchWrites,
  ): Promise<MessageOutcome> {
    let trace: RecordTrace | undefined;
    let outcome: MessageOutcome;
    try {
      const decoded = decodeOrderMessage(message.body);
      trace = startRecordTrace(this.tracing, message, decoded.traceContext, writes.logger);
      outcome = await this.storeDecoded(message, decoded, trace, context, writes);
    } catch (error) {
      // Not expected (decoding never throws), but one message's bug must not sink its batch.
      outcome = { status: 'failed', messageId: message.messageId, error: describeError(error), ...traceIdsOf(trace) };
    }
    if (trace !== undefined) endRecordTrace(trace, outcome);
    return outcome;
  }

  private async storeDecoded(
    message: InboundMessage,
    decoded: DecodeResult,
    trace: RecordTrace,
    context: BatchContext,
    writes: BatchWrites,
  ): Promise<MessageOutcome> {
    const { messageId } = message;
    const { signal } = context;
    const tags = outcomeTags(decoded.snsMessageId, traceIdsOf(trace));
    if (!decoded.ok) {
      const orderId = decoded.orderId === undefined ? {} : { orderId: decoded.orderId };
      return { status: 'invalid', messageId, problems: decoded.problems, ...orderId, ...tags };
    }
    const { orderId } = decoded.value.order;
    // The process's writes share one limit: this save may wait for others (of any batch) to end.
    let permit = this.writes.tryAcquire();
    if (permit === undefined) {
      permit = await this.writes.acquire(signal);
      // The wait may have outlasted the deadline: a record not started by then is handed back untried.
      if (permit === undefined || context.shouldStop?.() || signal?.aborted) {
        permit?.release('other');
        return { ...deadlineExceeded(message), orderId, ...tags };
      }
    }
    const held = permit;
    let throttledAttempts = 0;
    let end: WriteEnd = 'other';
    try {
      const { traceId } = trace;
      // Inside the record's span, so the store's own span (the DynamoDB PutItem) is its child.
      const saved: unknown = await trace.run(() =>
        this.repository.save(decoded.value, {
          ...(signal === undefined ? {} : { signal }),
          ...(traceId === undefined ? {} : { traceId }),
          onThrottledAttempt: () => {
            throttledAttempts++;
            // The limit hears it now, while the writes that met the throttling are still in flight.
            this.announce(held.throttled(), writes);
          },
        }),
      );
      // A repository that answers something else has a bug; acknowledging would lose the message.
      if (!isSaveResult(saved)) {
        return {
          status: 'failed',
          messageId,
          orderId,
          error: {
            name: 'InvalidSaveOutcome',
            code: 'invalid_save_outcome',
            message: 'the repository answered an unknown outcome',
            failureClass: 'systemic',
          },
          ...tags,
        };
      }
      // Acknowledged either way; a success the SDK had to retry past throttling is still pressure.
      end = throttledAttempts > 0 ? 'throttled' : 'succeeded';
      const differing = saved.differingFields === undefined ? {} : { differingFields: saved.differingFields };
      return { status: saved.outcome, messageId, orderId, ...differing, ...tags };
    } catch (error) {
      const description = describeError(error);
      if (throttledAttempts > 0 || isThrottled(description)) end = 'throttled';
      return { status: 'failed', messageId, orderId, error: description, ...tags };
    } finally {
      this.endWrite(permit.release(end), end, writes);
    }
  }

  /** A save ended: counted when throttled, and a change of the limit said once, by the batch's logger. */
  private endWrite(change: ConcurrencyChange | undefined, how: WriteEnd, writes: BatchWrites): void {
    if (how === 'throttled') writes.throttledSaves++;
    this.announce(change, writes);
  }

  /** A change of the limit, said once by the batch's logger. */
  private announce(change: ConcurrencyChange | undefined, writes: BatchWrites): void {
    if (change === undefined) return;
    const { max } = this.writes.limit;
    if (change.reason === 'throttled') {
      writes.logger.warn('the store is throttling writes; fewer saves at once', {
        writeConcurrency: change.to,
        previousWriteConcurrency: change.from,
        maxWriteConcurrency: max,
      });
    } else if (change.to === max) {
      // Each step up is not worth a line; being back where it was configured is.
      writes.logger.info('write concurrency back to its configured bound', { writeConcurrency: change.to });
    }
  }
}

function deadlineExceeded(message: InboundMessage): FailedOutcome {
  return failedUnprocessed(message, {
    name: 'DeadlineExceeded',
    code: 'deadline_exceeded',
    message: 'not started before the invocation deadline',
    failureClass: 'transient',
  });
}

/** A record handed back untried behind an earlier failed message: it comes back with that message. */
function deferred(message: InboundMessage, deferral: Deferral): MessageOutcome {
  return { status: 'failed', messageId: message.messageId, error: deferral.reason, deferredBehind: deferral.behind };
}

/** The fields every outcome of a decoded record carries: its SNS id and its trace ids, when known. */
function outcomeTags(snsMessageId: string | undefined, ids: TraceIds): TraceIds & { readonly snsMessageId?: string } {
  return snsMessageId === undefined ? ids : { snsMessageId, ...ids };
}

/** A record handed back without being tried: it comes back later, like any failure. */
function failedUnprocessed(message: InboundMessage, error: ErrorDescription): FailedOutcome {
  return { status: 'failed', messageId: message.messageId, error };
}

/** One line per message: ids, outcome and why, never the payload. */
function logOutcome(logger: Logger, outcome: MessageOutcome, receiveCount: number | undefined): void {
  const fields: LogFields = {
    messageId: outcome.messageId,
    orderId: outcome.orderId,
    snsMessageId: outcome.snsMessageId,
    // OpenTelemetry's log field names: a log line links to its record's trace and process span.
    trace_id: outcome.traceId,
    span_id: outcome.spanId,
    outcome: outcome.status,
    receiveCount,
    errorCode: outcomeErrorCode(outcome),
    failureClass: failureClassOf(outcome),
  };
  if (isDeferred(outcome)) {
    // Not an error of its own (the line of the message it waits behind is): no failure class, so a
    // log query counting failures by class counts what the metrics count.
    logger.warn('order message handed back untried, behind an earlier failed message', {
      ...fields,
      failureClass: undefined,
      deferredBehind: outcome.deferredBehind,
    });
    return;
  }
  switch (outcome.status) {
    case 'invalid':
      logger.warn('order message rejected', {
        ...fields,
        error: outcome.problems[0] && { ...outcome.problems[0] },
        problems: outcome.problems.map((p) => ({ field: p.field, code: p.code, reason: p.reason })),
      });
      return;
    case 'failed':
      logger.error('order message failed', { ...fields, error: { ...outcome.error } });
      return;
    case 'conflict':
      // Acknowledged (a retry would lose the same tie), but a producer stamped two different
      // contents with one instant: worth a look. Field names only, never their values.
      logger.warn('order event lost a tie to different content at the same instant', {
        ...fields,
        differingFields: outcome.differingFields,
      });
      return;
    default:
      logger.info('order message processed', {
        ...fields,
        ...(outcome.differingFields === undefined ? {} : { tieBreak: true, differingFields: outcome.differingFields }),
      });
  }
}
