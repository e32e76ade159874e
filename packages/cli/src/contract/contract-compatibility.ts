import { isJsonObject, type JsonObject, type JsonValue } from './json-value';

/**
 * How a new version of the order schema relates to the previous one:
 * - `none`: nothing changed;
 * - `patch`: only words changed (descriptions, titles, examples);
 * - `minor`: every message valid before is still valid and every message valid now was valid
 *   before, to every producer and consumer — in practice, only a new optional field, since every
 *   consumer ignores unknown fields;
 * - `major`: some producer's messages are now refused, or some consumer built on the previous
 *   version would refuse a message valid now. It needs a new major version in a new file.
 */
export type ChangeLevel = 'none' | 'patch' | 'minor' | 'major';

/** Who a change breaks: producers (their messages are refused now) or consumers (they refuse new messages). */
export type BrokenSide = 'producers' | 'consumers' | 'both';

export interface SchemaChange {
  /** JSON Pointer into the schema, e.g. `/properties/quantity/maximum`. */
  readonly path: string;
  readonly level: Exclude<ChangeLevel, 'none'>;
  readonly breaks?: BrokenSide;
  readonly detail: string;
}

export interface ChangeClassification {
  readonly level: ChangeLevel;
  readonly changes: readonly SchemaChange[];
}

const LEVELS: readonly ChangeLevel[] = ['none', 'patch', 'minor', 'major'];
const highest = (changes: readonly SchemaChange[]): ChangeLevel =>
  changes.reduce<ChangeLevel>(
    (level, c) => (LEVELS.indexOf(c.level) > LEVELS.indexOf(level) ? c.level : level),
    'none',
  );

/** Keywords that only explain: changing them changes no verdict. */
const ANNOTATIONS = new Set(['description', 'title', 'examples', '$comment', 'deprecated']);
/** Root keywords that name the document rather than constrain it: the version rule looks at them. */
const IDENTITY = new Set(['$id', 'version']);

