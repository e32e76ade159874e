import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  compareInstants,
  instantFromDecimalSeconds,
  instantToDecimalSeconds,
  parseRfc3339Instant,
  type Instant,
} from '../../src';
import { validTimestamp } from '../support/arbitraries';

const parse = (text: string): Instant => {
  const parsed = parseRfc3339Instant(text);
  if (!parsed.ok) throw new Error(`${text}: ${parsed.problem.reason}`);
  return parsed.instant;
};
const pad = (n: number): string => String(n).padStart(2, '0');

// Keep local times inside years 0001–9999 whatever the offset, so Date#toISOString stays 4-digit.
const MIN_MS = Date.parse('0001-01-02T00:00:00Z');
const MAX_MS = Date.parse('9999-12-30T00:00:00Z');
const MAX_OFFSET_MINUTES = 23 * 60 + 59;

/**
 * A millisecond instant written as RFC 3339 in a random zone. The text comes from Date's own
 * formatter (the oracle), shifted by the offset, never from the code under test.
 */
const msTimestamp = fc
  .record({
    ms: fc.oneof(
      fc.integer({ min: MIN_MS, max: MAX_MS }),
      fc.integer({ min: 1_700_000_000_000, max: 1_700_000_100_000 }),
    ),
    offset: fc.oneof(fc.constant(0), fc.integer({ min: -MAX_OFFSET_MINUTES, max: MAX_OFFSET_MINUTES })),
    zulu: fc.constantFrom('Z', 'z'),
    trimFraction: fc.boolean(),
  })
  .map(({ ms, offset, zulu, trimFraction }) => {
    const local = new Date(ms + offset * 60_000).toISOString().slice(0, -1); // drop the Z
    const text = trimFraction ? local.replace(/\.?0+$/, (m) => (m.startsWith('.') ? '' : m)) : local;
    const zone =
      offset === 0
        ? zulu
        : `${offset < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
    return { ms, text: `${text}${zone}` };
  });

/** Exact nanoseconds of a decimal seconds string, as a BigInt (the oracle for numeric order). */
const decimalToNanos = (decimal: string): bigint => {
  const [, sign, whole, fraction = ''] = /^(-?)(\d+)(?:\.(\d+))?$/.exec(decimal)!;
  const magnitude = BigInt(whole!) * 1_000_000_000n + BigInt(fraction.padEnd(9, '0'));
  return sign === '-' ? -magnitude : magnitude;
};

const anyInstant = fc
  .record({
    epochSeconds: fc.integer({ min: -62_167_219_200 - 86_400, max: 253_402_300_799 + 86_400 }),
    nanos: fc.oneof(fc.constant(0), fc.constant(999_999_999), fc.integer({ min: 0, max: 999_999_999 })),
  })
  .map((instant): Instant => ({ ...instant })); // a plain object, as the code under test returns

describe('instants, property-based', () => {
  it('parse a millisecond timestamp in any zone to the instant Date names', () => {
    fc.assert(
      fc.property(msTimestamp, ({ ms, text }) => {
        const instant = parse(text);
        assert.equal(instant.epochSeconds * 1000 + instant.nanos / 1e6, ms);
        assert.equal(instant.nanos % 1_000_000, 0);
      }),
      { numRuns: 300 },
    );
  });

  it('compareInstants agrees with Date for millisecond timestamps across offsets', () => {
    fc.assert(
      fc.property(msTimestamp, msTimestamp, (a, b) => {
        assert.equal(Math.sign(compareInstants(parse(a.text), parse(b.text))), Math.sign(a.ms - b.ms));
      }),
      { numRuns: 300 },
    );
  });

  it('an instant written in two zones compares equal', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: MIN_MS, max: MAX_MS }),
        fc.integer({ min: -MAX_OFFSET_MINUTES, max: MAX_OFFSET_MINUTES }),
        (ms, offset) => {
          const utc = new Date(ms).toISOString();
          const local = new Date(ms + offset * 60_000).toISOString().slice(0, -1);
          const zone = `${offset < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
          assert.equal(compareInstants(parse(utc), parse(`${local}${zone}`)), 0);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('compareInstants is a total order consistent with exact nanoseconds', () => {
    fc.assert(
      fc.property(anyInstant, anyInstant, (a, b) => {
        const exact = decimalToNanos(instantToDecimalSeconds(a)) - decimalToNanos(instantToDecimalSeconds(b));
        assert.equal(Math.sign(compareInstants(a, b)), exact === 0n ? 0 : exact < 0n ? -1 : 1);
        assert.equal(Math.sign(compareInstants(b, a)), -Math.sign(compareInstants(a, b)) || 0);
      }),
      { numRuns: 300 },
    );
  });

  it('decimal seconds round-trip exactly, in canonical form, before and after 1970', () => {
    fc.assert(
      fc.property(anyInstant, (instant) => {
        const decimal = instantToDecimalSeconds(instant);
        assert.match(decimal, /^(0|-?[1-9]\d*|-?\d+\.\d{0,8}[1-9])$/);
        assert.notEqual(decimal, '-0');
        assert.deepEqual(instantFromDecimalSeconds(decimal), instant);
      }),
      { numRuns: 300 },
    );
  });

  it('any valid RFC 3339 timestamp survives timestamp → instant → decimal → instant', () => {
    fc.assert(
      fc.property(validTimestamp, (text) => {
        const instant = parse(text);
        assert.ok(instant.nanos >= 0 && instant.nanos < 1e9);
        assert.ok(Number.isInteger(instant.epochSeconds));
        assert.deepEqual(instantFromDecimalSeconds(instantToDecimalSeconds(instant)), instant);
      }),
      { numRuns: 300 },
    );
  });
});
