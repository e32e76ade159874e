import { ORDER_FIELDS, ORDER_LIMITS, type TimedOrder } from '../domain/order';
import { isPlainObject, ownField } from '../domain/plain-object';
import { codePointLength, hasControlCharacter, isWellFormedUnicode, utf8ByteLength } from '../domain/text';
import { validateOrder } from '../domain/validate-order';
import { problem, type ValidationProblem } from '../domain/validation-problem';
import { TRACEPARENT, TRACESTATE, type W3cTraceFields } from './trace-context';

/**
 * SNS's limit for a message payload: no order published through OrderTopic can be larger, so
 * an order's JSON (a raw body, or an envelope's `Message`) over it is refused.
 */
export const MAX_ORDER_BYTES = 256 * 1024;

/**
 * The most a body may hold before we parse it at all: room for a maximal order inside an SNS
 * envelope, whose JSON escaping can double it, plus the envelope's own fields. A larger body (a
 * raw sender can put 1 MiB on SQS) is refused unread, so no message can make us parse megabytes.
 */
export const MAX_BODY_BYTES = 2 * MAX_ORDER_BYTES + 8 * 1024;

/** How the order reached the queue: inside an SNS notification envelope, or raw. */
export type Delivery = 'sns-envelope' | 'raw';

/**
 * What decoding says of a body. An SNS envelope also gives its `snsMessageId` and, when its
 * `MessageAttributes` hold a String `traceparent`, the W3C `traceContext` (with `tracestate`),
 * unchecked: `extractProducerTraceContext` parses it.
 */
export type DecodeResult =
  | {
      readonly ok: true;
      readonly value: TimedOrder;
      readonly delivery: Delivery;
      readonly snsMessageId?: string;
      readonly traceContext?: W3cTraceFields;
    }
  | {
      readonly ok: false;
      readonly problems: readonly ValidationProblem[];
      /** The order id, when the body got far enough to have a readable one: for logs and DLQ tools. */
      readonly orderId?: string;
      readonly snsMessageId?: string;
      readonly traceContext?: W3cTraceFields;
    };

/** What an SNS envelope says about the message beside the order. */
type EnvelopeFields = Pick<DecodeResult, 'snsMessageId' | 'traceContext'>;

