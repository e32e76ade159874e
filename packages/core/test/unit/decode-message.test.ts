import { rawBody, snsEnvelopeBody } from '@orders/testkit';
import { SEED_DUMMY_ORDER } from '@orders/simulation';
import { decodeOrderMessage, type DecodeResult } from '../../src';
import { MAX_BODY_BYTES, MAX_ORDER_BYTES } from '../../src/messages/decode-message';
import { validRecord } from '../support/orders';

const VALID = JSON.stringify(validRecord());
const envelopeWith = (fields: Record<string, unknown>): string =>
  JSON.stringify({
    Type: 'Notification',
    MessageId: 'sns-1',
    TopicArn: 'arn:aws:sns:us-east-1:1:OrderTopic',
    ...fields,
  });
const problemsOf = (result: DecodeResult): Array<[string, string]> =>
  result.ok ? [] : result.problems.map((p) => [p.field, p.code]);

describe('decodeOrderMessage: raw delivery and SNS envelopes', () => {
  it('decodes the seed dummy order delivered raw', () => {
    const result = decodeOrderMessage(rawBody(SEED_DUMMY_ORDER));
    expect(result).toEqual({
      ok: true,
      delivery: 'raw',
      value: { order: SEED_DUMMY_ORDER, instant: { epochSeconds: 1_746_273_600, nanos: 0 } },
    });
  });

  it('decodes the seed dummy order inside an SNS envelope and keeps the SNS MessageId', () => {
    const body = snsEnvelopeBody(SEED_DUMMY_ORDER);
    const result = decodeOrderMessage(body);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.delivery).toBe('sns-envelope');
    expect(result.value.order).toEqual(SEED_DUMMY_ORDER);
    expect(result.snsMessageId).toBe(JSON.parse(body).MessageId);
  });

  it('decodes an envelope that carries only Type and Message', () => {
    expect(decodeOrderMessage(JSON.stringify({ Type: 'Notification', Message: VALID }))).toEqual(
      expect.objectContaining({ ok: true, delivery: 'sns-envelope' }),
    );
  });

  it('treats a raw order carrying an unknown "Type" field as a raw order (unknown fields are ignored)', () => {
    for (const Type of ['standard', 'Notification', 7, null]) {
      const result = decodeOrderMessage(JSON.stringify({ ...validRecord(), Type }));
      expect(result).toEqual(expect.objectContaining({ ok: true, delivery: 'raw' }));
    }
  });

  it('accepts JSON whitespace around the body and the message', () => {
    expect(decodeOrderMessage(` \n\t${VALID}\r\n `).ok).toBe(true);
    expect(decodeOrderMessage(envelopeWith({ Message: `\n${VALID}\n` })).ok).toBe(true);
  });

  it('keeps the last of duplicated keys, as JSON.parse does (documented, not an error)', () => {
    const body = `{"quantity":"bogus",${VALID.slice(1, -1)},"quantity":3}`;
    const result = decodeOrderMessage(body);
    expect(result.ok && result.value.order.quantity).toBe(3);
    expect(problemsOf(decodeOrderMessage(`${VALID.slice(0, -1)},"quantity":0}`))).toEqual([
      ['quantity', 'out_of_range'],
    ]);
  });
});

describe('decodeOrderMessage: bodies that are not an order', () => {
  it.each([
    ['plain text', 'hello'],
    ['an empty body', ''],
    ['whitespace only', '   '],
    ['truncated JSON', VALID.slice(0, -1)],
    ['a trailing comma', `${VALID.slice(0, -1)},}`],
    ['single quotes', "{'orderId':'O1'}"],
    ['a NaN literal', '{"quantity":NaN}'],
    ['a raw NUL inside a string', `{"orderId":"O\u00001"}`],
    ['a byte-order mark before the JSON', `\ufeff${VALID}`],
    ['two JSON documents', `${VALID}${VALID}`],
  ])('rejects %s as not_json on the body', (_label, body) => {
    expect(decodeOrderMessage(body)).toEqual({
      ok: false,
      problems: [{ field: 'body', code: 'not_json', reason: expect.any(String) }],
    });
  });

  it.each([
    ['an array', `[${VALID}]`],
    ['an empty array', '[]'],
    ['a string', '"hello"'],
    ['a JSON string holding an order', JSON.stringify(VALID)],
    ['a number', '42'],
    ['null', 'null'],
    ['true', 'true'],
    ['false', 'false'],
  ])('rejects %s as not_an_object on the body', (_label, body) => {
    expect(problemsOf(decodeOrderMessage(body))).toEqual([['body', 'not_an_object']]);
  });

  it('does not throw for a body that is not a string (a malformed event), and says why', () => {
    for (const body of [undefined, null, 42, { orderId: 'O1' }]) {
      const decode = (): DecodeResult => decodeOrderMessage(body as unknown as string);
      expect(decode).not.toThrow();
      expect(problemsOf(decode())).toEqual([['body', 'wrong_type']]);
    }
  });
});

