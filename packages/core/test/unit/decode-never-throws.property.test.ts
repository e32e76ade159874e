import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeOrderMessage, serializeOrder, validateOrder, type DecodeResult, type ProblemCode } from '../../src';
import { validOrder } from '../support/arbitraries';

const KNOWN_CODES: ReadonlySet<ProblemCode> = new Set<ProblemCode>([
  'body_too_large',
  'not_json',
  'not_an_object',
  'unsupported_envelope_type',
  'envelope_message_missing',
  'envelope_message_not_string',
  'required',
  'wrong_type',
  'too_short',
  'too_long',
  'blank',
  'control_character',
  'malformed_unicode',
  'not_an_integer',
  'out_of_range',
  'not_allowed',
  'invalid_format',
  'missing_zone',
  'invalid_date',
  'invalid_time',
  'invalid_zone',
  'precision_too_high',
]);

/**
 * Decodes without throwing, and checks the result is well-formed either way. Plain `assert`
 * rather than `expect` here: this runs thousands of times and jest's matchers are slow.
 */
function decodeSafely(body: string): DecodeResult {
  let result: DecodeResult;
  try {
    result = decodeOrderMessage(body);
  } catch (error) {
    throw new Error(`decodeOrderMessage threw: ${String(error)}`);
  }
  if (!result.ok) {
    assert.ok(result.problems.length > 0, 'a rejection lists at least one problem');
    for (const p of result.problems) {
      assert.ok(KNOWN_CODES.has(p.code), `unknown code ${p.code}`);
      assert.match(p.field, /^[A-Za-z.]+$/);
      assert.notEqual(p.reason.trim(), '');
    }
  }
  return result;
}

/** Any UTF-16 code unit, lone surrogates and controls included. */
const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u));

describe('decoding and validation never throw', () => {
  it('on arbitrary strings (any code point)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (body) => void decodeSafely(body)),
      { numRuns: 300 },
    );
  });

  it('on arbitrary UTF-16 unit sequences (lone surrogates, controls)', () => {
    fc.assert(
      fc.property(fc.string({ unit: anyUnit, maxLength: 200 }), (body) => void decodeSafely(body)),
      { numRuns: 300 },
    );
  });

  it('on arbitrary JSON texts', () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 6 }), (body) => void decodeSafely(body)),
      { numRuns: 300 },
    );
  });

  it('on arbitrary JSON objects, raw and as the Message of an envelope', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 8 }),
        (object) => {
          const text = JSON.stringify(object);
          decodeSafely(text);
          decodeSafely(JSON.stringify({ Type: 'Notification', Message: text }));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('on objects mixing order fields of any JSON type with arbitrary keys', () => {
    const anyField = fc.option(fc.jsonValue({ maxDepth: 3 }), { nil: undefined });
    fc.assert(
      fc.property(
        fc.record(
          {
            orderId: anyField,
            userId: anyField,
            itemName: anyField,
            quantity: anyField,
            status: anyField,
            timestamp: anyField,
          },
          { requiredKeys: [] },
        ),
        fc.dictionary(
          fc.constantFrom('__proto__', 'constructor', 'prototype', 'Type', 'Message', 'x'),
          fc.jsonValue({ maxDepth: 2 }),
        ),
        (fields, extra) => {
          const body = JSON.stringify({ ...extra, ...fields });
          decodeSafely(body);
          assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('on arbitrary SNS-like envelopes', () => {
    const message = fc.oneof(
      fc.json({ maxDepth: 3 }),
      fc.string({ unit: anyUnit, maxLength: 60 }),
      fc.jsonValue({ maxDepth: 3 }),
      validOrder.map(serializeOrder),
      validOrder.map((o) => serializeOrder(o).slice(0, -1)),
    );
    const envelope = fc.record(
      {
        Type: fc.oneof(
          fc.constant('Notification'),
          fc.constant('SubscriptionConfirmation'),
          fc.string({ maxLength: 15 }),
          fc.jsonValue({ maxDepth: 1 }),
        ),
        Message: message,
        MessageId: fc.oneof(fc.uuid(), fc.jsonValue({ maxDepth: 1 })),
        TopicArn: fc.string({ maxLength: 20 }),
      },
      { requiredKeys: ['Type'] },
    );
    fc.assert(
      fc.property(envelope, (env) => {
        const result = decodeSafely(JSON.stringify(env));
        if (env.Type !== 'Notification') assert.equal(result.ok, false);
        if (result.ok) assert.equal(result.delivery, 'sns-envelope');
        // The SNS id is passed on (for logs) only when it looks like one; anything else is dropped.
        if (result.ok) {
          const plausible = typeof env.MessageId === 'string' && /^[A-Za-z0-9-]{1,100}$/.test(env.MessageId);
          assert.equal(result.snsMessageId, plausible ? env.MessageId : undefined);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('validateOrder on anything JavaScript can hold (boxed values, maps, null prototypes, typed arrays…)', () => {
    const anything = fc.anything({
      maxDepth: 3,
      withBoxedValues: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withObjectString: true,
      withTypedArray: true,
      withSparseArray: true,
      withDate: true,
      withBigInt: true,
    });
    fc.assert(
      fc.property(anything, (candidate) => {
        const result = validateOrder(candidate);
        if (!result.ok) assert.ok(result.problems.length > 0);
      }),
      { numRuns: 300 },
    );
  });
});
