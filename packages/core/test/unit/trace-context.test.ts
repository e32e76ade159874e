import { sampleOrder, snsEnvelopeBody } from '@orders/testkit';
import {
  decodeOrderMessage,
  extractProducerTraceContext,
  parseAwsTraceHeader,
  parseTraceparent,
  type TraceContextSource,
} from '../../src';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE}-${SPAN}-01`;
const OTHER_TRACE = '0af7651916cd43dd8448eb211c80319c';
const OTHER_SPAN = 'b7ad6b7169203331';
const XRAY = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';

describe('parseTraceparent', () => {
  it('reads a version 00 traceparent: trace id, parent span id and the sampled flag', () => {
    expect(parseTraceparent(TRACEPARENT)).toEqual({ ok: true, traceId: TRACE, spanId: SPAN, sampled: true });
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-00`)).toMatchObject({ ok: true, sampled: false });
    // Only the sampled bit is read; the others are reserved.
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-03`)).toMatchObject({ ok: true, sampled: true });
  });

  it('accepts a later version with more fields after a dash, as the spec asks', () => {
    expect(parseTraceparent(`01-${TRACE}-${SPAN}-01-extra`)).toMatchObject({ ok: true, traceId: TRACE });
  });

  it.each([
    ['uppercase hex', `00-${TRACE.toUpperCase()}-${SPAN}-01`],
    ['version ff', `ff-${TRACE}-${SPAN}-01`],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${SPAN}-01`],
    ['an all-zero parent id', `00-${TRACE}-${'0'.repeat(16)}-01`],
    ['version 00 with trailing text', `${TRACEPARENT}-x`],
    ['a later version without a dash after the flags', `01-${TRACE}-${SPAN}-01x`],
    ['a short trace id', `00-${TRACE.slice(1)}-${SPAN}-01`],
    ['nothing', ''],
    ['an X-Ray header', XRAY],
  ])('refuses %s, with a reason', (_label, text) => {
    const parsed = parseTraceparent(text);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.reason).toMatch(/^traceparent /);
  });
});

