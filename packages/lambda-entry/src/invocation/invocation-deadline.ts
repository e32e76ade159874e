import type { Context } from 'aws-lambda';

/** The margin when none is configured: a tenth of the time the invocation starts with, at most 3 s. */
export const MAX_DEFAULT_DEADLINE_MARGIN_MS = 3_000;
const MIN_DEFAULT_DEADLINE_MARGIN_MS = 50;

/**
 * What an invocation does as its timeout nears, measured from the time it had at the start:
 * - once less than `marginMs` is left, no record starts (`shouldStop`);
 * - at half the margin, saves still in flight are cancelled (`saveSignal`), so none outlives it;
 * - at a quarter, pacing calls are cut short (`pacingSignal`), leaving time to answer Lambda.
 * A fixed 3 s margin made a 3 s function fail every record at the start; scaled, it gets 300 ms.
 */
export interface InvocationDeadline {
  readonly marginMs: number;
  readonly shouldStop: () => boolean;
  readonly saveSignal: AbortSignal;
  readonly pacingSignal: AbortSignal;
  /** Clears the timers (the invocation ended before its deadline). */
  readonly dispose: () => void;
}

/** Undefined when the context gives no clock (a local caller), or a clock that throws: no deadline known. */
export function invocationDeadline(
  context: Context | undefined,
  configuredMarginMs: number | undefined,
): InvocationDeadline | undefined {
  const remaining = (): number | undefined => {
    try {
      const value = context?.getRemainingTimeInMillis?.();
      return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
    } catch {
      return undefined;
    }
  };
  const atStart = remaining();
  if (atStart === undefined) return undefined;
  const marginMs =
    configuredMarginMs ??
    Math.min(MAX_DEFAULT_DEADLINE_MARGIN_MS, Math.max(MIN_DEFAULT_DEADLINE_MARGIN_MS, Math.round(atStart / 10)));
  const saves = new AbortController();
  const pacing = new AbortController();
  const timers = [
    setTimeout(() => saves.abort(), Math.max(0, atStart - marginMs / 2)),
    setTimeout(() => pacing.abort(), Math.max(0, atStart - marginMs / 4)),
  ];
  return {
    marginMs,
    shouldStop: () => (remaining() ?? Number.POSITIVE_INFINITY) < marginMs,
    saveSignal: saves.signal,
    pacingSignal: pacing.signal,
    dispose: () => {
      for (const timer of timers) clearTimeout(timer);
    },
  };
}