function byteLengthExceeds(text: string, limit: number): boolean {
  // UTF-8 needs 1–3 bytes per UTF-16 unit: skip the count whenever the answer is certain.
  if (text.length > limit) return true;
  if (text.length * 3 <= limit) return false;
  return utf8ByteLength(text) > limit;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

const hasOwn = (record: Record<string, unknown>, key: string): boolean => Object.hasOwn(record, key);

/**
 * An SNS envelope has a `Type` and none of an order's fields (SNS never puts any of them on it). Checking `Type` alone would turn a raw
 * order that carries an unknown `"Type"` field into an "unsupported envelope", although unknown
 * fields must be ignored; SNS's own message types (Notification, SubscriptionConfirmation, …) never
 * carry order fields, so they are still recognised as envelopes.
 */
const isSnsEnvelope = (outer: Record<string, unknown>): boolean =>
  hasOwn(outer, 'Type') && !ORDER_FIELDS.some((field) => hasOwn(outer, field));

const ownString = (record: Record<string, unknown>, key: string): string | undefined => {
  const value = ownField(record, key);
  return typeof value === 'string' ? value : undefined;
};

/**
 * SNS message ids are UUIDs. The id is logged on every outcome, so anything else — which only a
 * forged envelope can carry, possibly with personal data or megabytes in it — is dropped, never logged.
 */
const SNS_MESSAGE_ID = /^[A-Za-z0-9-]{1,100}$/;
const plausibleSnsMessageId = (id: string | undefined): string | undefined =>
  id !== undefined && SNS_MESSAGE_ID.test(id) ? id : undefined;

/** A readable order id for logs, only if it is a plain short string without control characters. */
function salvageOrderId(candidate: unknown): string | undefined {
  if (!isPlainObject(candidate)) return undefined;
  const id = ownString(candidate, 'orderId');
  return id !== undefined &&
    id.length > 0 &&
    id.length <= 2 * ORDER_LIMITS.idMaxLength && // cheap bound before counting code points
    codePointLength(id) <= ORDER_LIMITS.idMaxLength &&
    !hasControlCharacter(id) &&
    isWellFormedUnicode(id)
    ? id
    : undefined;
}

function decodeOrderJson(text: string, field: string, delivery: Delivery, idFields: EnvelopeFields): DecodeResult {
  const parsed = parseJson(text);
  if (!parsed.ok) return { ok: false, problems: [problem(field, 'not_json', 'is not valid JSON')], ...idFields };
  const validated = validateOrder(parsed.value);
  if (validated.ok) return { ok: true, value: validated.value, delivery, ...idFields };
  const orderId = salvageOrderId(parsed.value);
  const problems = validated.problems.map((p) => (p.field === 'order' ? { ...p, field } : p));
  return { ok: false, problems, ...idFields, ...(orderId === undefined ? {} : { orderId }) };
}

/**
 * Turns an SQS message body into an order. The body is either an SNS notification envelope
 * (`{"Type":"Notification","Message":"<order JSON>",…}`) or, with raw message delivery, the
 * order JSON itself. Never throws: every way a body can be wrong is a problem list.
 */
export function decodeOrderMessage(body: string): DecodeResult {
  // The type says string, but callers hand over whatever an event carried (plain JS, a malformed
  // test event): "never throws" must hold for those too, so a non-string is a problem, not a TypeError.
  if (typeof body !== 'string') {
    return { ok: false, problems: [problem('body', 'wrong_type', 'must be a string (the SQS message body)')] };
  }
  if (byteLengthExceeds(body, MAX_BODY_BYTES)) {
    return { ok: false, problems: [problem('body', 'body_too_large', `must be at most ${MAX_BODY_BYTES} bytes`)] };
  }
  const orderTooLarge = (field: string): DecodeResult => ({
    ok: false,
    problems: [problem(field, 'body_too_large', `must be at most ${MAX_ORDER_BYTES} bytes (the SNS payload limit)`)],
  });
  const parsed = parseJson(body);
  if (!parsed.ok) return { ok: false, problems: [problem('body', 'not_json', 'is not valid JSON')] };
  const outer = parsed.value;
  if (!isPlainObject(outer)) {
    return {
      ok: false,
      problems: [problem('body', 'not_an_object', 'must be a JSON object (an SNS envelope or an order)')],
    };
  }
  if (!isSnsEnvelope(outer))
    return byteLengthExceeds(body, MAX_ORDER_BYTES) ? orderTooLarge('body') : decodeParsedRawOrder(outer);

  const snsMessageId = plausibleSnsMessageId(ownString(outer, 'MessageId'));
  const traceContext = envelopeTraceContext(outer);
  const idFields: EnvelopeFields =
    traceContext === undefined
      ? snsMessageId === undefined
        ? {}
        : { snsMessageId }
      : snsMessageId === undefined
        ? { traceContext }
        : { snsMessageId, traceContext };
  if (outer['Type'] !== 'Notification') {
    return {
      ok: false,
      problems: [
        problem('envelope.Type', 'unsupported_envelope_type', 'only SNS "Notification" messages carry orders'),
      ],
      ...idFields,
    };
  }
  if (!Object.hasOwn(outer, 'Message') || outer['Message'] === undefined) {
    return {
      ok: false,
      problems: [problem('envelope.Message', 'envelope_message_missing', 'is required in an SNS notification')],
      ...idFields,
    };
  }
  const message = outer['Message'];
  if (typeof message !== 'string') {
    return {
      ok: false,
      problems: [problem('envelope.Message', 'envelope_message_not_string', 'must be a string holding the order JSON')],
      ...idFields,
    };
  }
  if (byteLengthExceeds(message, MAX_ORDER_BYTES))
    return { ...orderTooLarge('envelope.Message'), ...idFields } as DecodeResult;
  return decodeOrderJson(message, 'envelope.Message', 'sns-envelope', idFields);
}

function decodeParsedRawOrder(candidate: Record<string, unknown>): DecodeResult {
  const validated = validateOrder(candidate);
  if (validated.ok) return { ok: true, value: validated.value, delivery: 'raw' };
  const orderId = salvageOrderId(candidate);
  return { ok: false, problems: validated.problems, ...(orderId === undefined ? {} : { orderId }) };
}

/** A String attribute of an SNS envelope (`{"Type":"String","Value":…}`), or undefined. */
function envelopeStringAttribute(attributes: Record<string, unknown>, name: string): string | undefined {
  const attribute = ownField(attributes, name);
  if (!isPlainObject(attribute) || ownField(attribute, 'Type') !== 'String') return undefined;
  const value = ownField(attribute, 'Value');
  return typeof value === 'string' ? value : undefined;
}

/** The W3C trace context among an envelope's `MessageAttributes`, when it has a `traceparent`. */
function envelopeTraceContext(envelope: Record<string, unknown>): W3cTraceFields | undefined {
  const attributes = ownField(envelope, 'MessageAttributes');
  if (!isPlainObject(attributes)) return undefined;
  const traceparent = envelopeStringAttribute(attributes, TRACEPARENT);
  if (traceparent === undefined) return undefined;
  const tracestate = envelopeStringAttribute(attributes, TRACESTATE);
  return tracestate === undefined ? { traceparent } : { traceparent, tracestate };
}

/**
 * The W3C trace context an SNS envelope body carries, without decoding the order: for a record
 * handed back untried, whose log line and span still belong to its producer's trace. A body that
 * does not mention `traceparent` is not parsed at all.
 */
export function envelopeTraceContextOf(body: string): W3cTraceFields | undefined {
  if (typeof body !== 'string' || !body.includes(TRACEPARENT) || byteLengthExceeds(body, MAX_BODY_BYTES))
    return undefined;
  const parsed = parseJson(body);
  if (!parsed.ok || !isPlainObject(parsed.value) || !isSnsEnvelope(parsed.value)) return undefined;
  return envelopeTraceContext(parsed.value);
}
