import type { InboundMessage } from './inbound-message';

/**
 * Where a record's producer trace context was read from, in the order they are tried:
 * - `sns-envelope`: the W3C fields among the SNS envelope's `MessageAttributes` (inside the body);
 * - `sqs-attributes`: the W3C fields among the SQS message attributes (raw message delivery puts
 *   SNS's message attributes there);
 * - `aws-trace-header`: SQS's `AWSTraceHeader` system attribute (X-Ray, when the sender had it on).
 */
export type TraceContextSource = 'sns-envelope' | 'sqs-attributes' | 'aws-trace-header';

/** The producer's span a record continues, as W3C ids (lowercase hex), whatever format carried it. */
export interface ProducerTraceContext {
  /** 32 lowercase hex digits, never all zeros. */
  readonly traceId: string;
  /** The producer's span: 16 lowercase hex digits, never all zeros. */
  readonly spanId: string;
  /** The producer's sampling decision (W3C `sampled` flag, X-Ray `Sampled=1`). */
  readonly sampled: boolean;
  /** The W3C `tracestate` that came with the `traceparent`, unparsed (at most 512 characters). */
  readonly traceState?: string;
  readonly source: TraceContextSource;
}

/** The W3C trace context fields as a message carries them: message attribute names, String values. */
export interface W3cTraceFields {
  readonly traceparent?: string;
  readonly tracestate?: string;
}

/** Told when a source held trace context that was refused (and the next source tried): for a debug line. */
export type IgnoredTraceContext = (source: TraceContextSource, reason: string) => void;

/** The W3C attribute names, as the SNS publisher writes them and extraction reads them. */
export const TRACEPARENT = 'traceparent';
export const TRACESTATE = 'tracestate';

/**
 * W3C says a `tracestate` over 512 characters may be dropped whole; dropping it (and keeping the
 * `traceparent`) bounds what a forged message can make a consumer parse.
 */
export const MAX_TRACESTATE_LENGTH = 512;
/** An X-Ray header is about 80 characters (Root, Parent, Sampled, maybe Lineage); more is not one. */
const MAX_AWS_TRACE_HEADER_LENGTH = 256;

const TRACEPARENT_FORMAT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ALL_ZEROS = /^0+$/;
const XRAY_ROOT = /^1-([0-9a-f]{8})-([0-9a-f]{24})$/;
const XRAY_PARENT = /^[0-9a-f]{16}$/;

const TRACE_ID = /^[0-9a-f]{32}$/;

/** Whether `text` is a W3C trace id: 32 lowercase hex digits, not all zeros (what a store may keep as one). */
export function isTraceId(text: unknown): text is string {
  return typeof text === 'string' && TRACE_ID.test(text) && !ALL_ZEROS.test(text);
}

/** One header read as a trace context: W3C ids and the sampling decision, or why it was refused. */
export type TraceHeaderParse =
  | { readonly ok: true; readonly traceId: string; readonly spanId: string; readonly sampled: boolean }
  | { readonly ok: false; readonly reason: string };

const refused = (reason: string): TraceHeaderParse => ({ ok: false, reason });

/**
 * A W3C `traceparent` (`00-<trace id>-<span id>-<flags>`), parsed as the Trace Context spec says:
 * lowercase hex only, version `ff` and all-zero ids refused, version 00 exactly 55 characters, a
 * later version may append fields after a dash.
 */
export function parseTraceparent(text: string): TraceHeaderParse {
  if (text.length < 55) return refused('traceparent is shorter than 55 characters');
  const match = TRACEPARENT_FORMAT.exec(text.length === 55 ? text : text.slice(0, 55));
  if (match === null) return refused('traceparent is not version-traceid-spanid-flags in lowercase hex');
  const [, version, traceId, spanId, flags] = match as unknown as [string, string, string, string, string];
  if (version === 'ff') return refused('traceparent version ff is invalid');
  if (text.length > 55 && (version === '00' || text[55] !== '-'))
    return refused('traceparent has trailing characters its version does not allow');
  if (ALL_ZEROS.test(traceId)) return refused('traceparent trace id is all zeros');
  if (ALL_ZEROS.test(spanId)) return refused('traceparent parent id is all zeros');
  return { ok: true, traceId, spanId, sampled: (Number.parseInt(flags, 16) & 1) === 1 };
}

/**
 * An X-Ray trace header (`Root=1-<8 hex>-<24 hex>;Parent=<16 hex>;Sampled=0|1`, fields in any
 * order, others such as `Lineage` ignored) as W3C ids: the trace id is the Root's two hex parts
 * joined. Root and Parent are required (without a parent there is no span to continue), each key
 * at most once; `Sampled` may be absent or `?` (not sampled). Hex digits in either case.
 */
