import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeOrderMessage, validateOrder, wrapInSnsNotification, type Order } from '../../src';
import {
  INVALID_VALUE_FOR,
  MISSING,
  ORDER_FIELDS,
  VALID_VALUE_FOR,
  validOrder,
  withField,
} from '../support/arbitraries';

const fieldsNamed = (problems: ReadonlyArray<{ field: string }>): string[] =>
  [...new Set(problems.map((p) => p.field))].sort();

describe('an order with exactly one invalid field', () => {
  describe.each(ORDER_FIELDS)('%s', (field) => {
    it('is rejected by validateOrder with only that field named', () => {
      fc.assert(
        fc.property(validOrder, INVALID_VALUE_FOR[field], (order, invalid) => {
          const result = validateOrder(withField(order, field, invalid));
          assert.ok(!result.ok, 'accepted');
          assert.deepEqual(fieldsNamed(result.problems), [field]);
        }),
        { numRuns: 150 },
      );
    });

    it('is rejected after a trip through JSON, raw and enveloped, with that field named', () => {
      fc.assert(
        fc.property(validOrder, INVALID_VALUE_FOR[field], (order, invalid) => {
          const json = JSON.stringify(withField(order, field, invalid));
          for (const body of [
            json,
            JSON.stringify(
              wrapInSnsNotification(json, { messageId: 'm', topicArn: 'arn:aws:sns:us-east-1:0:T', timestamp: 't' }),
            ),
          ]) {
            const result = decodeOrderMessage(body);
            assert.ok(!result.ok, 'accepted');
            assert.deepEqual(fieldsNamed(result.problems), [field]);
          }
        }),
        { numRuns: 100 },
      );
    });
  });
});

describe('an order with any set of invalid fields', () => {
  it('names exactly the invalid fields, all at once', () => {
    const fieldChoice = (field: keyof Order) =>
      fc.oneof(
        VALID_VALUE_FOR[field].map((value) => ({ valid: true, value })),
        INVALID_VALUE_FOR[field].map((value) => ({ valid: false, value })),
      );
    const choices = fc.record(
      Object.fromEntries(ORDER_FIELDS.map((f) => [f, fieldChoice(f)])) as Record<
        keyof Order,
        ReturnType<typeof fieldChoice>
      >,
    );
    fc.assert(
      fc.property(choices, (picked) => {
        const record: Record<string, unknown> = {};
        for (const f of ORDER_FIELDS) if (picked[f].value !== MISSING) record[f] = picked[f].value;
        const invalid = ORDER_FIELDS.filter((f) => !picked[f].valid).sort();
        const result = validateOrder(record);
        assert.equal(result.ok, invalid.length === 0);
        if (!result.ok) assert.deepEqual(fieldsNamed(result.problems), invalid);
      }),
      { numRuns: 300 },
    );
  });
});
