import { noRecordTracing, type Logger, type RecordTracing } from '@orders/core';

/** Tracing as a command holds it: the spans it records, and the stop that exports what is left. */
export interface CommandTracing {
  readonly enabled: boolean;
  /** core's port for the use case: OpenTelemetry's process spans when on, nothing when off. */
  readonly recordTracing: RecordTracing;
  /** Exports the spans still buffered and unregisters the provider: bounded, never rejects. */
  shutdown(): Promise<void>;
}

const OFF: CommandTracing = Object.freeze({
  enabled: false,
  recordTracing: noRecordTracing,
  shutdown: () => Promise.resolve(),
});

/**
 * The variables without which `startTracing` keeps tracing off whatever else is set (it decides,
 * OTEL_SDK_DISABLED included): checked first, so a command run without them never loads
 * @orders/observability (Powertools) for tracing's sake.
 */
const ENDPOINT_VARIABLES = ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] as const;

/**
 * Starts tracing for a command from OpenTelemetry's standard variables, as the Lambda does: on,
 * the command's spans (its publishes, its records) are exported over OTLP and `shutdown` sends the
 * last of them; off, it costs nothing. Never rejects: a setting `startTracing` cannot use is one
 * warn line (through `logger`, else on stderr) and tracing off.
 */
export async function startCommandTracing(
  serviceName: string,
  options: { readonly env?: NodeJS.ProcessEnv; readonly logger?: Logger } = {},
): Promise<CommandTracing> {
  const env = options.env ?? process.env;
  if (!ENDPOINT_VARIABLES.some((name) => (env[name] ?? '').trim() !== '')) return OFF;
  const { recordTracingFor, startTracing } = await import('@orders/observability');
  const runtime = await startTracing({ serviceName, env, ...(options.logger ? { logger: options.logger } : {}) });
  if (!runtime.enabled) return OFF;
  return { enabled: true, recordTracing: recordTracingFor(runtime), shutdown: () => runtime.shutdown() };
}

/**
 * Shuts tracing down, waiting for it at most `budgetMs`; spans still unsent then are dropped. For a
 * process whose grace period is nearly spent: SIGKILL mid-export would lose them anyway.
 */
export async function shutdownWithin(tracing: CommandTracing, budgetMs: number): Promise<void> {
  if (!tracing.enabled) return;
  const shutdown = tracing.shutdown();
  // Loaded already: tracing is on only once startCommandTracing has imported it.
  const { settledWithin } = await import('@orders/observability');
  await settledWithin(shutdown, budgetMs);
}
