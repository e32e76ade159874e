import type { DiagLogger } from '@opentelemetry/api';
import type { Logger, LogValue } from '@orders/core';

/** The same SDK message is logged at most once in this window (an unreachable collector repeats itself). */
export const REPEAT_WINDOW_MS = 60_000;

/**
 * The SDK's own diagnostics (export failures, dropped spans, a refused registration) as our log
 * lines, prefixed `opentelemetry:`, with the arguments described rather than dumped: a failed
 * export's error is named, never the spans it carried. A message seen within REPEAT_WINDOW_MS is
 * dropped, so a collector that is down costs one warn line a minute, not one per export.
 */
export function diagnosticsLogger(logger: Logger, now: () => number = Date.now): DiagLogger {
  const lastLogged = new Map<string, number>();
  const write =
    (level: 'error' | 'warn' | 'info' | 'debug') =>
    (diagnostic: string, ...args: unknown[]): void => {
      // The first line only: the API puts whole stack traces into some of its messages.
      const message = String(diagnostic).split('\n', 1)[0]?.slice(0, 300) ?? '';
      const at = now();
      const previous = lastLogged.get(message);
      if (previous !== undefined && at - previous < REPEAT_WINDOW_MS) return;
      if (lastLogged.size > 100) lastLogged.clear(); // bounded: messages with ids in them do not pile up
      lastLogged.set(message, at);
      // error goes out as warn: an SDK failure never fails an order, and our error lines are for those.
      const method = level === 'error' ? 'warn' : level;
      logger[method](`opentelemetry: ${message}`, args.length > 0 ? { detail: args.map(describe) } : {});
    };
  return {
    error: write('error'),
    warn: write('warn'),
    info: write('info'),
    debug: write('debug'),
    verbose: write('debug'),
  };
}

/** A short, payload-free description of a diagnostic's argument. */
export function describe(value: unknown): LogValue {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return `${value.name}${typeof code === 'string' ? ` ${code}` : ''}: ${value.message}`.slice(0, 300);
  }
  if (Array.isArray(value)) return value.slice(0, 5).map(describe);
  if (typeof value === 'string') return value.slice(0, 300);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return value;
  return Object.prototype.toString.call(value);
}
