import { MAX_ORDER_BYTES, ORDER_FIELD_RULES, ORDER_FIELDS, type Order, type OrderFieldRule } from '@orders/core';
import { SEED_DUMMY_ORDER } from '@orders/simulation';
import type { JsonObject } from './json-value';

/**
 * The order contract's version. A change the compatibility checker calls breaking needs a new
 * major (a new file, contract/order/v<major>.json, beside the old ones); an additive one a new
 * minor; a description-only one a new patch. See docs/adr/0007-contract-versioning.md.
 */
export const ORDER_CONTRACT_VERSION = '1.0.0';

export const majorOf = (version: string): number => Number(version.split('.')[0]);

/** The schema's `$id`: a URN naming the major only, so a minor release does not break a `$ref` to it. */
export const orderSchemaId = (major: number): string => `urn:orders:contract:order:v${major}`;

/** Where a major version's schema lives, relative to the repository root. */
export const orderSchemaPath = (major: number): string => `contract/order/v${major}.json`;

/**
 * C0, DEL and C1 (Unicode category Cc): what core calls control characters. Spelt as ranges, not
 * `\p{Cc}`, because Python's `re` and other validators' regex engines have no Unicode properties.
 */
const CONTROL_RANGES = '\\u0000-\\u001f\\u007f-\\u009f';

/**
 * ECMAScript's `\s` (what core's "at least one non-space character" uses), spelt out: `\s`
 * differs between regex engines (Python's has U+001C–U+001F and U+0085 but not U+FEFF).
 */
export const WHITE_SPACE_RANGES =
  '\\u0009-\\u000d\\u0020\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';

/** No control character anywhere (anchored, so it runs in linear time on any string). */
export const NO_CONTROL_CHARACTER_PATTERN = `^[^${CONTROL_RANGES}]*$`;
/** At least one character that is not white space. */
export const NON_SPACE_PATTERN = `[^${WHITE_SPACE_RANGES}]`;

/**
 * RFC 3339 date-time with an explicit zone, to at most `fractionDigits` fraction digits, with every
 * numeric range a regex can state; `[0-9]`, not `\d`, which matches other scripts' digits in Python.
 * What is left — whether the day exists in that month — only `format: date-time` says.
 */
export const timestampPattern = (fractionDigits: number): string =>
  '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]' +
  `(\\.[0-9]{1,${fractionDigits}})?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$`;

const FIELD_DESCRIPTIONS: { readonly [F in keyof Order]: string } = {
  orderId:
    "The order's id. Every event with the same orderId is a version of one order; the newest event (by the instant its timestamp names) wins.",
  userId: 'The id of the user who placed the order.',
  itemName: 'What was ordered: any Unicode text.',
  quantity: 'How many: a JSON number with no fraction ("1" is a string and is refused; 1.0 is the number 1).',
  status: "The order's status as of this event.",
  timestamp:
    'When this event happened: an RFC 3339 date-time with an explicit zone (Z or ±hh:mm), naming a real ' +
    'calendar instant, to the nanosecond at most; leap seconds (:60) are refused. Events are ordered by ' +
    'instant, not by text: 2025-05-03T16:00:00+02:00 is the same instant as 2025-05-03T14:00:00Z.',
};

function fieldSchema(field: keyof Order, rule: OrderFieldRule): JsonObject {
  const description = FIELD_DESCRIPTIONS[field];
  switch (rule.kind) {
    case 'text':
      return {
        description:
          `${description} 1 to ${rule.maxLength} characters (Unicode code points), ` +
          `${rule.requireNonSpace ? 'at least one not white space, ' : ''}no control characters, well-formed Unicode.`,
        type: 'string',
        minLength: 1,
        maxLength: rule.maxLength,
        pattern: NO_CONTROL_CHARACTER_PATTERN,
        ...(rule.requireNonSpace ? { allOf: [{ description: 'not blank', pattern: NON_SPACE_PATTERN }] } : {}),
      };
    case 'integer':
      return { description, type: 'integer', minimum: rule.minimum, maximum: rule.maximum };
    case 'enum':
      return { description, type: 'string', enum: [...rule.values] };
    case 'instant':
      return {
        description,
        type: 'string',
        format: 'date-time',
        pattern: timestampPattern(rule.maxFractionDigits),
      };
  }
}

/**
 * A rule core enforces that this schema cannot state, or states only through `format` (which
 * JSON Schema 2020-12 treats as an annotation unless the validator is told to assert it). The
 * property test comparing a validator with core holds exactly this list.
 */
export interface UnstatedRule {
  readonly id: string;
  readonly fields: readonly (keyof Order)[];
  /** Core's problem code(s) for a message that breaks the rule. */
  readonly codes: readonly string[];
  readonly rule: string;
  /** `format`: stated by `format` only; `none`: not stated at all. */
  readonly statedBy: 'format' | 'none';
  readonly why: string;
}

export const UNSTATED_RULES: readonly UnstatedRule[] = [
  {
    id: 'calendar-date',
    fields: ['timestamp'],
    codes: ['invalid_date'],
    rule: 'The day exists in its month: 2025-02-30, 2025-04-31 and 29 February of a common year are refused.',
    statedBy: 'format',
    why:
      'Only "format": "date-time" says it, and JSON Schema 2020-12 makes format an annotation by default: ' +
      'turn format assertion on (Ajv: ajv-formats; Python jsonschema: FormatChecker with rfc3339-validator).',
  },
  {
    id: 'well-formed-unicode',
    fields: ['orderId', 'userId', 'itemName'],
    codes: ['malformed_unicode'],
    rule: 'Text is well-formed Unicode: no lone surrogate (a \\ud800-\\udfff escape without its pair).',
    statedBy: 'none',
    why: 'JSON Schema has no keyword for it, and a pattern over surrogates means different things in different regex engines.',
  },
  {
    id: 'order-size',
    fields: [],
    codes: ['body_too_large'],
    rule: `The order's JSON is at most ${MAX_ORDER_BYTES} bytes of UTF-8 (SNS's payload limit), extra fields included.`,
    statedBy: 'none',
    why: "JSON Schema has no keyword for a document's size.",
  },
];

/** The order message's JSON Schema (draft 2020-12), generated from core's field rules. */
export function buildOrderJsonSchema(version: string = ORDER_CONTRACT_VERSION): JsonObject {
  const major = majorOf(version);
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: orderSchemaId(major),
    title: 'Order',
    description:
      'An order event as published on OrderTopic (the SQS body with raw delivery, or the Message of the SNS ' +
      'envelope). Unknown fields are allowed and ignored: consumers must not reject them, and nothing stores them. ' +
      'Rules core enforces that this schema cannot state are listed in x-orders-rules.',
    version,
    type: 'object',
    required: [...ORDER_FIELDS],
    properties: Object.fromEntries(ORDER_FIELDS.map((field) => [field, fieldSchema(field, ORDER_FIELD_RULES[field])])),
    additionalProperties: true,
    examples: [{ ...SEED_DUMMY_ORDER }],
    'x-orders-rules': UNSTATED_RULES.map((rule) => ({ ...rule, fields: [...rule.fields], codes: [...rule.codes] })),
  };
}
