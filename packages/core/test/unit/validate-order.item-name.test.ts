import { validateOrder, type ValidationProblem } from '../../src';
import { ascii, astral, validRecord } from '../support/orders';

const problemsOf = (record: Record<string, unknown>): readonly ValidationProblem[] => {
  const result = validateOrder(record);
  return result.ok ? [] : result.problems;
};

describe('itemName: 1–512 code points of any Unicode text, no controls', () => {
  it.each([
    ['one character', 'x'],
    ['512 ASCII characters', ascii(512)],
    ['512 astral characters (1024 UTF-16 units)', astral(512)],
    ['spaces only (no non-space rule for item names)', '   '],
    ['mixed scripts, emoji sequences and combining marks', 'Café ☕ — 𝄞 👩‍👩‍👧 e\u0301 日本語 العربية'],
    ['private-use and noncharacter code points', '\ue000\uffff\u{10ffff}'],
    ['zero-width joiners and bidi marks (format, not control, characters)', 'a\u200d\u200eb'],
    ['U+2028 LINE SEPARATOR (a separator, not a control)', 'a\u2028b'],
  ])('accepts %s', (_label, itemName) => {
    const result = validateOrder(validRecord({ itemName }));
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value.order.itemName).toBe(itemName);
  });

  it.each([
    ['empty', '', 'too_short'],
    ['513 ASCII characters', ascii(513), 'too_long'],
    ['513 astral characters', astral(513), 'too_long'],
    ['a NUL', 'Lap\u0000top', 'control_character'],
    ['U+001F', 'Lap\u001ftop', 'control_character'],
    ['DEL', 'Lap\u007ftop', 'control_character'],
    ['NEL (U+0085)', 'Lap\u0085top', 'control_character'],
    ['a carriage return', 'Lap\rtop', 'control_character'],
    ['a lone high surrogate', 'Lap\ud800top', 'malformed_unicode'],
    ['a lone low surrogate at the end', 'Laptop\udfff', 'malformed_unicode'],
  ])('rejects %s with %s', (_label, itemName, code) => {
    expect(problemsOf(validRecord({ itemName }))).toContainEqual(expect.objectContaining({ field: 'itemName', code }));
  });

  it.each([[42], [null], [false], [['Laptop']], [{ name: 'Laptop' }]])('rejects %p as wrong_type', (itemName) => {
    expect(problemsOf(validRecord({ itemName }))).toEqual([
      expect.objectContaining({ field: 'itemName', code: 'wrong_type' }),
    ]);
  });

  it('reports a too-long name that also holds a control character and a lone surrogate, all at once', () => {
    const codes = problemsOf(validRecord({ itemName: `${ascii(600)}\u0000\ud800` })).map((p) => p.code);
    expect(codes).toEqual(['too_long', 'malformed_unicode', 'control_character']);
  });
});
