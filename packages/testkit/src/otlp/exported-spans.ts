import { exportTraceServiceRequest } from './otlp-trace-schema';

/** An attribute value as a test compares it (OTLP's int64 becomes a number; bytes become hex). */
export type ExportedValue = string | number | boolean | null | readonly ExportedValue[] | ExportedAttributes;
export type ExportedAttributes = { readonly [key: string]: ExportedValue };

/** OpenTelemetry's SpanKind by name (OTLP numbers them 0–5). */
export type ExportedSpanKind = 'unspecified' | 'internal' | 'server' | 'client' | 'producer' | 'consumer';
const KINDS: readonly ExportedSpanKind[] = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
const STATUS: readonly ('unset' | 'ok' | 'error')[] = ['unset', 'ok', 'error'];

export interface ExportedLink {
  readonly traceId: string;
  readonly spanId: string;
  readonly attributes: ExportedAttributes;
}

/** One span as a collector received it, whichever OTLP encoding carried it: ids in lower-case hex. */
export interface ExportedSpan {
  readonly traceId: string;
  readonly spanId: string;
  /** Undefined for a root span. */
  readonly parentSpanId: string | undefined;
  readonly name: string;
  readonly kind: ExportedSpanKind;
  readonly attributes: ExportedAttributes;
  readonly links: readonly ExportedLink[];
  readonly status: { readonly code: 'unset' | 'ok' | 'error'; readonly message: string | undefined };
  readonly startTimeUnixNano: bigint;
  readonly endTimeUnixNano: bigint;
  /** The resource's attributes (service.name, faas.*, …) and the instrumentation scope's name. */
  readonly resource: ExportedAttributes;
  readonly scope: string;
  /** The OTLP encoding it arrived in. */
  readonly encoding: OtlpEncoding;
}

/** The OTLP/HTTP encodings, by the Content-Type they are sent with. */
export type OtlpEncoding = 'http/protobuf' | 'http/json';

/** An ExportTraceServiceRequest body, decoded. Throws (with what is wrong) on a body that is not one. */
export function decodeTraceRequest(body: Uint8Array, encoding: OtlpEncoding): ExportedSpan[] {
  const message =
    encoding === 'http/json'
      ? (JSON.parse(Buffer.from(body).toString('utf8')) as unknown)
      : exportTraceServiceRequest().toObject(exportTraceServiceRequest().decode(body), { longs: String });
  return spansOf(message, encoding);
}

// Both encodings arrive here as the same camel-cased tree: protobufjs names fields as OTLP/JSON does.
// Ids differ (bytes from protobuf, hex strings in JSON), as do int64s (strings or numbers).
type Tree = { readonly [key: string]: unknown };
const tree = (value: unknown): Tree => (typeof value === 'object' && value !== null ? (value as Tree) : {});
const list = (value: unknown): Tree[] => (Array.isArray(value) ? value.map(tree) : []);

function spansOf(request: unknown, encoding: OtlpEncoding): ExportedSpan[] {
  const spans: ExportedSpan[] = [];
  for (const resourceSpans of list(tree(request)['resourceSpans'])) {
    const resource = attributesOf(tree(resourceSpans['resource'])['attributes']);
    for (const scopeSpans of list(resourceSpans['scopeSpans'])) {
      const scope = String(tree(scopeSpans['scope'])['name'] ?? '');
      for (const span of list(scopeSpans['spans'])) {
        const parent = idOf(span['parentSpanId']);
        const status = tree(span['status']);
        spans.push({
          traceId: idOf(span['traceId']),
          spanId: idOf(span['spanId']),
          parentSpanId: parent === '' ? undefined : parent,
          name: String(span['name'] ?? ''),
          kind: KINDS[Number(span['kind'] ?? 0)] ?? 'unspecified',
          attributes: attributesOf(span['attributes']),
          links: list(span['links']).map((link) => ({
            traceId: idOf(link['traceId']),
            spanId: idOf(link['spanId']),
            attributes: attributesOf(link['attributes']),
          })),
          status: {
            code: STATUS[Number(status['code'] ?? 0)] ?? 'unset',
            message: typeof status['message'] === 'string' && status['message'] !== '' ? status['message'] : undefined,
          },
          startTimeUnixNano: BigInt(String(span['startTimeUnixNano'] ?? 0)),
          endTimeUnixNano: BigInt(String(span['endTimeUnixNano'] ?? 0)),
          resource,
          scope,
          encoding,
        });
      }
    }
  }
  return spans;
}

/** A trace or span id: hex in OTLP/JSON, bytes in protobuf. */
function idOf(value: unknown): string {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  return typeof value === 'string' ? value.toLowerCase() : '';
}

function attributesOf(keyValues: unknown): ExportedAttributes {
  const attributes: Record<string, ExportedValue> = {};
  for (const keyValue of list(keyValues)) attributes[String(keyValue['key'])] = anyValueOf(keyValue['value']);
  return attributes;
}

function anyValueOf(anyValue: unknown): ExportedValue {
  const value = tree(anyValue);
  if ('stringValue' in value) return String(value['stringValue']);
  if ('boolValue' in value) return Boolean(value['boolValue']);
  if ('intValue' in value) return Number(value['intValue']);
  if ('doubleValue' in value) return Number(value['doubleValue']);
  if ('arrayValue' in value) return list(tree(value['arrayValue'])['values']).map(anyValueOf);
  if ('kvlistValue' in value) return attributesOf(tree(value['kvlistValue'])['values']);
  if ('bytesValue' in value) {
    const bytes = value['bytesValue'];
    return bytes instanceof Uint8Array
      ? Buffer.from(bytes).toString('hex')
      : Buffer.from(String(bytes), 'base64').toString('hex');
  }
  return null;
}
