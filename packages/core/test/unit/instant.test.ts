import {
  compareInstants,
  instantFromDecimalSeconds,
  instantToDecimalSeconds,
  parseRfc3339Instant,
  type Instant,
} from '../../src';

const instant = (text: string): Instant => {
  const parsed = parseRfc3339Instant(text);
  if (!parsed.ok) throw new Error(`${text}: ${parsed.problem.reason}`);
  return parsed.instant;
};
const sign = (n: number): number => Math.sign(n) || 0;

describe('compareInstants', () => {
  it('treats the same instant in different zones as equal', () => {
    expect(compareInstants(instant('2025-05-03T16:00:00+02:00'), instant('2025-05-03T14:00:00Z'))).toBe(0);
    expect(compareInstants(instant('2025-05-03T09:30:00-04:30'), instant('2025-05-03t14:00:00z'))).toBe(0);
    expect(compareInstants(instant('2025-05-03T14:00:00-00:00'), instant('2025-05-03T14:00:00+00:00'))).toBe(0);
  });

  it('treats trailing fraction zeros as the same instant', () => {
    expect(compareInstants(instant('2025-05-03T14:00:00.5Z'), instant('2025-05-03T14:00:00.500000000Z'))).toBe(0);
    expect(compareInstants(instant('2025-05-03T14:00:00.000Z'), instant('2025-05-03T14:00:00Z'))).toBe(0);
  });

  it('orders by instant where string order says the opposite', () => {
    // "13:00+02:00" sorts after "12:00Z" as text but is 11:00Z.
    expect('2025-05-03T13:00:00+02:00' > '2025-05-03T12:00:00Z').toBe(true);
    expect(sign(compareInstants(instant('2025-05-03T13:00:00+02:00'), instant('2025-05-03T12:00:00Z')))).toBe(-1);
  });

  it('orders instants below the millisecond', () => {
    const a = instant('2025-05-03T12:00:00.000100Z');
    const b = instant('2025-05-03T12:00:00.00015Z');
    const c = instant('2025-05-03T12:00:00.0002Z');
    const d = instant('2025-05-03T12:00:00.000200001Z');
    expect(sign(compareInstants(a, b))).toBe(-1);
    expect(sign(compareInstants(c, b))).toBe(1);
    expect(sign(compareInstants(d, c))).toBe(1);
    expect(compareInstants(b, b)).toBe(0);
  });

  it('orders across the epoch and across the day line', () => {
    expect(sign(compareInstants(instant('1969-12-31T23:59:59.999999999Z'), instant('1970-01-01T00:00:00Z')))).toBe(-1);
    expect(sign(compareInstants(instant('2025-05-04T00:30:00+01:00'), instant('2025-05-03T23:45:00Z')))).toBe(-1);
  });
});

describe('instant ↔ decimal seconds', () => {
  it.each([
    ['1970-01-01T00:00:00Z', '0'],
    ['2025-05-03T12:00:00Z', '1746273600'],
    ['2025-05-03T12:00:00.0001Z', '1746273600.0001'],
    ['2025-05-03T12:00:00.123456789Z', '1746273600.123456789'],
    ['2025-05-03T12:00:00.100000000Z', '1746273600.1'],
    ['1969-12-31T23:59:59Z', '-1'],
    ['1969-12-31T23:59:59.5Z', '-0.5'],
    ['1969-12-31T23:59:59.999999999Z', '-0.000000001'],
    ['1969-12-31T23:59:58.25Z', '-1.75'],
    ['0001-01-01T00:00:00Z', '-62135596800'],
    ['0001-01-01T00:00:00.000000001Z', '-62135596799.999999999'],
    ['9999-12-31T23:59:59.999999999Z', '253402300799.999999999'],
  ])('%s is %s seconds, and back', (text, decimal) => {
    const value = instant(text);
    expect(instantToDecimalSeconds(value)).toBe(decimal);
    expect(instantFromDecimalSeconds(decimal)).toEqual(value);
  });

  it('keeps nanos within [0, 1e9) before 1970 (floor, not truncation)', () => {
    expect(instantFromDecimalSeconds('-0.5')).toEqual({ epochSeconds: -1, nanos: 500_000_000 });
    expect(instantFromDecimalSeconds('-1.75')).toEqual({ epochSeconds: -2, nanos: 250_000_000 });
    expect(instantFromDecimalSeconds('-2')).toEqual({ epochSeconds: -2, nanos: 0 });
  });

  it('reads decimals without fraction digits and with fewer than nine', () => {
    expect(instantFromDecimalSeconds('12')).toEqual({ epochSeconds: 12, nanos: 0 });
    expect(instantFromDecimalSeconds('12.07')).toEqual({ epochSeconds: 12, nanos: 70_000_000 });
  });

  it.each(['', '1.', '.5', '1e3', '+1', '1.1234567891', 'NaN', ' 1', '1_000', '--1'])(
    'refuses %p with a RangeError',
    (text) => {
      expect(() => instantFromDecimalSeconds(text)).toThrow(RangeError);
    },
  );
});
