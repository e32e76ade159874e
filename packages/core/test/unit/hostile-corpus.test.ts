import { decodeOrderMessage, serializeOrder, type DecodeResult } from '../../src';
import {
  checkProblemsAgainst,
  HOSTILE_CORPUS_DIR,
  loadHostileCorpus,
  materializeBody,
} from '../fixtures/load-hostile-corpus';

const corpus = loadHostileCorpus();
const prototypeNames = (): string[] => Object.getOwnPropertyNames(Object.prototype).sort();
const before = prototypeNames();

describe('hostile corpus: the fixtures themselves', () => {
  it(`has one case per file in ${HOSTILE_CORPUS_DIR.replace(/^.*packages/, 'packages')}, valid and invalid`, () => {
    expect(corpus.length).toBeGreaterThanOrEqual(150);
    expect(new Set(corpus.map((c) => c.name)).size).toBe(corpus.length);
    expect(corpus.filter((c) => c.expect.valid).length).toBeGreaterThanOrEqual(20);
  });

  it('covers every problem code the decoder can report', () => {
    const codes = new Set(corpus.flatMap((c) => (c.expect.valid ? [] : [c.expect.code])));
    expect([...codes].sort()).toEqual(
      [
        'blank',
        'body_too_large',
        'control_character',
        'envelope_message_missing',
        'envelope_message_not_string',
        'invalid_date',
        'invalid_format',
        'invalid_time',
        'invalid_zone',
        'malformed_unicode',
        'missing_zone',
        'not_allowed',
        'not_an_integer',
        'not_an_object',
        'not_json',
        'out_of_range',
        'precision_too_high',
        'required',
        'too_long',
        'too_short',
        'unsupported_envelope_type',
        'wrong_type',
      ].sort(),
    );
  });

  it('builds the generated bodies at the sizes their descriptions promise', () => {
    const byName = new Map(corpus.map((c) => [c.name, c]));
    expect(Buffer.byteLength(byName.get('body-too-large-1-mib')?.body ?? '')).toBe(1024 * 1024);
    expect(Buffer.byteLength(byName.get('valid-body-exactly-at-limit')?.body ?? '')).toBe(256 * 1024);
    expect(Buffer.byteLength(byName.get('body-too-large-one-byte-over')?.body ?? '')).toBe(256 * 1024 + 1);
    expect(byName.get('body-too-large-multibyte')?.body.length).toBeLessThan(100_000);
    expect(byName.get('deep-nesting-array-body-10000')?.body).toBe('['.repeat(10_000) + ']'.repeat(10_000));
  });

  it('finds the userId and itemName values a reason must not echo', () => {
    const seed = corpus.find((c) => c.name === 'valid-envelope-seed-dummy-order');
    expect(seed?.sensitiveValues).toEqual(['U123', 'Laptop']);
  });

  it('refuses malformed generator specs instead of producing a wrong body', () => {
    expect(() => materializeBody({ kind: 'padded', template: 'no marker', pad: 'x', totalBytes: 10 })).toThrow(/%PAD%/);
    expect(() => materializeBody({ kind: 'padded', template: '%PAD%', pad: '€', totalBytes: 10 })).toThrow(
      /whole number/,
    );
    expect(() => materializeBody({ kind: 'concat', parts: [{ repeat: 'x', count: -1 }] })).toThrow(/count/);
    expect(() => materializeBody({ kind: 'nope' } as never)).toThrow(/unknown generator/);
  });
});

describe('hostile corpus: decodeOrderMessage on every case', () => {
  afterAll(() => {
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(({} as Record<string, unknown>)['status']).toBeUndefined();
    expect(prototypeNames()).toEqual(before);
  });

  it.each(corpus.map((c) => [c.name, c] as const))('%s', (_name, hostile) => {
    let result: DecodeResult | undefined;
    expect(() => {
      result = decodeOrderMessage(hostile.body);
    }).not.toThrow();
    if (!result) throw new Error('no result');
    expect(checkProblemsAgainst(hostile, result.ok ? undefined : result.problems)).toBeUndefined();
    expect(result.ok).toBe(hostile.expect.valid);
    if (result.ok) {
      // A valid case round-trips through what we would publish.
      const again = decodeOrderMessage(serializeOrder(result.value.order));
      expect(again.ok && again.value).toEqual(result.value);
    } else {
      for (const p of result.problems) expect(p.reason).toMatch(/^\S.*\S$/);
    }
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
