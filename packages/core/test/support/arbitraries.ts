/**
 * fast-check arbitraries for orders: valid ones that roam the whole rule space (Unicode incl.
 * astral characters, boundary lengths, every status, any RFC 3339 form), and invalid values per
 * field, each built to break exactly one rule of that field.
 */
import fc from 'fast-check';
import { ORDER_LIMITS, ORDER_STATUSES, type Order } from '../../src';

/** Stands for "the field is absent" in a mutation. */
export const MISSING = Symbol('missing');
export type FieldValue = unknown;

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
const isLeapYear = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
export const daysInMonth = (y: number, m: number): number =>
  [31, isLeapYear(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;

// ---------------------------------------------------------------------------------- text

const isSurrogate = (cp: number): boolean => cp >= 0xd800 && cp <= 0xdfff;

/** One code point that is allowed in every text field: no controls, no lone surrogates. */
export const allowedChar: fc.Arbitrary<string> = fc
  .oneof(
    { arbitrary: fc.integer({ min: 0x20, max: 0x7e }), weight: 4 },
    { arbitrary: fc.integer({ min: 0xa0, max: 0xffff }).filter((cp) => !isSurrogate(cp)), weight: 2 },
    { arbitrary: fc.integer({ min: 0x10000, max: 0x10ffff }), weight: 2 },
    { arbitrary: fc.constantFrom(0x20, 0xa0, 0x3000, 0x2003, 0xfeff), weight: 1 },
  )
  .map((cp) => String.fromCodePoint(cp));

/** A length in [min, max]: the two boundaries drawn often, short texts more often than long ones (speed). */
const lengthIn = (min: number, max: number): fc.Arbitrary<number> =>
  fc.oneof(
    { arbitrary: fc.constant(min), weight: 1 },
    { arbitrary: fc.constant(max), weight: 1 },
    { arbitrary: fc.integer({ min, max: Math.min(max, min + 16) }), weight: 2 },
    { arbitrary: fc.integer({ min, max }), weight: 1 },
  );

/** Text of `min`–`max` code points. */
export const textOfLength = (min: number, max: number): fc.Arbitrary<string> =>
  lengthIn(min, max).chain((n) => fc.array(allowedChar, { minLength: n, maxLength: n }).map((chars) => chars.join('')));

/** An id: 1–128 code points with at least one non-space one (the first is replaced if needed). */
export const validId: fc.Arbitrary<string> = textOfLength(1, ORDER_LIMITS.idMaxLength).map((text) =>
  /\S/u.test(text) ? text : `x${[...text].slice(1).join('')}`,
);

export const validItemName: fc.Arbitrary<string> = textOfLength(1, ORDER_LIMITS.itemNameMaxLength);

export const validQuantity: fc.Arbitrary<number> = fc.oneof(
  fc.constant(ORDER_LIMITS.quantityMin),
  fc.constant(ORDER_LIMITS.quantityMax),
  fc.integer({ min: ORDER_LIMITS.quantityMin, max: ORDER_LIMITS.quantityMax }),
);

export const validStatus = fc.constantFrom(...ORDER_STATUSES);

// ---------------------------------------------------------------------------------- timestamps

interface TimestampParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly fraction: string | undefined;
  readonly separator: 'T' | 't';
  /** 'Z', 'z', '+hh:mm' / '-hh:mm', or '' for none. */
  readonly zone: string;
}

const render = (p: TimestampParts): string =>
  `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}${p.separator}${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}` +
  `${p.fraction === undefined ? '' : `.${p.fraction}`}${p.zone}`;

const digits = (min: number, max: number): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom(...'0123456789'), { minLength: min, maxLength: max }).map((d) => d.join(''));

export const validZone: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('Z', 'z'),
  fc
    .record({
      sign: fc.constantFrom('+', '-'),
      hours: fc.integer({ min: 0, max: 23 }),
      minutes: fc.integer({ min: 0, max: 59 }),
    })
    .map(({ sign, hours, minutes }) => `${sign}${pad(hours)}:${pad(minutes)}`),
);

