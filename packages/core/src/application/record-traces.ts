import { envelopeTraceContextOf } from '../messages/decode-message';
import type { InboundMessage } from '../messages/inbound-message';
import { extractProducerTraceContext, type W3cTraceFields } from '../messages/trace-context';
import type { Logger } from '../ports/logger';
import { noRecordTracing, type RecordTrace, type RecordTraceEnd, type RecordTracing } from '../ports/record-tracing';
import type { MessageOutcome } from './message-outcome';

/** The ids an outcome carries about its trace: none, the trace alone, or the trace and the record's span. */
export type TraceIds = { readonly traceId?: string; readonly spanId?: string };

const NO_IDS: TraceIds = Object.freeze({});
const UNTRACED: RecordTrace = noRecordTracing.startRecord({ messageId: '' });

/** The record's trace ids as outcome fields (one shared empty object when it has none). */
export function traceIdsOf(trace: RecordTrace | undefined): TraceIds {
  const traceId = trace?.traceId;
  if (traceId === undefined) return NO_IDS;
  const spanId = trace?.spanId;
  return spanId === undefined ? { traceId } : { traceId, spanId };
}

/**
 * Starts a record's trace from the producer context it carries (the envelope's, as decoding read
 * it, else the message's attributes, else AWSTraceHeader). A malformed context is ignored with a
 * debug line. Tracing must never cost a record its outcome: a tracer that throws leaves the record
 * untraced, with its producer's trace id still.
 */
export function startRecordTrace(
  tracing: RecordTracing,
  message: InboundMessage,
  envelope: W3cTraceFields | undefined,
  logger: Logger,
): RecordTrace {
  const carriesContext =
    envelope !== undefined || message.messageAttributes !== undefined || message.awsTraceHeader !== undefined;
  const producer = carriesContext
    ? extractProducerTraceContext(envelope, message, (source, reason) =>
        logger.debug('trace context ignored', { messageId: message.messageId, traceContextSource: source, reason }),
      )
    : undefined;
  // Tracing off and nothing to continue: the one shared untraced record, nothing allocated.
  if (producer === undefined && tracing === noRecordTracing) return UNTRACED;
  const start = { messageId: message.messageId, queueName: message.queueName, producer };
  try {
    return tracing.startRecord(start);
  } catch {
    return noRecordTracing.startRecord(start);
  }
}

/** Ends a record's span; a tracer that throws costs nothing but the span. */
export function endRecordTrace(trace: RecordTrace, outcome: RecordTraceEnd): void {
  try {
    trace.end(outcome);
  } catch {
    // The outcome stands: the span is the only thing lost.
  }
}

/**
 * A record handed back untried (deferred, past the deadline, handed back by the caller) still has
 * a span, ended at once, and its producer's trace id: its log line says where it came from. Its
 * body is read only for an SNS envelope's trace context.
 */
export function traceUntried(
  tracing: RecordTracing,
  message: InboundMessage,
  outcome: MessageOutcome,
  logger: Logger,
): MessageOutcome {
  const trace = startRecordTrace(tracing, message, envelopeTraceContextOf(message.body), logger);
  const ids = traceIdsOf(trace);
  const traced = ids === NO_IDS ? outcome : { ...outcome, ...ids };
  endRecordTrace(trace, traced);
  return traced;
}