describe('decodeOrderMessage: envelopes that do not carry an order', () => {
  it.each([
    [
      'SubscriptionConfirmation',
      {
        Type: 'SubscriptionConfirmation',
        Token: 't',
        SubscribeURL: 'https://example.invalid',
        Message: 'You have chosen to subscribe',
      },
    ],
    ['UnsubscribeConfirmation', { Type: 'UnsubscribeConfirmation', Message: VALID }],
    ['a lowercase notification', { Type: 'notification', Message: VALID }],
    ['a numeric Type', { Type: 1, Message: VALID }],
    ['a null Type', { Type: null, Message: VALID }],
    ['an object Type', { Type: { name: 'Notification' }, Message: VALID }],
  ])('rejects %s as unsupported_envelope_type and keeps the SNS MessageId', (_label, fields) => {
    const result = decodeOrderMessage(JSON.stringify({ MessageId: 'sns-7', ...fields }));
    expect(result).toEqual({
      ok: false,
      snsMessageId: 'sns-7',
      problems: [{ field: 'envelope.Type', code: 'unsupported_envelope_type', reason: expect.any(String) }],
    });
  });

  it('rejects a notification without a Message', () => {
    expect(problemsOf(decodeOrderMessage(envelopeWith({})))).toEqual([
      ['envelope.Message', 'envelope_message_missing'],
    ]);
  });

  it.each([
    ['null', null],
    ['a number', 42],
    ['a boolean', true],
    ['the order as an object', validRecord()],
    ['an array', [VALID]],
  ])('rejects a Message that is %s as envelope_message_not_string', (_label, Message) => {
    expect(problemsOf(decodeOrderMessage(envelopeWith({ Message })))).toEqual([
      ['envelope.Message', 'envelope_message_not_string'],
    ]);
  });

  it.each([
    ['plain text', 'hello', 'not_json'],
    ['empty', '', 'not_json'],
    ['truncated JSON', VALID.slice(0, 20), 'not_json'],
    ['a JSON array', `[${VALID}]`, 'not_an_object'],
    ['JSON null', 'null', 'not_an_object'],
    ['a JSON number', '1', 'not_an_object'],
    ['a JSON string', JSON.stringify(VALID), 'not_an_object'],
  ])('rejects a Message that is %s, naming envelope.Message', (_label, Message, code) => {
    const result = decodeOrderMessage(envelopeWith({ Message }));
    expect(result).toEqual(expect.objectContaining({ ok: false, snsMessageId: 'sns-1' }));
    expect(problemsOf(result)).toEqual([['envelope.Message', code]]);
  });

  it('reports an invalid order inside an envelope by its own field names, with the salvaged orderId', () => {
    const result = decodeOrderMessage(
      envelopeWith({ Message: JSON.stringify(validRecord({ quantity: '1', status: 'lost' })) }),
    );
    expect(result).toEqual(expect.objectContaining({ ok: false, orderId: 'O1234', snsMessageId: 'sns-1' }));
    expect(problemsOf(result)).toEqual([
      ['quantity', 'wrong_type'],
      ['status', 'not_allowed'],
    ]);
  });

  it('does not unwrap an envelope twice', () => {
    const inner = envelopeWith({ Message: VALID });
    const result = decodeOrderMessage(envelopeWith({ Message: inner }));
    expect(result.ok).toBe(false);
    expect(problemsOf(result)).toContainEqual(['orderId', 'required']);
  });
});

describe('decodeOrderMessage: the orderId it salvages from a bad message', () => {
  it('returns a readable orderId of an invalid raw order', () => {
    expect(decodeOrderMessage(JSON.stringify(validRecord({ quantity: 0 })))).toEqual(
      expect.objectContaining({ ok: false, orderId: 'O1234' }),
    );
  });

  it.each([
    ['has a control character', 'O\u00001'],
    ['has a lone surrogate', 'O\ud800'],
    ['is empty', ''],
    ['is far too long', 'O'.repeat(500)],
    ['is not a string', 1234],
  ])('returns no orderId when it %s', (_label, orderId) => {
    const result = decodeOrderMessage(JSON.stringify(validRecord({ orderId, quantity: 0 })));
    expect(result.ok).toBe(false);
    expect(result).not.toHaveProperty('orderId');
  });
});