const validDate = fc
  .record({
    year: fc.oneof(
      { arbitrary: fc.integer({ min: 1900, max: 2100 }), weight: 3 },
      { arbitrary: fc.integer({ min: 0, max: 9999 }), weight: 1 },
      { arbitrary: fc.integer({ min: 0, max: 99 }).map((century) => century * 100), weight: 1 }, // the %100/%400 rules
    ),
    month: fc.oneof(fc.integer({ min: 1, max: 12 }), fc.constant(2)),
    // Month ends (28/29/30/31, leap days included) are where calendars go wrong: draw them often.
    lastDay: fc.boolean(),
    dayPick: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
  })
  .map(({ year, month, lastDay, dayPick }) => {
    const days = daysInMonth(year, month);
    return { year, month, day: lastDay ? days : 1 + Math.floor(dayPick * days) };
  });

const timestampParts: fc.Arbitrary<TimestampParts> = fc
  .record({
    date: validDate,
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.integer({ min: 0, max: 59 }),
    second: fc.integer({ min: 0, max: 59 }),
    fraction: fc.option(digits(1, 9), { nil: undefined }),
    separator: fc.constantFrom('T' as const, 't' as const),
    zone: validZone,
  })
  .map(({ date, ...rest }) => ({ ...date, ...rest }));

/** Any valid RFC 3339 date-time: years 0000–9999, leap days, offsets, lowercase t/z, 0–9 fraction digits. */
export const validTimestamp: fc.Arbitrary<string> = timestampParts.map(render);

export const validOrder: fc.Arbitrary<Order> = fc
  .record({
    orderId: validId,
    userId: validId,
    itemName: validItemName,
    quantity: validQuantity,
    status: validStatus,
    timestamp: validTimestamp,
  })
  // fc.record builds null-prototype objects; an Order is a plain object (strict deep-equal checks prototypes).
  .map((order) => ({ ...order }));

// ---------------------------------------------------------------------------------- invalid values

const wrongTypeForString: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);

/** Inserts `inserted` between two code points of `text` (never splitting a surrogate pair). */
const insertInto = (text: fc.Arbitrary<string>, inserted: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.tuple(text, inserted, fc.nat()).map(([t, ins, at]) => {
    const chars = [...t];
    const index = at % (chars.length + 1);
    return [...chars.slice(0, index), ins, ...chars.slice(index)].join('');
  });

export const controlChar: fc.Arbitrary<string> = fc
  .oneof(fc.integer({ min: 0, max: 0x1f }), fc.integer({ min: 0x7f, max: 0x9f }))
  .map((cp) => String.fromCharCode(cp));

export const loneSurrogate: fc.Arbitrary<string> = fc
  .integer({ min: 0xd800, max: 0xdfff })
  .map((u) => String.fromCharCode(u));

const invalidText = (max: number, requireNonSpace: boolean): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.constant(''),
    textOfLength(max + 1, max + 40),
    insertInto(textOfLength(0, max - 1), controlChar),
    insertInto(textOfLength(0, max - 1), loneSurrogate),
    ...(requireNonSpace
      ? [
          fc
            .array(fc.constantFrom(' ', '\u00a0', '\u3000', '\u2003', '\ufeff'), { minLength: 1, maxLength: 20 })
            .map((s) => s.join('')),
        ]
      : []),
    wrongTypeForString,
    fc.constant(MISSING),
  );

export const invalidId = invalidText(ORDER_LIMITS.idMaxLength, true);
export const invalidItemName = invalidText(ORDER_LIMITS.itemNameMaxLength, false);