export function parseAwsTraceHeader(text: string): TraceHeaderParse {
  if (text.length > MAX_AWS_TRACE_HEADER_LENGTH)
    return refused(`AWSTraceHeader is longer than ${MAX_AWS_TRACE_HEADER_LENGTH} characters`);
  let root: string | undefined;
  let parent: string | undefined;
  let sampled: string | undefined;
  for (const field of text.split(';')) {
    const equals = field.indexOf('=');
    if (equals < 0) {
      if (field.trim() === '') continue;
      return refused('AWSTraceHeader has a field without "="');
    }
    const key = field.slice(0, equals).trim();
    const value = field
      .slice(equals + 1)
      .trim()
      .toLowerCase();
    if ((key === 'Root' && root !== undefined) || (key === 'Parent' && parent !== undefined))
      return refused(`AWSTraceHeader has ${key} twice`);
    if (key === 'Root') root = value;
    else if (key === 'Parent') parent = value;
    else if (key === 'Sampled') sampled = value;
  }
  if (root === undefined) return refused('AWSTraceHeader has no Root');
  if (parent === undefined) return refused('AWSTraceHeader has no Parent');
  const rootMatch = XRAY_ROOT.exec(root);
  if (rootMatch === null) return refused('AWSTraceHeader Root is not 1-<8 hex>-<24 hex>');
  if (!XRAY_PARENT.test(parent)) return refused('AWSTraceHeader Parent is not 16 hex digits');
  if (sampled !== undefined && sampled !== '0' && sampled !== '1' && sampled !== '?')
    return refused('AWSTraceHeader Sampled is not 0, 1 or ?');
  const traceId = `${rootMatch[1]}${rootMatch[2]}`;
  if (ALL_ZEROS.test(traceId)) return refused('AWSTraceHeader Root is all zeros');
  if (ALL_ZEROS.test(parent)) return refused('AWSTraceHeader Parent is all zeros');
  return { ok: true, traceId, spanId: parent, sampled: sampled === '1' };
}

function fromW3c(
  traceparent: string | undefined,
  tracestate: string | undefined,
  source: TraceContextSource,
  onIgnored: IgnoredTraceContext | undefined,
): ProducerTraceContext | undefined {
  if (traceparent === undefined) return undefined;
  const parsed = parseTraceparent(traceparent);
  if (!parsed.ok) {
    onIgnored?.(source, parsed.reason);
    return undefined;
  }
  const { traceId, spanId, sampled } = parsed;
  if (tracestate === undefined || tracestate === '') return { traceId, spanId, sampled, source };
  if (tracestate.length > MAX_TRACESTATE_LENGTH) {
    onIgnored?.(source, `tracestate is longer than ${MAX_TRACESTATE_LENGTH} characters; dropped`);
    return { traceId, spanId, sampled, source };
  }
  return { traceId, spanId, sampled, traceState: tracestate, source };
}

/**
 * The producer's trace context for one record, from the first source that has a valid one: the
 * SNS envelope's attributes (`envelope`, as decoding read them from the body), then the SQS message
 * attributes, then `AWSTraceHeader`. A malformed value never fails the record: it is told to
 * `onIgnored` and the next source is tried. Undefined: the record starts a trace of its own.
 */
export function extractProducerTraceContext(
  envelope: W3cTraceFields | undefined,
  message: Pick<InboundMessage, 'messageAttributes' | 'awsTraceHeader'>,
  onIgnored?: IgnoredTraceContext,
): ProducerTraceContext | undefined {
  const fromEnvelope = fromW3c(envelope?.traceparent, envelope?.tracestate, 'sns-envelope', onIgnored);
  if (fromEnvelope !== undefined) return fromEnvelope;
  const attributes = message.messageAttributes;
  const fromAttributes =
    attributes === undefined
      ? undefined
      : fromW3c(ownString(attributes, TRACEPARENT), ownString(attributes, TRACESTATE), 'sqs-attributes', onIgnored);
  if (fromAttributes !== undefined) return fromAttributes;
  const header = message.awsTraceHeader;
  if (header === undefined || typeof header !== 'string') return undefined;
  const parsed = parseAwsTraceHeader(header);
  if (!parsed.ok) {
    onIgnored?.('aws-trace-header', parsed.reason);
    return undefined;
  }
  return { traceId: parsed.traceId, spanId: parsed.spanId, sampled: parsed.sampled, source: 'aws-trace-header' };
}

/** An own string property (never one from the prototype chain), or undefined. */
function ownString(record: Readonly<Record<string, unknown>>, key: string): string | undefined {
  if (!Object.hasOwn(record, key)) return undefined;
  const value = record[key];
  return typeof value === 'string' ? value : undefined;
}
