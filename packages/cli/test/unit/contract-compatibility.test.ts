import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  type ChangeLevel,
  classifySchemaChange,
  versionRuleViolations,
} from '../../src/contract/contract-compatibility';
import { UPDATE_COMMAND } from '../../src/contract/contract-documents';
import type { JsonObject } from '../../src/contract/json-value';
import { buildOrderJsonSchema, orderSchemaId } from '../../src/contract/order-json-schema';

const ROOT = resolve(__dirname, '../../../..');
const base = buildOrderJsonSchema('1.0.0');

/** The schema as a test edits it: any path, any value (what a person editing the file can do). */
// biome-ignore lint/suspicious/noExplicitAny: synthetic edits reach anywhere in the schema
type Draft = Record<string, any>;

/** A copy of the v1.0.0 schema with `change` applied to it, at `version`. */
function changed(version: string, change: (schema: Draft) => void): JsonObject {
  const copy = structuredClone(base) as Draft;
  copy['version'] = version;
  change(copy);
  return copy as JsonObject;
}

describe('the committed schemas', () => {
  const files = readdirSync(join(ROOT, 'contract/order'))
    .filter((name) => /^v\d+\.json$/.test(name))
    .sort((a, b) => Number(a.slice(1, -5)) - Number(b.slice(1, -5)));
  const read = (name: string): JsonObject => JSON.parse(readFileSync(join(ROOT, 'contract/order', name), 'utf8'));

  it('are v1, v2, … with no gap, each with its major in $id and version', () => {
    expect(files[0]).toBe('v1.json');
    files.forEach((name, i) => {
      const schema = read(name);
      expect(name).toBe(`v${i + 1}.json`);
      expect(schema['$id']).toBe(orderSchemaId(i + 1));
      expect(String(schema['version']).split('.')[0]).toBe(String(i + 1));
    });
  });

  it('hold the generated schema to the versioning rule against the committed one of its major', () => {
    const generated = buildOrderJsonSchema();
    const committed = read(`v${String(generated['version']).split('.')[0]}.json`);
    const violations = versionRuleViolations(committed, generated);
    if (violations.length > 0) {
      throw new Error(`${violations.join('\n')}\n(then run \`${UPDATE_COMMAND}\`, which writes the new file)`);
    }
  });
});

describe('classifySchemaChange', () => {
  const breaking: ReadonlyArray<readonly [string, (s: Draft) => void, RegExp]> = [
    ['a field removed', (s) => delete s.properties.itemName, /field removed/],
    [
      'a field made required',
      (s) => {
        s.properties.note = { type: 'string' };
        s.required.push('note');
      },
      /note made required/,
    ],
    ['a field made optional', (s) => s.required.pop(), /timestamp made optional/],
    ['a type narrowed', (s) => (s.properties.quantity.type = 'string'), /type changed/],
    ['a maximum narrowed', (s) => (s.properties.quantity.maximum = 1000), /narrowed.*breaks producers/],
    ['a maxLength narrowed', (s) => (s.properties.orderId.maxLength = 64), /narrowed/],
    ['a minimum raised', (s) => (s.properties.quantity.minimum = 2), /narrowed/],
    ['a range widened', (s) => (s.properties.quantity.maximum = 2_000_000), /widened.*breaks consumers/],
    ['an enum value removed', (s) => s.properties.status.enum.pop(), /removed: cancelled.*breaks producers/],
    ['an enum value added', (s) => s.properties.status.enum.push('returned'), /added: returned.*breaks consumers/],
    ['additionalProperties tightened', (s) => (s.additionalProperties = false), /unknown fields now refused/],
    ['a pattern changed', (s) => (s.properties.timestamp.pattern = '^.*$'), /pattern changed/],
    ['a format dropped', (s) => delete s.properties.timestamp.format, /format changed/],
    [
      'an unstated rule added',
      (s) => s['x-orders-rules'].push({ id: 'new-rule', rule: 'x' }),
      /rule\(s\) added: new-rule/,
    ],
  ];

  it.each(breaking)('calls %s breaking, and refuses it inside v1', (_, change, reason) => {
    const next = changed('1.1.0', change);
    expect(classifySchemaChange(base, next).level).toBe('major');
    const violations = versionRuleViolations(base, next);
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatch(/breaking change needs a new major version, v2/);
    expect(violations[0]).toMatch(reason);
  });

  it.each(breaking)('accepts %s as v2.0.0 (its own file)', (_, change) => {
    const next = changed('2.0.0', (s) => {
      change(s);
      s.$id = orderSchemaId(2);
    });
    expect(versionRuleViolations(base, next)).toEqual([]);
  });

  const additive: ReadonlyArray<readonly [string, (s: Draft) => void, ChangeLevel]> = [
    ['an optional field added', (s) => (s.properties.channel = { type: 'string', maxLength: 32 }), 'minor'],
    ['a description reworded', (s) => (s.properties.userId.description = 'Who ordered.'), 'patch'],
    ['an example added', (s) => s.examples.push({ ...s.examples[0], quantity: 2 }), 'patch'],
    ['nothing', () => {}, 'none'],
  ];

  it.each(additive)('calls %s compatible', (_, change, level) => {
    expect(classifySchemaChange(base, changed('1.0.0', change)).level).toBe(level);
  });

  it('asks for the version step each compatible change needs', () => {
    const optionalField = (s: Draft) => (s.properties.channel = { type: 'string' });
    expect(versionRuleViolations(base, changed('1.1.0', optionalField))).toEqual([]);
    expect(versionRuleViolations(base, changed('1.0.1', optionalField))[0]).toMatch(/needs a new minor/);
    const reworded = (s: Draft) => (s.description = 'Reworded.');
    expect(versionRuleViolations(base, changed('1.0.1', reworded))).toEqual([]);
    expect(versionRuleViolations(base, changed('1.0.0', reworded))[0]).toMatch(/needs a new patch/);
    expect(versionRuleViolations(base, changed('0.9.0', reworded))[0]).toMatch(/goes back/);
    expect(
      versionRuleViolations(
        base,
        changed('1.0.1', () => {}),
      )[0],
    ).toMatch(/the schema did not/);
  });

  it('calls an optional field added to a closed object breaking (old consumers refuse it)', () => {
    const closed = changed('1.0.0', (s) => (s.additionalProperties = false));
    const next = changed('1.1.0', (s) => {
      s.additionalProperties = false;
      s.properties.channel = { type: 'string' };
    });
    expect(classifySchemaChange(closed, next).changes).toEqual([
      expect.objectContaining({ path: '/properties/channel', level: 'major', breaks: 'consumers' }),
    ]);
  });
});