export const invalidQuantity: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: -1_000_000_000, max: 0 }),
  fc.constant(-0),
  fc.integer({ min: ORDER_LIMITS.quantityMax + 1, max: Number.MAX_SAFE_INTEGER }),
  fc.double().filter((d) => !(Number.isInteger(d) && d >= ORDER_LIMITS.quantityMin && d <= ORDER_LIMITS.quantityMax)),
  validQuantity.map(String),
  fc.constantFrom('NaN', 'Infinity', '1e400', ''),
  fc.boolean(),
  fc.constant(null),
  fc.array(validQuantity, { minLength: 1, maxLength: 2 }),
  fc.constant(MISSING),
);

const STATUS_SET: ReadonlySet<string> = new Set(ORDER_STATUSES);
export const invalidStatus: fc.Arbitrary<unknown> = fc.oneof(
  fc.string().filter((s) => !STATUS_SET.has(s)),
  validStatus.map((s) => s.toUpperCase()),
  fc.tuple(validStatus, fc.constantFrom(' ', '\t', '\u00a0')).map(([s, space]) => `${space}${s}`),
  wrongTypeForString,
  fc.constant(MISSING),
);

/** Each breaks exactly one timestamp rule; the rest of the timestamp stays well-formed. */
export const invalidTimestamp: fc.Arbitrary<unknown> = fc.oneof(
  timestampParts.map((p) => render({ ...p, zone: '' })),
  timestampParts.chain((p) =>
    fc.oneof(
      fc.integer({ min: 13, max: 99 }).map((month) => render({ ...p, month, day: 1 })),
      fc.constant(render({ ...p, month: 0 })),
      fc.constant(render({ ...p, day: 0 })),
      fc.constant(render({ ...p, day: daysInMonth(p.year, p.month) + 1 })),
      fc.integer({ min: daysInMonth(p.year, p.month) + 1, max: 99 }).map((day) => render({ ...p, day })),
      // 29 February of a common year, century years (1900, 2100) included.
      fc
        .oneof(
          fc.integer({ min: 0, max: 9999 }),
          fc.integer({ min: 0, max: 99 }).map((c) => c * 100),
        )
        .filter((year) => daysInMonth(year, 2) === 28)
        .map((year) => render({ ...p, year, month: 2, day: 29 })),
      fc.integer({ min: 24, max: 99 }).map((hour) => render({ ...p, hour })),
      fc.integer({ min: 60, max: 99 }).map((minute) => render({ ...p, minute })),
      fc.integer({ min: 60, max: 99 }).map((second) => render({ ...p, second })),
      digits(10, 20).map((fraction) => render({ ...p, fraction })),
      fc
        .tuple(fc.constantFrom('+', '-'), fc.integer({ min: 24, max: 99 }), fc.integer({ min: 0, max: 99 }))
        .map(([sign, h, m]) => render({ ...p, zone: `${sign}${pad(h)}:${pad(m)}` })),
      fc.constant(`${render(p)} `),
      fc.constant(render(p).replace(/[Tt]/, ' ')),
    ),
  ),
  fc
    .string({ maxLength: 40 })
    .filter((s) => !/^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/.test(s)),
  fc.integer(),
  wrongTypeForString,
  fc.constant(MISSING),
);

export const INVALID_VALUE_FOR: Readonly<Record<keyof Order, fc.Arbitrary<unknown>>> = {
  orderId: invalidId,
  userId: invalidId,
  itemName: invalidItemName,
  quantity: invalidQuantity,
  status: invalidStatus,
  timestamp: invalidTimestamp,
};

export const VALID_VALUE_FOR: Readonly<Record<keyof Order, fc.Arbitrary<unknown>>> = {
  orderId: validId,
  userId: validId,
  itemName: validItemName,
  quantity: validQuantity,
  status: validStatus,
  timestamp: validTimestamp,
};

export const ORDER_FIELDS = Object.keys(VALID_VALUE_FOR) as ReadonlyArray<keyof Order>;

/** The order with `field` set to `value`, or without it when `value` is {@link MISSING}. */
export function withField(order: Order, field: keyof Order, value: unknown): Record<string, unknown> {
  const record: Record<string, unknown> = { ...order };
  if (value === MISSING) delete record[field];
  else record[field] = value;
  return record;
}