const same = (a: JsonValue | undefined, b: JsonValue | undefined): boolean => canonical(a) === canonical(b);
function canonical(value: JsonValue | undefined): string {
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isJsonObject(value as JsonValue)) {
    const object = value as JsonObject;
    return `{${Object.keys(object)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical(object[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

const pointer = (base: string, key: string): string => `${base}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
const stringsOf = (value: JsonValue | undefined): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

/** A lower bound moved: up narrows (breaks producers), down widens (breaks consumers). Absent = unbounded. */
function compareBound(
  path: string,
  kind: 'lower' | 'upper',
  before: JsonValue | undefined,
  after: JsonValue | undefined,
): SchemaChange[] {
  if (same(before, after)) return [];
  const unbounded = kind === 'lower' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  const was = typeof before === 'number' ? before : unbounded;
  const now = typeof after === 'number' ? after : unbounded;
  const narrowed = kind === 'lower' ? now > was : now < was;
  return [
    {
      path,
      level: 'major',
      breaks: narrowed ? 'producers' : 'consumers',
      detail: `${narrowed ? 'narrowed' : 'widened'} from ${String(before ?? 'none')} to ${String(after ?? 'none')}`,
    },
  ];
}

const BOUNDS: Readonly<Record<string, 'lower' | 'upper'>> = {
  minLength: 'lower',
  maxLength: 'upper',
  minimum: 'lower',
  maximum: 'upper',
  exclusiveMinimum: 'lower',
  exclusiveMaximum: 'upper',
  minItems: 'lower',
  maxItems: 'upper',
};

/** Compares one field's schema (or any schema without properties of its own). */
function compareSchema(path: string, before: JsonObject, after: JsonObject): SchemaChange[] {
  const changes: SchemaChange[] = [];
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  for (const key of keys) {
    const was = before[key];
    const now = after[key];
    if (same(was, now)) continue;
    const at = pointer(path, key);
    if (ANNOTATIONS.has(key)) changes.push({ path: at, level: 'patch', detail: `${key} changed` });
    else if (key in BOUNDS) changes.push(...compareBound(at, BOUNDS[key]!, was, now));
    else if (key === 'enum') {
      const removed = stringsOf(was).filter((v) => !stringsOf(now).includes(v));
      const added = stringsOf(now).filter((v) => !stringsOf(was).includes(v));
      if (was === undefined || now === undefined || (removed.length === 0 && added.length === 0)) {
        changes.push({ path: at, level: 'major', breaks: 'both', detail: 'enum added, removed or reordered' });
      }
      if (removed.length > 0)
        changes.push({
          path: at,
          level: 'major',
          breaks: 'producers',
          detail: `value(s) removed: ${removed.join(', ')}`,
        });
      if (added.length > 0)
        changes.push({ path: at, level: 'major', breaks: 'consumers', detail: `value(s) added: ${added.join(', ')}` });
    } else {
      // type, pattern, format, const, allOf, …: no cheap proof that the same values pass.
      changes.push({ path: at, level: 'major', breaks: 'both', detail: `${key} changed` });
    }
  }
  return changes;
}

function compareRules(path: string, before: JsonValue | undefined, after: JsonValue | undefined): SchemaChange[] {
  if (same(before, after)) return [];
  const ids = (rules: JsonValue | undefined): string[] =>
    Array.isArray(rules) ? rules.flatMap((r) => (isJsonObject(r) && typeof r['id'] === 'string' ? [r['id']] : [])) : [];
  const was = ids(before);
  const now = ids(after);
  const added = now.filter((id) => !was.includes(id));
  const removed = was.filter((id) => !now.includes(id));
  // A new unstated rule refuses messages the schema accepts; a dropped one accepts what consumers refused.
  if (added.length > 0)
    return [{ path, level: 'major', breaks: 'producers', detail: `rule(s) added: ${added.join(', ')}` }];
  if (removed.length > 0)
    return [{ path, level: 'major', breaks: 'consumers', detail: `rule(s) removed: ${removed.join(', ')}` }];
  return [{ path, level: 'patch', detail: 'rule wording changed' }];
}

/**
 * Classifies the change from `previous` to `next` (two object schemas as the generator writes
 * them: properties, required, additionalProperties, one level of field schemas).
 */
export function classifySchemaChange(previous: JsonObject, next: JsonObject): ChangeClassification {
  const changes: SchemaChange[] = [];
  const prevProps = isJsonObject(previous['properties']) ? previous['properties'] : {};
  const nextProps = isJsonObject(next['properties']) ? next['properties'] : {};
  const prevRequired = stringsOf(previous['required']);
  const nextRequired = stringsOf(next['required']);
  const openBefore = previous['additionalProperties'] !== false;
  const openAfter = next['additionalProperties'] !== false;

  for (const name of Object.keys(prevProps)) {
    const at = pointer('/properties', name);
    const was = prevProps[name];
    const now = nextProps[name];
    if (now === undefined) {
      changes.push({ path: at, level: 'major', breaks: 'consumers', detail: 'field removed' });
    } else if (isJsonObject(was) && isJsonObject(now)) {
      changes.push(...compareSchema(at, was, now));
    } else if (!same(was, now)) {
      changes.push({ path: at, level: 'major', breaks: 'both', detail: 'schema changed' });
    }
  }
  for (const name of Object.keys(nextProps).filter((n) => !(n in prevProps))) {
    // Consumers of an open schema already accept (and ignore) a field of any name.
    changes.push(
      openBefore
        ? { path: pointer('/properties', name), level: 'minor', detail: 'optional field added' }
        : {
            path: pointer('/properties', name),
            level: 'major',
            breaks: 'consumers',
            detail: 'field added to a closed object',
          },
    );
  }
  for (const name of nextRequired.filter((n) => !prevRequired.includes(n)))
    changes.push({ path: '/required', level: 'major', breaks: 'producers', detail: `${name} made required` });
  for (const name of prevRequired.filter((n) => !nextRequired.includes(n)))
    changes.push({ path: '/required', level: 'major', breaks: 'consumers', detail: `${name} made optional` });
  if (openBefore !== openAfter) {
    changes.push({
      path: '/additionalProperties',
      level: 'major',
      breaks: openBefore ? 'producers' : 'consumers',
      detail: openBefore ? 'unknown fields now refused' : 'unknown fields now allowed',
    });
  } else if (!same(previous['additionalProperties'], next['additionalProperties'])) {
    // E.g. `true` → a schema for unknown fields: some values are now refused, which cannot be told cheaply.
    changes.push({
      path: '/additionalProperties',
      level: 'major',
      breaks: 'both',
      detail: 'additionalProperties changed',
    });
  }
  changes.push(...compareRules('/x-orders-rules', previous['x-orders-rules'], next['x-orders-rules']));

  const handled = new Set(['properties', 'required', 'additionalProperties', 'x-orders-rules', ...IDENTITY]);
  const rest = (schema: JsonObject): JsonObject =>
    Object.fromEntries(Object.entries(schema).filter(([key]) => !handled.has(key)));
  changes.push(...compareSchema('', rest(previous), rest(next)));
  return { level: highest(changes), changes };
}

interface SemVer {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

function parseVersion(value: JsonValue | undefined): SemVer | undefined {
  const match = typeof value === 'string' ? /^(\d+)\.(\d+)\.(\d+)$/.exec(value) : null;
  return match ? { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]) } : undefined;
}

const compareVersions = (a: SemVer, b: SemVer): number => a.major - b.major || a.minor - b.minor || a.patch - b.patch;

/**
 * Whether `next` may follow `previous` under the versioning rule (docs/adr/0007): the version never
 * goes back; a breaking change needs a new major (which lives in its own file); an additive one at
 * least a new minor; a wording one at least a new patch. Returns why not, one sentence per reason.
 */
export function versionRuleViolations(previous: JsonObject, next: JsonObject): string[] {
  const was = parseVersion(previous['version']);
  const now = parseVersion(next['version']);
  if (was === undefined || now === undefined) return ['both schemas need a "version" of the form major.minor.patch'];
  const { level, changes } = classifySchemaChange(previous, next);
  const shown = `${previous['version']} → ${next['version']}`;
  const why = changes
    .filter((c) => c.level === level)
    .map((c) => `${c.path}: ${c.detail}${c.breaks ? ` (breaks ${c.breaks})` : ''}`)
    .join('; ');
  if (compareVersions(now, was) < 0) return [`the version goes back (${shown})`];
  if (now.major > was.major) {
    return now.minor === 0 && now.patch === 0 ? [] : [`a new major version starts at ${now.major}.0.0 (${shown})`];
  }
  if (level === 'major') return [`a breaking change needs a new major version, v${was.major + 1} (${shown}): ${why}`];
  if (level === 'minor' && now.minor === was.minor)
    return [`an additive change needs a new minor version (${shown}): ${why}`];
  if (level === 'patch' && compareVersions(now, was) === 0)
    return [`a wording change needs a new patch version (${shown}): ${why}`];
  if (level === 'none' && compareVersions(now, was) !== 0)
    return [`the version changed but the schema did not (${shown})`];
  if (now.major === was.major && !same(previous['$id'], next['$id'])) return [`$id changed within major ${was.major}`];
  return [];
}
