import { booleanValue, firstSet, isProblem, type SettingProblem, variableValue } from './environment-values';

/** The variables that turn tracing on (either one), as the specification names them. */
export const ENDPOINT_VARIABLES = ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_EXPORTER_OTLP_ENDPOINT'] as const;

/**
 * Whether the environment asks for tracing at all: an OTLP endpoint is set, OTEL_SDK_DISABLED is
 * not true and OTEL_TRACES_EXPORTER is not none. All that start-tracing decides before it loads the
 * SDK; every other setting is read, and may be refused, once the SDK is loaded (tracing-settings.ts),
 * so that a process with tracing off carries none of that code.
 */
export function tracingRequested(env: NodeJS.ProcessEnv): boolean | SettingProblem {
  if (firstSet(env, ENDPOINT_VARIABLES) === undefined) return false;
  const disabled = booleanValue(env, 'OTEL_SDK_DISABLED');
  if (isProblem(disabled)) return disabled;
  return !disabled && variableValue(env, 'OTEL_TRACES_EXPORTER') !== 'none';
}
