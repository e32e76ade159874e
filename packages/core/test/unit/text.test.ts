import { codePointLength, hasControlCharacter, isWellFormedUnicode, utf8ByteLength } from '../../src/domain/text';

describe('text helpers', () => {
  it.each([
    ['', 0],
    ['abc', 3],
    ['😀', 1],
    ['a😀b', 3],
    ['\ud800', 1],
    ['\ud800\ud800', 2],
    ['\udc00\ud800', 2],
    ['😀\ud83d', 2],
    ['e\u0301', 2],
  ])('codePointLength(%p) is %i', (text, expected) => {
    expect(codePointLength(text)).toBe(expected);
    if (isWellFormedUnicode(text)) expect(codePointLength(text)).toBe([...text].length);
  });

  it.each(['', 'a', 'é', '€', '😀', 'a\ud800b', '\udfff', 'x😀\ud83d', 'Café ☕ — 𝄞'])(
    'utf8ByteLength(%p) matches Buffer.byteLength',
    (text) => {
      // Buffer encodes a lone surrogate as U+FFFD (3 bytes), which is what the helper promises.
      expect(utf8ByteLength(text)).toBe(Buffer.byteLength(text, 'utf8'));
    },
  );

  it('finds every C0, DEL and C1 control and nothing else', () => {
    for (let code = 0; code <= 0xff; code++) {
      const expected = code < 0x20 || (code >= 0x7f && code <= 0x9f);
      expect([code, hasControlCharacter(`a${String.fromCharCode(code)}b`)]).toEqual([code, expected]);
    }
    expect(hasControlCharacter('\u2028\u200b\ufeff')).toBe(false);
  });

  it('tells well-formed text from text with lone surrogates', () => {
    expect(isWellFormedUnicode('a😀b')).toBe(true);
    expect(isWellFormedUnicode('\ud800')).toBe(false);
    expect(isWellFormedUnicode('\udc00\ud800')).toBe(false);
  });

  it('uses its fallback correctly where String.prototype.isWellFormed is missing', () => {
    const proto = String.prototype as { isWellFormed?: unknown };
    const native = proto.isWellFormed;
    try {
      delete proto.isWellFormed;
      expect(isWellFormedUnicode('a😀b')).toBe(true);
      expect(isWellFormedUnicode('a\ud800b')).toBe(false);
      expect(isWellFormedUnicode('\udc00\ud800')).toBe(false);
    } finally {
      proto.isWellFormed = native;
    }
  });
});
