import { validateOrder, type ValidationProblem } from '../../src';
import { validRecord } from '../support/orders';

/** Quantity as the decoder would see it: the JSON text parsed, so `1.0` and `1e400` mean what JSON says. */
const fromJson = (quantityJson: string): unknown => JSON.parse(`{"quantity":${quantityJson}}`).quantity;

const problemsOf = (quantity: unknown): readonly ValidationProblem[] => {
  const result = validateOrder(validRecord({ quantity }));
  return result.ok ? [] : result.problems;
};

describe('quantity: a JSON integer from 1 to 1,000,000', () => {
  it.each(['1', '2', '999999', '1000000', '1.0', '1e0', '1E2', '10e5', '1.0000000000000001'])(
    'accepts the JSON number %s',
    (json) => {
      const result = validateOrder(validRecord({ quantity: fromJson(json) }));
      expect(result.ok).toBe(true);
      if (result.ok) expect(Number.isInteger(result.value.order.quantity)).toBe(true);
    },
  );

  it('keeps 1.0 as the number 1 (JSON has one number type)', () => {
    const result = validateOrder(validRecord({ quantity: fromJson('1.0') }));
    expect(result.ok && result.value.order.quantity).toBe(1);
  });

  it.each([
    ['0', 'out_of_range'],
    ['-0', 'out_of_range'],
    ['-1', 'out_of_range'],
    ['1000001', 'out_of_range'],
    ['9007199254740993', 'out_of_range'],
    ['1e400', 'out_of_range'],
    ['-1e400', 'out_of_range'],
    ['1e-400', 'out_of_range'],
    ['1.5', 'not_an_integer'],
    ['0.5', 'not_an_integer'],
    ['999999.999', 'not_an_integer'],
  ])('rejects the JSON number %s with %s', (json, code) => {
    expect(problemsOf(fromJson(json))).toEqual([expect.objectContaining({ field: 'quantity', code })]);
  });

  it('rejects -0 even though Number.isInteger(-0) is true', () => {
    expect(Object.is(fromJson('-0'), -0)).toBe(true);
    expect(problemsOf(-0)).toEqual([expect.objectContaining({ field: 'quantity', code: 'out_of_range' })]);
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
  ])('rejects %s (only reachable from non-JSON callers) without throwing', (_label, quantity) => {
    expect(problemsOf(quantity)).toEqual([expect.objectContaining({ field: 'quantity', code: 'out_of_range' })]);
  });

  it.each([
    ['the string "1"', '1'],
    ['the string "NaN"', 'NaN'],
    ['the string "Infinity"', 'Infinity'],
    ['an empty string', ''],
    ['null', null],
    ['a boolean', true],
    ['an array', [1]],
    ['an object', { value: 1 }],
    ['a bigint', 1n],
  ])('rejects %s as wrong_type', (_label, quantity) => {
    expect(problemsOf(quantity)).toEqual([expect.objectContaining({ field: 'quantity', code: 'wrong_type' })]);
  });

  it('requires the field', () => {
    const record = validRecord();
    delete record['quantity'];
    expect(validateOrder(record)).toEqual({
      ok: false,
      problems: [expect.objectContaining({ field: 'quantity', code: 'required' })],
    });
  });
});
