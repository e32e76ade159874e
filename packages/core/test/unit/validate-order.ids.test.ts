import { validateOrder, type ValidationProblem } from '../../src';
import { ascii, astral, validRecord } from '../support/orders';

const problemsOf = (record: Record<string, unknown>): readonly ValidationProblem[] => {
  const result = validateOrder(record);
  return result.ok ? [] : result.problems;
};

describe.each(['orderId', 'userId'] as const)('%s: 1–128 code points, a non-space character, no controls', (field) => {
  it.each([
    ['one character', 'a'],
    ['128 ASCII characters', ascii(128)],
    ['128 astral characters (256 UTF-16 units, counted as 128)', astral(128)],
    ['127 ASCII plus one astral at the end', `${ascii(127)}😀`],
    ['inner and surrounding spaces', '  O 1  '],
    ['non-Latin text', 'заказ-注文-🛒'],
    ['a combining sequence (two code points)', 'e\u0301'],
  ])('accepts %s', (_label, value) => {
    const result = validateOrder(validRecord({ [field]: value }));
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value.order[field]).toBe(value);
  });

  it.each([
    ['empty', '', 'too_short'],
    ['129 ASCII characters', ascii(129), 'too_long'],
    ['129 astral characters', astral(129), 'too_long'],
    ['128 ASCII plus one astral', `${ascii(128)}😀`, 'too_long'],
    ['far beyond the limit', ascii(100_000), 'too_long'],
    ['only spaces', '   ', 'blank'],
    ['only Unicode spaces (NBSP, ideographic, em)', '\u00a0\u3000\u2003', 'blank'],
    ['only a BOM', '\ufeff', 'blank'],
    ['NUL', 'O\u00001', 'control_character'],
    ['a unit separator (U+001F)', 'O\u001f1', 'control_character'],
    ['DEL (U+007F)', 'O\u007f1', 'control_character'],
    ['NEL (U+0085, a C1 control)', 'O\u00851', 'control_character'],
    ['U+009F (last C1 control)', 'O\u009f1', 'control_character'],
    ['a newline', 'O\n1', 'control_character'],
    ['a tab', 'O\t1', 'control_character'],
    ['a lone high surrogate', 'O\ud8001', 'malformed_unicode'],
    ['a lone low surrogate', 'O\udc001', 'malformed_unicode'],
    ['a reversed surrogate pair', '\udc00\ud800', 'malformed_unicode'],
    ['a trailing high surrogate', 'O1\ud83d', 'malformed_unicode'],
  ])('rejects %s with %s', (_label, value, code) => {
    expect(problemsOf(validRecord({ [field]: value }))).toContainEqual(expect.objectContaining({ field, code }));
  });

  it('reports a tab-only id as both blank and a control character', () => {
    const codes = problemsOf(validRecord({ [field]: '\t\t' })).map((p) => p.code);
    expect(codes).toEqual(expect.arrayContaining(['blank', 'control_character']));
  });

  it.each([
    ['a number', 1234],
    ['null', null],
    ['a boolean', true],
    ['an array', ['O1']],
    ['an object', { id: 'O1' }],
  ])('rejects %s as wrong_type', (_label, value) => {
    expect(problemsOf(validRecord({ [field]: value }))).toEqual([
      expect.objectContaining({ field, code: 'wrong_type' }),
    ]);
  });

  it('requires the field', () => {
    const record = validRecord();
    delete record[field];
    expect(problemsOf(record)).toEqual([expect.objectContaining({ field, code: 'required' })]);
  });

  it('treats an explicit undefined like a missing field', () => {
    expect(problemsOf(validRecord({ [field]: undefined }))).toEqual([
      expect.objectContaining({ field, code: 'required' }),
    ]);
  });
});