describe('parseAwsTraceHeader', () => {
  it('turns the Root and Parent into W3C ids, in any field order, other fields ignored', () => {
    const expected = {
      ok: true,
      traceId: '5759e988bd862e3fe1be46a994272793',
      spanId: '53995c3f42cd8ad8',
      sampled: true,
    };
    expect(parseAwsTraceHeader(XRAY)).toEqual(expected);
    expect(
      parseAwsTraceHeader(
        'Sampled=1;Lineage=a87bd80c:1|68fd508a:5; Parent=53995c3f42cd8ad8 ;Root=1-5759e988-bd862e3fe1be46a994272793',
      ),
    ).toEqual(expected);
  });

  it('reads Sampled=0, a missing Sampled and Sampled=? as not sampled', () => {
    for (const sampled of [';Sampled=0', '', ';Sampled=?'])
      expect(
        parseAwsTraceHeader(`Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8${sampled}`),
      ).toMatchObject({ ok: true, sampled: false });
  });

  it.each([
    ['no Parent', 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1'],
    ['no Root', 'Parent=53995c3f42cd8ad8;Sampled=1'],
    ['a Root of another version', 'Root=2-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8'],
    ['a short Root', 'Root=1-5759e98-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8'],
    ['a Parent that is not hex', 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8adz'],
    ['a Sampled that is not 0, 1 or ?', `${XRAY.replace('Sampled=1', 'Sampled=yes')}`],
    ['a Root twice', `${XRAY};Root=1-5759e988-bd862e3fe1be46a994272794`],
    ['a field without "="', `${XRAY};garbage`],
    ['an all-zero Parent', 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=0000000000000000'],
    ['a header far too long', `${XRAY};Lineage=${'a'.repeat(300)}`],
    ['a traceparent', TRACEPARENT],
  ])('refuses %s, with a reason', (_label, text) => {
    const parsed = parseAwsTraceHeader(text);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.reason).toMatch(/^AWSTraceHeader /);
  });
});

describe('extractProducerTraceContext', () => {
  const ignoredBy = () => {
    const ignored: [TraceContextSource, string][] = [];
    return { ignored, onIgnored: (source: TraceContextSource, reason: string) => ignored.push([source, reason]) };
  };

  it("takes the SNS envelope's traceparent first, with its tracestate", () => {
    const context = extractProducerTraceContext(
      { traceparent: TRACEPARENT, tracestate: 'vendor=opaque' },
      {
        messageAttributes: { traceparent: `00-${OTHER_TRACE}-${OTHER_SPAN}-01` },
        awsTraceHeader: XRAY,
      },
    );
    expect(context).toEqual({
      traceId: TRACE,
      spanId: SPAN,
      sampled: true,
      traceState: 'vendor=opaque',
      source: 'sns-envelope',
    });
  });

  it('takes the SQS message attributes next (raw delivery), then AWSTraceHeader', () => {
    expect(
      extractProducerTraceContext(undefined, {
        messageAttributes: { traceparent: TRACEPARENT, tracestate: 'a=b' },
        awsTraceHeader: XRAY,
      }),
    ).toEqual({ traceId: TRACE, spanId: SPAN, sampled: true, traceState: 'a=b', source: 'sqs-attributes' });
    expect(
      extractProducerTraceContext(undefined, { messageAttributes: { orderId: 'O1' }, awsTraceHeader: XRAY }),
    ).toEqual({
      traceId: '5759e988bd862e3fe1be46a994272793',
      spanId: '53995c3f42cd8ad8',
      sampled: true,
      source: 'aws-trace-header',
    });
  });

  it('ignores a malformed context, says why, and tries the next source', () => {
    const { ignored, onIgnored } = ignoredBy();
    const context = extractProducerTraceContext(
      { traceparent: 'not-a-traceparent' },
      { messageAttributes: { traceparent: `00-${TRACE}-${'0'.repeat(16)}-01` }, awsTraceHeader: XRAY },
      onIgnored,
    );
    expect(context?.source).toBe('aws-trace-header');
    expect(ignored.map(([source]) => source)).toEqual(['sns-envelope', 'sqs-attributes']);
  });

  it('answers undefined when nothing valid is carried (the record starts its own trace), never throwing', () => {
    const { ignored, onIgnored } = ignoredBy();
    expect(extractProducerTraceContext(undefined, {})).toBeUndefined();
    expect(extractProducerTraceContext(undefined, { awsTraceHeader: 'Root=garbage' }, onIgnored)).toBeUndefined();
    expect(ignored).toEqual([['aws-trace-header', expect.stringMatching(/Parent|Root/)]]);
    // A tracestate alone is not a context; a traceparent from the prototype chain is not an attribute.
    expect(extractProducerTraceContext(undefined, { messageAttributes: { tracestate: 'a=b' } })).toBeUndefined();
    const inherited = Object.create({ traceparent: TRACEPARENT }) as Record<string, string>;
    expect(extractProducerTraceContext(undefined, { messageAttributes: inherited })).toBeUndefined();
  });

  it('keeps the traceparent and drops a tracestate over 512 characters', () => {
    const { ignored, onIgnored } = ignoredBy();
    const context = extractProducerTraceContext(
      { traceparent: TRACEPARENT, tracestate: `a=${'b'.repeat(600)}` },
      {},
      onIgnored,
    );
    expect(context).toEqual({ traceId: TRACE, spanId: SPAN, sampled: true, source: 'sns-envelope' });
    expect(ignored).toHaveLength(1);
  });
});

describe('decodeOrderMessage: the envelope trace context', () => {
  it("reads traceparent and tracestate from an SNS envelope's String message attributes", () => {
    const body = snsEnvelopeBody(sampleOrder(), { traceparent: TRACEPARENT, tracestate: 'a=b', orderId: 'O1234' });
    expect(decodeOrderMessage(body)).toMatchObject({
      ok: true,
      traceContext: { traceparent: TRACEPARENT, tracestate: 'a=b' },
    });
  });

  it('reads it for an invalid order too, so the rejected record stays in its trace', () => {
    const body = snsEnvelopeBody('not json', { traceparent: TRACEPARENT });
    expect(decodeOrderMessage(body)).toMatchObject({ ok: false, traceContext: { traceparent: TRACEPARENT } });
  });

  it('has none without a String traceparent, and none for a raw order', () => {
    const envelope = JSON.parse(snsEnvelopeBody(sampleOrder())) as Record<string, unknown>;
    const withNumber = { ...envelope, MessageAttributes: { traceparent: { Type: 'Number', Value: TRACEPARENT } } };
    expect(decodeOrderMessage(JSON.stringify(withNumber))).not.toHaveProperty('traceContext');
    expect(decodeOrderMessage(snsEnvelopeBody(sampleOrder(), { tracestate: 'a=b' }))).not.toHaveProperty(
      'traceContext',
    );
    expect(decodeOrderMessage(JSON.stringify({ ...sampleOrder(), traceparent: TRACEPARENT }))).not.toHaveProperty(
      'traceContext',
    );
  });
});
