import type { FailureClass } from '../errors/infrastructure-error';
import type { MessageStatus } from '../messages/message-status';
import type { ProducerTraceContext } from '../messages/trace-context';

/** What the use case knows about a record as its processing starts. */
export interface RecordTraceStart {
  /** The queue's id for this delivery (`messaging.message.id`). */
  readonly messageId: string;
  /** The queue that delivered it (`messaging.destination.name`), when known. */
  readonly queueName?: string | undefined;
  /** The producer's context, when the record carried a valid one: the span continues its trace. */
  readonly producer?: ProducerTraceContext | undefined;
}

/**
 * How a record's processing ended, as its span reports it. Every `MessageOutcome` is one (the use
 * case hands its outcome over as it is): a status, and for a failure its code and class.
 */
export interface RecordTraceEnd {
  readonly status: MessageStatus;
  readonly orderId?: string | undefined;
  /** A failed record's error (`throttled`, `deadline_exceeded`, …) and its class. */
  readonly error?: { readonly code: string; readonly failureClass: FailureClass } | undefined;
  /** An invalid record's problems, the first one's code naming it. */
  readonly problems?: readonly { readonly code: string }[] | undefined;
  /** Handed back untried behind this earlier message: not a failure of its own. */
  readonly deferredBehind?: string | undefined;
}

/** One record's trace: its ids, for the log lines and the stored item, and its span. */
export interface RecordTrace {
  /**
   * The trace the record belongs to (32 lowercase hex): its span's when one is recorded, else the
   * producer's when it carried one, else undefined. What its log lines show as `trace_id` and what
   * the stored item keeps, so a row and a log line lead to the same trace even with export off.
   */
  readonly traceId: string | undefined;
  /** The record's own span (16 lowercase hex), when one exists: `span_id` on its log lines. */
  readonly spanId: string | undefined;
  /** Runs `work` with the record's span as the current one, so the store's spans nest under it. */
  run<T>(work: () => Promise<T>): Promise<T>;
  /** Ends the span with the record's outcome. Called exactly once. */
  end(outcome: RecordTraceEnd): void;
}

/**
 * Traces the processing of each record: one span per record (OpenTelemetry's messaging "process"
 * span) continuing its producer's trace. The default, `noRecordTracing`, records nothing and costs
 * nothing; @orders/observability's `OtelRecordTracing` is the OpenTelemetry implementation.
 */
export interface RecordTracing {
  startRecord(start: RecordTraceStart): RecordTrace;
}

const run = <T>(work: () => Promise<T>): Promise<T> => work();
const end = (): void => undefined;
const UNTRACED: RecordTrace = { traceId: undefined, spanId: undefined, run, end };

/**
 * Records no span. A record that carried its producer's context still has that trace id (for its
 * log lines and the stored item); one that carried none has no trace id.
 */
export const noRecordTracing: RecordTracing = {
  startRecord: ({ producer }) =>
    producer === undefined ? UNTRACED : { traceId: producer.traceId, spanId: undefined, run, end },
};