describe('decodeOrderMessage: the body size limit', () => {
  /** A valid raw order padded with an unknown field to at least `bytes` UTF-8 bytes (exactly, for 1-byte units). */
  const paddedTo = (bytes: number, unit = 'x'): string => {
    const templateBytes = Buffer.byteLength(`${VALID.slice(0, -1)},"padding":""}`);
    const count = Math.ceil((bytes - templateBytes) / Buffer.byteLength(unit));
    return `${VALID.slice(0, -1)},"padding":"${unit.repeat(count)}"}`;
  };

  it('is 256 KiB for an order (the SNS payload limit), with room for an envelope around it', () => {
    expect(MAX_ORDER_BYTES).toBe(262_144);
    expect(MAX_BODY_BYTES).toBeGreaterThan(2 * MAX_ORDER_BYTES);
  });

  it('accepts a body of exactly the limit', () => {
    const body = paddedTo(MAX_ORDER_BYTES);
    expect(Buffer.byteLength(body)).toBe(MAX_ORDER_BYTES);
    expect(decodeOrderMessage(body).ok).toBe(true);
  });

  it('rejects a raw order one byte over the limit', () => {
    expect(decodeOrderMessage(paddedTo(MAX_ORDER_BYTES + 1))).toEqual({
      ok: false,
      problems: [{ field: 'body', code: 'body_too_large', reason: expect.any(String) }],
    });
  });

  it('counts UTF-8 bytes, not UTF-16 units', () => {
    const twoByte = paddedTo(MAX_ORDER_BYTES + 1, 'é');
    expect(Buffer.byteLength(twoByte)).toBeGreaterThan(MAX_ORDER_BYTES);
    expect(twoByte.length).toBeLessThan(MAX_ORDER_BYTES);
    expect(problemsOf(decodeOrderMessage(twoByte))).toEqual([['body', 'body_too_large']]);
    const astralBody = `${VALID.slice(0, -1)},"padding":"${'😀'.repeat(66_000)}"}`;
    expect(astralBody.length).toBeLessThan(MAX_ORDER_BYTES);
    expect(problemsOf(decodeOrderMessage(astralBody))).toEqual([['body', 'body_too_large']]);
  });

  it('rejects a 1 MiB body and a 1 MiB body that is not even JSON', () => {
    expect(problemsOf(decodeOrderMessage(paddedTo(1024 * 1024)))).toEqual([['body', 'body_too_large']]);
    expect(problemsOf(decodeOrderMessage('['.repeat(1024 * 1024)))).toEqual([['body', 'body_too_large']]);
  });

  it('accepts a maximal order inside an envelope, whose escaping makes the body larger than the order', () => {
    // Padding of escaped quotes: 2 bytes in the order's JSON, 4 once the envelope escapes it.
    const fitting = paddedTo(MAX_ORDER_BYTES - 2, '\\"');
    expect(Buffer.byteLength(fitting)).toBeLessThanOrEqual(MAX_ORDER_BYTES);
    const envelope = JSON.stringify({ Type: 'Notification', MessageId: 'm', Message: fitting });
    expect(Buffer.byteLength(envelope)).toBeGreaterThan(1.9 * MAX_ORDER_BYTES);
    expect(decodeOrderMessage(envelope).ok).toBe(true);
  });

  it("rejects an envelope whose Message is over the order limit, naming the envelope's field", () => {
    const envelope = JSON.stringify({ Type: 'Notification', MessageId: 'm', Message: paddedTo(MAX_ORDER_BYTES + 1) });
    expect(problemsOf(decodeOrderMessage(envelope))).toEqual([['envelope.Message', 'body_too_large']]);
  });
});

describe('decodeOrderMessage: the SNS message id it passes on for logs', () => {
  const envelopeWithId = (MessageId: unknown): string =>
    JSON.stringify({
      Type: 'Notification',
      MessageId,
      Message: JSON.stringify({
        orderId: 'O1',
        userId: 'U',
        itemName: 'I',
        quantity: 1,
        status: 'new',
        timestamp: '2025-05-03T12:00:00Z',
      }),
    });

  it('keeps a real SNS message id', () => {
    expect(decodeOrderMessage(envelopeWithId('5e5e5e5e-0000-4000-8000-00000000002a'))).toMatchObject({
      ok: true,
      snsMessageId: '5e5e5e5e-0000-4000-8000-00000000002a',
    });
  });

  it.each([
    ['a JSON document with personal data', JSON.stringify({ userId: 'SECRET-USER', itemName: 'SECRET-ITEM' })],
    ['a huge string', 'x'.repeat(400_000)],
    ['control characters', 'id\nforged log line'],
    ['a number', 42],
  ])('drops %s instead of logging it', (_label, id) => {
    const decoded = decodeOrderMessage(envelopeWithId(id));
    expect(decoded.ok).toBe(true);
    expect(decoded).not.toHaveProperty('snsMessageId');
  });
});
