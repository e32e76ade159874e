import { parseRfc3339Instant, validateOrder } from '../../src';
import { validRecord } from '../support/orders';

/** Milliseconds since the epoch for a valid timestamp, via the parser. */
const epochMs = (text: string): number => {
  const parsed = parseRfc3339Instant(text);
  if (!parsed.ok) throw new Error(`expected ${text} to parse: ${parsed.problem.reason}`);
  return parsed.instant.epochSeconds * 1000 + Math.floor(parsed.instant.nanos / 1e6);
};

describe('timestamp: RFC 3339 with an explicit zone, naming a real calendar instant', () => {
  it.each([
    '2025-05-03T12:00:00Z',
    '2025-05-03t12:00:00z',
    '2025-05-03T12:00:00+02:00',
    '2025-05-03T12:00:00-07:30',
    '2025-05-03T12:00:00-00:00',
    '2025-05-03T12:00:00+23:59',
    '2025-05-03T12:00:00-23:59',
    '2025-05-03T12:00:00.1Z',
    '2025-05-03T12:00:00.123Z',
    '2025-05-03T12:00:00.123456789Z',
    '2025-05-03T12:00:00.000000000+05:45',
    '2024-02-29T00:00:00Z',
    '2000-02-29T23:59:59Z',
    '1600-02-29T00:00:00Z',
    '2025-01-31T00:00:00Z',
    '2025-04-30T00:00:00Z',
    '2025-12-31T23:59:59.999999999Z',
    '0000-01-01T00:00:00Z',
    '0001-01-01T00:00:00Z',
    '9999-12-31T23:59:59Z',
    '1969-12-31T23:59:59.5Z',
  ])('accepts %s and keeps its text unchanged', (timestamp) => {
    const result = validateOrder(validRecord({ timestamp }));
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value.order.timestamp).toBe(timestamp);
  });

  it.each([
    ['2025-13-45T00:00:00Z', 'invalid_date'],
    ['2025-00-10T00:00:00Z', 'invalid_date'],
    ['2025-05-00T00:00:00Z', 'invalid_date'],
    ['2025-02-29T00:00:00Z', 'invalid_date'],
    ['1900-02-29T00:00:00Z', 'invalid_date'],
    ['2100-02-29T00:00:00Z', 'invalid_date'],
    ['2024-02-30T00:00:00Z', 'invalid_date'],
    ['2025-04-31T00:00:00Z', 'invalid_date'],
    ['2025-06-31T00:00:00Z', 'invalid_date'],
    ['2025-09-31T00:00:00Z', 'invalid_date'],
    ['2025-11-31T00:00:00Z', 'invalid_date'],
    ['2025-01-32T00:00:00Z', 'invalid_date'],
    ['2025-05-03T24:00:00Z', 'invalid_time'],
    ['2025-05-03T12:60:00Z', 'invalid_time'],
    ['2025-05-03T23:59:60Z', 'invalid_time'],
    ['2025-05-03T12:00:00', 'missing_zone'],
    ['2025-05-03T12:00:00.123', 'missing_zone'],
    ['2025-05-03t12:00:00', 'missing_zone'],
    ['2025-05-03T12:00:00+24:00', 'invalid_zone'],
    ['2025-05-03T12:00:00+02:60', 'invalid_zone'],
    ['2025-05-03T12:00:00.1234567890Z', 'precision_too_high'],
    ['2025-05-03T12:00:00+0200', 'invalid_format'],
    ['2025-05-03T12:00:00+02', 'invalid_format'],
    ['2025-05-03T12:00:00 Z', 'invalid_format'],
    ['2025-05-03 12:00:00Z', 'invalid_format'],
    ['2025-05-03T12:00Z', 'invalid_format'],
    ['2025-05-03T12:00:00.Z', 'invalid_format'],
    ['2025-05-03', 'invalid_format'],
    ['2025-5-3T12:00:00Z', 'invalid_format'],
    ['+002025-05-03T12:00:00Z', 'invalid_format'],
    ['12025-05-03T12:00:00Z', 'invalid_format'],
    ['2025-05-03T12:00:00ZZ', 'invalid_format'],
    ['2025-05-03T12:00:00Z\n', 'invalid_format'],
    [' 2025-05-03T12:00:00Z', 'invalid_format'],
    ['２０２５-05-03T12:00:00Z', 'invalid_format'],
    [`2025-05-03T12:00:00.${'1'.repeat(60)}Z`, 'invalid_format'],
    ['Sat, 03 May 2025 12:00:00 GMT', 'invalid_format'],
    ['1746273600000', 'invalid_format'],
    ['NaN', 'invalid_format'],
    ['', 'invalid_format'],
  ])('rejects %p with %s', (timestamp, code) => {
    expect(validateOrder(validRecord({ timestamp }))).toEqual({
      ok: false,
      problems: [expect.objectContaining({ field: 'timestamp', code })],
    });
  });

  it.each([[1746273600000], [null], [true], [{ iso: '2025-05-03T12:00:00Z' }], [['2025-05-03T12:00:00Z']]])(
    'rejects %p as wrong_type',
    (timestamp) => {
      expect(validateOrder(validRecord({ timestamp }))).toEqual({
        ok: false,
        problems: [expect.objectContaining({ field: 'timestamp', code: 'wrong_type' })],
      });
    },
  );

  it('names the given field in a parse problem', () => {
    const parsed = parseRfc3339Instant('nope', 'publishedAt');
    expect(parsed).toEqual({
      ok: false,
      problem: expect.objectContaining({ field: 'publishedAt', code: 'invalid_format' }),
    });
  });

  it.each([
    ['2025-05-03T12:00:00Z', Date.UTC(2025, 4, 3, 12)],
    ['2025-05-03T16:00:00+02:00', Date.UTC(2025, 4, 3, 14)],
    ['2025-05-03T00:30:00+05:45', Date.UTC(2025, 4, 2, 18, 45)],
    ['2025-05-03T23:00:00-03:00', Date.UTC(2025, 4, 4, 2)],
    ['2024-12-31T23:00:00-01:00', Date.UTC(2025, 0, 1)],
    ['1969-12-31T23:59:59.5Z', -500],
    ['1970-01-01T00:00:00Z', 0],
    ['0001-01-01T00:00:00Z', Date.parse('0001-01-01T00:00:00Z')],
    ['0099-06-15T00:00:00Z', Date.parse('0099-06-15T00:00:00Z')],
    ['9999-12-31T23:59:59Z', Date.parse('9999-12-31T23:59:59Z')],
  ])('%s names the instant %d ms (years below 100 are not shifted to 19xx)', (text, expected) => {
    expect(epochMs(text)).toBe(expected);
  });
});
