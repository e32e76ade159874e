/**
 * Reading OpenTelemetry's environment variables the way the specification reads them: an empty
 * value is the same as an unset one, and every refusal names the variable, the value and why.
 */

/** A setting tracing cannot use: tracing stays off and this is the one warn line's content. */
export interface SettingProblem {
  readonly variable: string;
  readonly value: string;
  readonly reason: string;
}

/** The value of `name`, trimmed; undefined when unset or empty. */
export function variableValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** The first of `names` that has a value, with its name (a signal-specific variable before the general one). */
export function firstSet(
  env: NodeJS.ProcessEnv,
  names: readonly string[],
): { readonly variable: string; readonly value: string } | undefined {
  for (const variable of names) {
    const value = variableValue(env, variable);
    if (value !== undefined) return { variable, value };
  }
  return undefined;
}

/**
 * A whole number of milliseconds or items from 1 to `max`, or the default when unset. The
 * specification's durations are integers in milliseconds; zero and negatives mean nothing useful here.
 */
export function positiveInteger(
  env: NodeJS.ProcessEnv,
  names: readonly string[],
  fallback: number,
  max: number,
): number | SettingProblem {
  const set = firstSet(env, names);
  if (set === undefined) return fallback;
  const parsed = /^\d+$/.test(set.value) ? Number(set.value) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed < 1 || parsed > max) {
    return { ...set, reason: `must be a whole number from 1 to ${max}` };
  }
  return parsed;
}

/**
 * A boolean the specification's way: `true` in any case is true, unset is false. Anything else is
 * refused rather than read as false, so a mistyped `OTEL_SDK_DISABLED=yes` cannot turn tracing on.
 */
export function booleanValue(env: NodeJS.ProcessEnv, name: string): boolean | SettingProblem {
  const value = variableValue(env, name);
  if (value === undefined) return false;
  const lower = value.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  return { variable: name, value, reason: 'must be true or false' };
}

export const isProblem = (value: unknown): value is SettingProblem =>
  typeof value === 'object' && value !== null && 'reason' in value && 'variable' in value;
