import { problem, type ValidationProblem } from './validation-problem';

/**
 * A point in time with nanosecond precision, parsed from an RFC 3339 date-time.
 *
 * Orders are compared by instant, never by string: `2025-05-03T16:00:00+02:00` and
 * `2025-05-03T14:00:00Z` are the same instant. Milliseconds (what `Date` keeps) are not
 * enough: two events 100 µs apart must still be ordered, so the fraction is kept apart.
 */
export interface Instant {
  /** Whole seconds since 1970-01-01T00:00:00Z (may be negative before 1970). */
  readonly epochSeconds: number;
  /** 0 ≤ nanos < 1e9. */
  readonly nanos: number;
}

const NANOS_PER_SECOND = 1_000_000_000n;

/** Fractional seconds are kept to the nanosecond: more digits than this are refused, not rounded. */
export const MAX_FRACTION_DIGITS = 9;

/** Negative when `a` is before `b`, 0 when they are the same instant, positive after. */
export function compareInstants(a: Instant, b: Instant): number {
  return a.epochSeconds !== b.epochSeconds ? a.epochSeconds - b.epochSeconds : a.nanos - b.nanos;
}

/**
 * The instant as an exact decimal number of seconds, e.g. `1746273600.0001`: this is what a
 * store compares numerically (DynamoDB numbers keep 38 significant digits; we need ≤ 21).
 */
export function instantToDecimalSeconds(instant: Instant): string {
  const totalNanos = BigInt(instant.epochSeconds) * NANOS_PER_SECOND + BigInt(instant.nanos);
  const magnitude = totalNanos < 0n ? -totalNanos : totalNanos;
  const whole = magnitude / NANOS_PER_SECOND;
  const fraction = String(magnitude % NANOS_PER_SECOND)
    .padStart(9, '0')
    .replace(/0+$/, '');
  return `${totalNanos < 0n ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** Inverse of {@link instantToDecimalSeconds}. */
export function instantFromDecimalSeconds(decimal: string): Instant {
  const match = /^(-?)(\d+)(?:\.(\d{1,9}))?$/.exec(decimal);
  if (!match) throw new RangeError(`not a decimal number of seconds: ${decimal}`);
  const [, sign, whole = '0', fraction = ''] = match;
  const magnitude = BigInt(whole) * NANOS_PER_SECOND + BigInt(fraction.padEnd(9, '0'));
  const totalNanos = sign === '-' ? -magnitude : magnitude;
  // Floor division, so that nanos stays in [0, 1e9) for instants before 1970.
  let seconds = totalNanos / NANOS_PER_SECOND;
  if (seconds * NANOS_PER_SECOND > totalNanos) seconds -= 1n;
  return { epochSeconds: Number(seconds), nanos: Number(totalNanos - seconds * NANOS_PER_SECOND) };
}

// RFC 3339 §5.6 date-time. `T`/`Z` may be lowercase (§5.6 note). The zone is mandatory:
// a local time names no instant, so it cannot be ordered against anything.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))?$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;
const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

export type InstantParseResult =
  | { readonly ok: true; readonly instant: Instant }
  | { readonly ok: false; readonly problem: ValidationProblem };

/** Parses an RFC 3339 date-time that has an explicit zone and names a real calendar instant. */
export function parseRfc3339Instant(text: string, field = 'timestamp'): InstantParseResult {
  const fail = (code: Parameters<typeof problem>[1], reason: string): InstantParseResult => ({
    ok: false,
    problem: problem(field, code, reason),
  });
  // Longest legal form is ~35 chars + a long fraction; refuse monsters before the regex.
  if (text.length > 64) return fail('invalid_format', 'must be an RFC 3339 date-time (at most 64 characters)');
  const m = RFC3339.exec(text);
  if (!m) {
    const zoneless = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?$/.test(text);
    return zoneless
      ? fail('missing_zone', 'must state its zone (Z or ±hh:mm); a local time names no instant')
      : fail('invalid_format', 'must be an RFC 3339 date-time such as 2025-05-03T12:00:00Z');
  }
  const [, y, mo, d, h, mi, s, fraction, zulu, sign, oh, om] = m;
  if (!zulu && !sign) return fail('missing_zone', 'must state its zone (Z or ±hh:mm); a local time names no instant');
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12) return fail('invalid_date', 'month must be 01–12');
  const monthDays = month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1]!;
  if (day < 1 || day > monthDays) return fail('invalid_date', 'day does not exist in that month');
  if (hour > 23 || minute > 59) return fail('invalid_time', 'time must be 00:00–23:59');
  // RFC 3339 allows :60 only for a real leap second; no clock we compare with can represent it.
  if (second > 59) return fail('invalid_time', 'seconds must be 00–59 (leap seconds are not supported)');
  if (fraction !== undefined && fraction.length > MAX_FRACTION_DIGITS) {
    return fail('precision_too_high', `fractional seconds are limited to ${MAX_FRACTION_DIGITS} digits (nanoseconds)`);
  }
  let offsetMinutes = 0;
  if (sign) {
    const offH = Number(oh);
    const offM = Number(om);
    if (offH > 23 || offM > 59) return fail('invalid_zone', 'zone offset must be within ±23:59');
    offsetMinutes = (sign === '-' ? -1 : 1) * (offH * 60 + offM);
  }
  // Date.UTC treats years 0–99 as 1900+; setUTCFullYear does not.
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute, second, 0);
  const epochSeconds = utc.getTime() / 1000 - offsetMinutes * 60;
  const nanos = fraction ? Number(fraction.padEnd(9, '0')) : 0;
  return { ok: true, instant: { epochSeconds, nanos } };
}
