import fc from 'fast-check';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { decodeOrderMessage, type Order, validateOrder, type ValidationProblem } from '@orders/core';
import { loadHostileCorpus } from '../../../core/test/fixtures/load-hostile-corpus';
import { INVALID_VALUE_FOR, ORDER_FIELDS, validOrder, withField } from '../../../core/test/support/arbitraries';
import {
  buildOrderJsonSchema,
  NO_CONTROL_CHARACTER_PATTERN,
  NON_SPACE_PATTERN,
  UNSTATED_RULES,
  type UnstatedRule,
} from '../../src/contract/order-json-schema';

/**
 * A standard validator on the published schema and core's validation must give the same verdict,
 * except where the schema lists (x-orders-rules) a rule it cannot state. Each listed rule must
 * show up as a disagreement somewhere here, and no disagreement may be off the list.
 */
const schema = buildOrderJsonSchema();

function compile(assertFormats: boolean) {
  const ajv = new Ajv2020({ strict: true, allErrors: true, validateFormats: assertFormats });
  // The schema's own annotations: strict mode refuses keywords it does not know.
  ajv.addVocabulary(['version', 'x-orders-rules']);
  if (assertFormats) addFormats(ajv);
  return ajv.compile(schema);
}

interface Verdicts {
  readonly name: string;
  readonly validate: ReturnType<typeof compile>;
  /** The rules this validator cannot check, so core alone refuses what breaks them. */
  readonly unchecked: readonly UnstatedRule[];
  readonly seen: Set<string>;
  readonly unexplained: string[];
}

const withFormats: Verdicts = {
  name: 'Ajv 2020-12 with ajv-formats',
  validate: compile(true),
  unchecked: UNSTATED_RULES.filter((rule) => rule.statedBy === 'none'),
  seen: new Set(),
  unexplained: [],
};
const withoutFormats: Verdicts = {
  name: 'Ajv 2020-12, format as annotation',
  validate: compile(false),
  unchecked: UNSTATED_RULES,
  seen: new Set(),
  unexplained: [],
};

const describeCandidate = (candidate: unknown): string => JSON.stringify(candidate)?.slice(0, 300) ?? String(candidate);

/**
 * Compares the verdicts on one value (as a validator in another process would see it: after JSON).
 * A disagreement is explained when core refused, the schema accepted, and every problem core
 * reported belongs to a rule this validator cannot check.
 */
function compare(
  verdicts: Verdicts,
  candidate: unknown,
  coreProblems: readonly ValidationProblem[] | undefined,
  label: string,
): void {
  const schemaAccepts = verdicts.validate(candidate);
  const coreAccepts = coreProblems === undefined;
  if (schemaAccepts === coreAccepts) return;
  const rules = coreProblems?.map((p) => verdicts.unchecked.find((rule) => rule.codes.includes(p.code)));
  if (!schemaAccepts || rules === undefined || rules.some((rule) => rule === undefined)) {
    const core = coreAccepts ? 'accepts' : `refuses (${coreProblems.map((p) => `${p.field}/${p.code}`).join(', ')})`;
    verdicts.unexplained.push(
      `${label}: core ${core}, the schema ${schemaAccepts ? 'accepts' : `refuses (${JSON.stringify(verdicts.validate.errors)})`}`,
    );
    return;
  }
  for (const rule of rules) if (rule) verdicts.seen.add(rule.id);
}

const coreVerdict = (candidate: unknown): readonly ValidationProblem[] | undefined => {
  const result = validateOrder(candidate);
  return result.ok ? undefined : result.problems;
};

const throughJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value) ?? 'null');

/** Unknown fields, with names chosen to trip prototype handling and envelope detection. */
const extraFields = fc.dictionary(
  fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', 'Type', 'Message', 'ORDERID')),
  fc.jsonValue({ maxDepth: 2 }),
  { maxKeys: 4 },
);

/** A valid order with any subset of its fields broken (missing, wrong type, out of range, odd text) and extra fields. */
const mutatedOrder: fc.Arbitrary<unknown> = fc
  .tuple(
    validOrder,
    fc.subarray([...ORDER_FIELDS]),
    fc.tuple(...ORDER_FIELDS.map((field) => INVALID_VALUE_FOR[field])),
    fc.option(extraFields, { nil: undefined }),
  )
  .map(([order, broken, invalid, extra]) => {
    let record: Record<string, unknown> = { ...(extra ?? {}), ...order };
    for (const field of broken)
      record = withField(record as unknown as Order, field, invalid[ORDER_FIELDS.indexOf(field)]);
    return record;
  });

const notAnObject = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.array(validOrder, { maxLength: 2 }));

