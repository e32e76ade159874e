import type { ValidationProblem } from '@orders/core';
import { SEED_DUMMY_ORDER } from '@orders/simulation';
import { UNSTATED_RULES } from '../../src/contract/order-json-schema';
import { describeInvalidLine, refusalsOf } from '../../src/publish/invalid-line-report';
import { jsonPointer } from '../../src/publish/json-pointer';
import { checkOrderLine } from '../../src/publish/order-lines';
import { compileOrderSchemaCheck } from '../../src/publish/order-schema-check';
import type { InvalidLine } from '../../src/publish/publish-orders';

// How `orders publish --file` names a refused line: core's problems beside the published schema's
// errors (Ajv's JSON Pointer and keyword), and which side refused where they disagree.

const check = compileOrderSchemaCheck();
const seed: Record<string, unknown> = { ...SEED_DUMMY_ORDER };
const without = (field: string): Record<string, unknown> =>
  Object.fromEntries(Object.entries(seed).filter(([key]) => key !== field));

describe('the order schema check (Ajv 2020-12 on the schema core generates)', () => {
  it('accepts a valid order', () => {
    expect(check(seed)).toEqual([]);
  });

  it.each<[string, unknown, readonly { pointer: string; keyword: string }[]]>([
    [
      'a missing field, at the pointer the field would have',
      without('quantity'),
      [{ pointer: '/quantity', keyword: 'required' }],
    ],
    ['a wrong type', { ...seed, quantity: '1' }, [{ pointer: '/quantity', keyword: 'type' }]],
    ['a fraction', { ...seed, quantity: 1.5 }, [{ pointer: '/quantity', keyword: 'type' }]],
    ['below the range', { ...seed, quantity: 0 }, [{ pointer: '/quantity', keyword: 'minimum' }]],
    ['above the range', { ...seed, quantity: 1_000_001 }, [{ pointer: '/quantity', keyword: 'maximum' }]],
    ['a status not in the enum', { ...seed, status: 'lost' }, [{ pointer: '/status', keyword: 'enum' }]],
    [
      'a timestamp that is not RFC 3339',
      { ...seed, timestamp: 'yesterday' },
      [
        { pointer: '/timestamp', keyword: 'pattern' },
        { pointer: '/timestamp', keyword: 'format' },
      ],
    ],
    [
      'a day that does not exist (format asserted)',
      { ...seed, timestamp: '2025-02-30T12:00:00Z' },
      [{ pointer: '/timestamp', keyword: 'format' }],
    ],
    ['not an object: the whole order, ""', [seed], [{ pointer: '', keyword: 'type' }]],
    // A tab is white space and a control character: both patterns fail, reported once.
    [
      'two patterns failing on one field, once',
      { ...seed, orderId: '\t' },
      [{ pointer: '/orderId', keyword: 'pattern' }],
    ],
  ])('names %s', (_, value, expected) => {
    expect(check(value)).toEqual(expected);
  });

  it('reports every error of an order at once', () => {
    const errors = check({ ...without('userId'), quantity: 0, timestamp: '2025-02-30T12:00:00Z' });
    expect(errors).toEqual([
      { pointer: '/userId', keyword: 'required' },
      { pointer: '/quantity', keyword: 'minimum' },
      { pointer: '/timestamp', keyword: 'format' },
    ]);
  });

  it('never carries the value', () => {
    const errors = check({ ...seed, orderId: 'SECRET\u0001', userId: 42, quantity: 'SECRET-QUANTITY' });
    expect(errors.length).toBeGreaterThan(0);
    expect(JSON.stringify(errors)).not.toMatch(/SECRET|42/);
  });

  it('escapes a missing property in its pointer (RFC 6901)', () => {
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      required: ['a/b', 'c~d'],
      properties: { 'a/b': {}, 'c~d': {} },
    };
    expect(compileOrderSchemaCheck(schema)({})).toEqual([
      { pointer: '/a~1b', keyword: 'required' },
      { pointer: '/c~0d', keyword: 'required' },
    ]);
    expect(jsonPointer(['x', 'a/b~'])).toBe('/x/a~1b~0');
  });
});

