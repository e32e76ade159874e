import { context, diag, propagation, trace } from '@opentelemetry/api';
import type { LogFields, Logger } from '@orders/core';
import { isProblem } from './environment-values';
import type { TracingApi, TracingRequest } from './tracing-sdk';
import { tracingRequested } from './tracing-request';
import { TRACING_OFF, type TracingRuntime } from './tracing-runtime';

export { TRACING_OFF, type TracingRuntime } from './tracing-runtime';

export interface StartTracingOptions {
  /** `service.name` unless OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES say otherwise. */
  readonly serviceName: string;
  /** Where the OTEL_* variables are read. Default: process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** Where the one line about a refused setting, and the SDK's own warnings, go. Default: JSON lines on stderr. */
  readonly logger?: Logger;
}

/** The SDK module start-tracing loads when tracing is on (its shape, for tests that stand in for it). */
export type TracingSdkModule = {
  startTracingSdk(api: TracingApi, request: TracingRequest): Promise<TracingRuntime>;
};

/**
 * Starts tracing when OpenTelemetry's standard variables ask for it: on when
 * OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set and OTEL_SDK_DISABLED is
 * not true. Then it loads the SDK (tracing-sdk.ts), which reads the other OTEL_* variables
 * (tracing-settings.ts) and registers, with @opentelemetry/api — all the rest of the code talks to —
 * a tracer provider exporting over OTLP/HTTP through a bounded BatchSpanProcessor, the W3C
 * trace-context propagator and the AsyncLocalStorage context manager. With tracing off nothing but
 * @opentelemetry/api is loaded. A setting that cannot be used, or an SDK that fails to load, is one
 * warn line and tracing off — never an exception: tracing must not stop an order.
 */
export function startTracing(options: StartTracingOptions): Promise<TracingRuntime> {
  // In the Lambda bundle this specifier becomes `./tracing-sdk.mjs`, a separate file next to index.mjs
  // (tracingSdkChunkPlugin in packages/lambda-entry/scripts/lambda-bundle-settings.cjs).
  return startTracingWith(options, () => import('./tracing-sdk.js'));
}

/** startTracing with the SDK module's loader given (tests count the loads, or make one fail). */
export async function startTracingWith(
  options: StartTracingOptions,
  loadSdk: () => Promise<TracingSdkModule>,
): Promise<TracingRuntime> {
  const env = options.env ?? process.env;
  const logger = options.logger ?? stderrLogger;
  const requested = tracingRequested(env);
  if (isProblem(requested)) {
    logger.warn(`tracing off: ${requested.variable} ${requested.reason}`, {
      variable: requested.variable,
      value: requested.value.slice(0, 200),
    });
    return TRACING_OFF;
  }
  if (!requested) return TRACING_OFF;
  try {
    const sdk = await loadSdk();
    return await sdk.startTracingSdk(
      { trace, context, propagation, diag },
      { serviceName: options.serviceName, env, logger },
    );
  } catch (error) {
    logger.warn('tracing off: the OpenTelemetry SDK could not be loaded or started', { error: describeError(error) });
    return TRACING_OFF;
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 300) : String(error).slice(0, 300);
}

/** For callers without a logger: warnings as JSON lines on stderr, nothing else. */
const stderrLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (message, fields) => writeStderr('WARN', message, fields),
  error: (message, fields) => writeStderr('ERROR', message, fields),
  child: () => stderrLogger,
};

function writeStderr(level: string, message: string, fields: LogFields | undefined): void {
  process.stderr.write(`${JSON.stringify({ level, message, ...fields, timestamp: new Date().toISOString() })}\n`);
}
