import { DiagLogLevel, type context, type diag, type propagation, type trace } from '@opentelemetry/api';
import type { Logger } from '@orders/core';
import { settledWithin } from '../settled-within';
import { describe, diagnosticsLogger } from './diagnostics-logger';
import type { ExportTally, TracingSdk } from './tracing-provider';
import { TRACING_OFF, type TracingRuntime } from './tracing-runtime';
import type { DiagnosticsLevel, TracingSettings } from './tracing-settings';

/**
 * The @opentelemetry/api instance to register with: the caller's. In the Lambda bundle the SDK file
 * carries its own copy of the API; registering through the handler's copy makes the tracers that
 * copy handed out before tracing started (proxies) follow the provider. Both copies read the same
 * process-wide registration, so the SDK's own calls see it too.
 */
export interface TracingApi {
  readonly trace: typeof trace;
  readonly context: typeof context;
  readonly propagation: typeof propagation;
  readonly diag: typeof diag;
}

/**
 * Registers the SDK's provider, context manager and propagator, and the SDK's diagnostics as log
 * lines. If another provider is registered already, this one is shut down and tracing is off.
 */
export async function registerTracing(
  api: TracingApi,
  sdk: TracingSdk,
  settings: TracingSettings,
  logger: Logger,
): Promise<TracingRuntime> {
  const endpoint = withoutCredentials(settings.tracesUrl);
  if (!api.trace.setGlobalTracerProvider(sdk.tracerProvider)) {
    logger.warn('tracing off: another tracer provider is already registered in this process', { endpoint });
    await bounded(sdk.shutdown(), settings.exportTimeoutMillis).catch(() => undefined);
    return TRACING_OFF;
  }
  // After the provider, so that a second start in one process does not take over the first one's diagnostics.
  if (settings.diagnostics !== 'none') {
    api.diag.setLogger(diagnosticsLogger(logger), {
      logLevel: DIAG_LEVELS[settings.diagnostics],
      suppressOverrideMessage: true,
    });
  }
  api.context.setGlobalContextManager(sdk.contextManager);
  api.propagation.setGlobalPropagator(sdk.propagator);
  logger.info('tracing on', {
    endpoint,
    protocol: settings.protocol,
    sampler: settings.sampler.name,
    ...(settings.sampler.name.endsWith('traceidratio') ? { samplerRatio: settings.sampler.ratio } : {}),
    serviceName: String(settings.resource['service.name']),
    exportTimeoutMs: settings.exportTimeoutMillis,
  });
  return new ExportingTracingRuntime(api, sdk, settings.exportTimeoutMillis, logger, endpoint);
}

class ExportingTracingRuntime implements TracingRuntime {
  readonly enabled = true;
  private failing = false;
  private seen: ExportTally = { succeeded: 0, failed: 0 };
  private stopped: Promise<void> | undefined;

  constructor(
    private readonly api: TracingApi,
    private readonly sdk: TracingSdk,
    private readonly timeoutMillis: number,
    private readonly logger: Logger,
    private readonly endpoint: string,
  ) {}

  async forceFlush(): Promise<void> {
    if (this.stopped) return;
    const flushed = this.sdk.forceFlush(this.timeoutMillis).then(
      () => this.noteExports(undefined),
      (error: unknown) => this.noteExports(error),
    );
    // While exports fail (a collector away or hanging), a flush does not hold its caller for the
    // whole export timeout: on Lambda that is every invocation, billed and not answering, at the
    // rate orders arrive. It waits a moment (a collector back again answers within it) and the
    // export goes on, its outcome noted when it ends: the first success ends the failing state.
    if (this.failing) await settledWithin(flushed, FAILING_FLUSH_WAIT_MS);
    else await flushed;
  }

  shutdown(): Promise<void> {
    this.stopped ??= this.stop();
    return this.stopped;
  }

  /**
   * One line when exports start failing, not one per invocation while the collector is away, and
   * one when an export succeeds again. Only exports that ended count: an empty flush proves nothing.
   */
  private noteExports(flushError: unknown): void {
    const now = this.sdk.exportsEnded();
    const failed = now.failed > this.seen.failed || flushError !== undefined;
    const succeeded = now.succeeded > this.seen.succeeded;
    this.seen = now;
    if (failed && !this.failing) {
      this.failing = true;
      this.logger.warn('tracing: spans could not be exported and were dropped (orders are not affected)', {
        endpoint: this.endpoint,
        timeoutMs: this.timeoutMillis,
        ...(flushError === undefined ? {} : { error: describe(flushError) }),
      });
    } else if (!failed && succeeded && this.failing) {
      this.failing = false;
      this.logger.info('tracing: spans are exported again', { endpoint: this.endpoint });
    }
  }

  private async stop(): Promise<void> {
    try {
      await bounded(this.sdk.shutdown(), this.timeoutMillis);
    } catch (error) {
      this.logger.warn('tracing: the last spans could not be exported at shutdown', {
        endpoint: this.endpoint,
        error: describe(error),
      });
    } finally {
      this.api.trace.disable();
      this.api.propagation.disable();
      this.api.context.disable();
      this.api.diag.disable();
    }
  }
}

const DIAG_LEVELS: Readonly<Record<Exclude<DiagnosticsLevel, 'none'>, DiagLogLevel>> = {
  error: DiagLogLevel.ERROR,
  warn: DiagLogLevel.WARN,
  info: DiagLogLevel.INFO,
  debug: DiagLogLevel.DEBUG,
};

/** How long a flush waits while exports are failing (see forceFlush). */
export const FAILING_FLUSH_WAIT_MS = 200;

/** `promise`, or a rejection after `timeoutMillis` (the timer does not hold the process open). */
function bounded<T>(promise: Promise<T>, timeoutMillis: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not finish within ${timeoutMillis} ms`)), timeoutMillis);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The endpoint as logs may show it: no user, password or query (a token can hide there). */
function withoutCredentials(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}