const problem = (field: string, code: ValidationProblem['code'], reason: string): ValidationProblem => ({
  field,
  code,
  reason,
});

/** A line as publishFile reports it: core's problems, and the schema's errors on the same value. */
function refused(text: string, lineNumber = 7): InvalidLine {
  const checked = checkOrderLine(text, lineNumber);
  if (checked.ok) throw new Error(`core accepts ${text}`);
  return checked.parsed === undefined
    ? { lineNumber, problems: checked.problems }
    : { lineNumber, problems: checked.problems, schemaErrors: check(checked.parsed.value) };
}

describe('a refused line, described', () => {
  it('puts each of core’s problems beside the schema’s pointer and keyword for the same field', () => {
    const line = refused(JSON.stringify({ ...without('userId'), quantity: 0, timestamp: '2025-02-30T12:00:00Z' }), 3);
    expect(describeInvalidLine(line)).toBe(
      'line 3: userId is required [required] (schema: /userId required); ' +
        'quantity must be an integer from 1 to 1000000 [out_of_range] (schema: /quantity minimum); ' +
        'timestamp day does not exist in that month [invalid_date] (schema: /timestamp format)',
    );
    expect(refusalsOf(line).map((r) => r.by)).toEqual(['both', 'both', 'both']);
  });

  it('names the whole order "" when it is not an object', () => {
    expect(describeInvalidLine(refused('[1]', 4))).toBe(
      'line 4: order must be a JSON object, got an array [not_an_object] (schema: "" type)',
    );
  });

  it('says core alone refused a rule the schema cannot state, naming its x-orders-rules entry', () => {
    const line = refused(JSON.stringify({ ...seed, orderId: 'O\ud800' }));
    expect(line.schemaErrors).toEqual([]);
    expect(describeInvalidLine(line)).toBe(
      'line 7: orderId must be well-formed Unicode (no lone surrogates) [malformed_unicode] ' +
        '(core only: x-orders-rules well-formed-unicode, a rule the schema cannot state)',
    );
  });

  it('keeps such a problem core’s alone even where the schema refuses the same field for another reason', () => {
    const line = refused(JSON.stringify({ ...seed, orderId: 'O\ud800\u0001' }));
    expect(refusalsOf(line)).toEqual([
      {
        by: 'core',
        problem: expect.objectContaining({ code: 'malformed_unicode' }),
        rule: UNSTATED_RULES.find((rule) => rule.id === 'well-formed-unicode'),
      },
      {
        by: 'both',
        problem: expect.objectContaining({ code: 'control_character' }),
        schema: [{ pointer: '/orderId', keyword: 'pattern' }],
      },
    ]);
  });

  it('says when the two disagree on a rule the contract does not list, on either side', () => {
    const line: InvalidLine = {
      lineNumber: 9,
      problems: [problem('itemName', 'too_long', 'must be at most 512 characters')],
      schemaErrors: [{ pointer: '/userId', keyword: 'pattern' }],
    };
    expect(describeInvalidLine(line)).toBe(
      'line 9: itemName must be at most 512 characters [too_long] (core only: the schema finds nothing here, ' +
        'and x-orders-rules lists no such rule: core and the contract disagree); ' +
        "schema only: /userId pattern (no problem of core's answers to it)",
    );
  });

  it('names a rule the schema states only as a format when the schema did not assert it', () => {
    const line: InvalidLine = {
      lineNumber: 2,
      problems: [problem('timestamp', 'invalid_date', 'day does not exist in that month')],
      schemaErrors: [],
    };
    expect(describeInvalidLine(line)).toBe(
      'line 2: timestamp day does not exist in that month [invalid_date] ' +
        '(core only: x-orders-rules calendar-date, a rule the schema states only as a format)',
    );
  });

  it('reports a line that is not JSON as before: no schema ran', () => {
    expect(describeInvalidLine(refused('not json', 5))).toBe('line 5: line is not valid JSON [not_json]');
  });
});