/** Cases that must be in any run: one per listed rule that applies to an order value. */
const PINNED: ReadonlyArray<readonly [string, Record<string, unknown>]> = [
  ['a lone surrogate in orderId', { orderId: 'O\ud800' }],
  ['a lone low surrogate in itemName', { itemName: '\udc00Laptop' }],
  ['30 February', { timestamp: '2025-02-30T12:00:00Z' }],
  ['29 February of a common year', { timestamp: '1900-02-29T12:00:00Z' }],
  ['31 April', { timestamp: '2025-04-31T12:00:00+02:00' }],
  ['29 February of a leap year (valid)', { timestamp: '2024-02-29T12:00:00Z' }],
];
const SEED: Order = {
  orderId: 'O1234',
  userId: 'U123',
  itemName: 'Laptop',
  quantity: 1,
  status: 'new',
  timestamp: '2025-05-03T12:00:00Z',
};

describe('the schema and core give the same verdict', () => {
  afterAll(() => {
    // Every listed rule shows up where it can: as an order value, or (order-size) in the corpus.
    expect([...withFormats.seen].sort()).toEqual(['order-size', 'well-formed-unicode']);
    expect([...withoutFormats.seen].sort()).toEqual(['calendar-date', 'order-size', 'well-formed-unicode']);
    expect(new Set([...withFormats.seen, ...withoutFormats.seen])).toEqual(new Set(UNSTATED_RULES.map((r) => r.id)));
  });

  it.each(PINNED)('on %s', (_, change) => {
    const candidate = throughJson({ ...SEED, ...change });
    for (const verdicts of [withFormats, withoutFormats]) compare(verdicts, candidate, coreVerdict(candidate), _);
    expect(withFormats.unexplained).toEqual([]);
    expect(withoutFormats.unexplained).toEqual([]);
  });

  it('on valid orders and their mutations (every field missing, wrong, out of range, odd; extra fields)', () => {
    fc.assert(
      fc.property(fc.oneof({ arbitrary: mutatedOrder, weight: 8 }, { arbitrary: notAnObject, weight: 1 }), (value) => {
        const candidate = throughJson(value);
        const problems = coreVerdict(candidate);
        for (const verdicts of [withFormats, withoutFormats]) {
          compare(verdicts, candidate, problems, describeCandidate(candidate));
        }
        return withFormats.unexplained.length === 0 && withoutFormats.unexplained.length === 0;
      }),
      { numRuns: 3000 },
    );
    expect(withFormats.unexplained).toEqual([]);
    expect(withoutFormats.unexplained).toEqual([]);
  }, 120_000);

  it('on valid orders only: the schema accepts every one', () => {
    fc.assert(
      fc.property(validOrder, (order) => withFormats.validate(throughJson(order)) === true),
      { numRuns: 1000 },
    );
  }, 120_000);

  it('on the hostile corpus (the order inside each body that holds one)', () => {
    let compared = 0;
    for (const hostile of loadHostileCorpus()) {
      const candidate = orderInside(hostile.body);
      if (candidate === NO_ORDER) continue;
      compared++;
      const decoded = decodeOrderMessage(hostile.body);
      for (const verdicts of [withFormats, withoutFormats]) {
        compare(verdicts, candidate, decoded.ok ? undefined : decoded.problems, `hostile/${hostile.name}`);
      }
    }
    expect(compared).toBeGreaterThanOrEqual(100);
    expect(withFormats.unexplained).toEqual([]);
    expect(withoutFormats.unexplained).toEqual([]);
  }, 120_000);
});

describe("the schema's text patterns", () => {
  it('say exactly what core means by white space and by a control character, on every code point', () => {
    const nonSpace = new RegExp(NON_SPACE_PATTERN, 'u');
    const noControl = new RegExp(NO_CONTROL_CHARACTER_PATTERN, 'u');
    const differing: string[] = [];
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const ch = String.fromCodePoint(cp);
      if (nonSpace.test(ch) !== /\S/u.test(ch) || noControl.test(ch) === /\p{Cc}/u.test(ch))
        differing.push(cp.toString(16));
    }
    expect(differing).toEqual([]);
  });
});

const NO_ORDER = Symbol('no order');

/**
 * The order value a body carries — the body itself, or an SNS envelope's Message — or NO_ORDER
 * when the body fails before there is one (not JSON, an envelope without a usable Message): those
 * are the transport's rules, not the order's.
 */
function orderInside(body: string): unknown {
  const parse = (text: string): unknown => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return NO_ORDER;
    }
  };
  const outer = parse(body);
  if (typeof outer !== 'object' || outer === null || Array.isArray(outer)) return outer;
  const record = outer as Record<string, unknown>;
  const isEnvelope = Object.hasOwn(record, 'Type') && !ORDER_FIELDS.some((field) => Object.hasOwn(record, field));
  if (!isEnvelope) return outer;
  const message = record['Type'] === 'Notification' ? record['Message'] : undefined;
  return typeof message === 'string' ? parse(message) : NO_ORDER;
}
