import type { Context } from 'aws-lambda';
import type { Logger } from '@orders/core';

/** The margin when none is configured: a tenth of the time the invocation starts with, at most 3 s. */
export const MAX_DEFAULT_DEADLINE_MARGIN_MS = 3_000;
const MIN_DEFAULT_DEADLINE_MARGIN_MS = 50;

/**
 * The most of the time an invocation starts with that a configured margin may keep back: half.
 * The margin is kept for what is running to end (saves are cut at half of it, pacing at a quarter)
 * and for the answer; records start only in the rest. A margin as long as the invocation — 3000 with
 * Lambda's default 3 s timeout — starts no record on any delivery, and after maxReceiveCount
 * deliveries valid orders are in the DLQ. Half always leaves records at least as much time as is
 * kept back, and keeps as much of an oversized setting as that allows (the default, a tenth, is
 * well below it).
 */
const MAX_CONFIGURED_MARGIN_SHARE = 0.5;

/**
 * What an invocation does as its timeout nears, measured from the time it had at the start:
 * - once less than `marginMs` is left, no record starts (`shouldStop`);
 * - at half the margin, saves still in flight are cancelled (`saveSignal`), so none outlives it;
 * - at a quarter, pacing calls are cut short (`pacingSignal`), leaving time to answer Lambda.
 * A fixed 3 s margin made a 3 s function fail every record at the start; scaled, it gets 300 ms.
 */
export interface InvocationDeadline {
  /** The margin in force: the configured one (at most half of `startedWithMs`), else the default. */
  readonly marginMs: number;
  /** The time the invocation had left when it started (ms). */
  readonly startedWithMs: number;
  readonly shouldStop: () => boolean;
  readonly saveSignal: AbortSignal;
  readonly pacingSignal: AbortSignal;
  /** Clears the timers (the invocation ended before its deadline). */
  readonly dispose: () => void;
}

/** The invocation's remaining time by its context's clock (ms); undefined when it has none, or one that throws. */
export function remainingTimeOf(context: Context | undefined): number | undefined {
  try {
    const value = context?.getRemainingTimeInMillis?.();
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Undefined when the context gives no clock (a local caller), or a clock that throws: no deadline known. */
export function invocationDeadline(
  context: Context | undefined,
  configuredMarginMs: number | undefined,
): InvocationDeadline | undefined {
  const atStart = remainingTimeOf(context);
  if (atStart === undefined) return undefined;
  const marginMs =
    configuredMarginMs === undefined
      ? Math.min(MAX_DEFAULT_DEADLINE_MARGIN_MS, Math.max(MIN_DEFAULT_DEADLINE_MARGIN_MS, Math.round(atStart / 10)))
      : Math.min(configuredMarginMs, Math.floor(atStart * MAX_CONFIGURED_MARGIN_SHARE));
  const saves = new AbortController();
  const pacing = new AbortController();
  const timers = [
    setTimeout(() => saves.abort(), Math.max(0, atStart - marginMs / 2)),
    setTimeout(() => pacing.abort(), Math.max(0, atStart - marginMs / 4)),
  ];
  return {
    marginMs,
    startedWithMs: atStart,
    shouldStop: () => (remainingTimeOf(context) ?? Number.POSITIVE_INFINITY) < marginMs,
    saveSignal: saves.signal,
    pacingSignal: pacing.signal,
    dispose: () => {
      for (const timer of timers) clearTimeout(timer);
    },
  };
}

/**
 * The deadline of each invocation of one execution environment (the handler is built once per
 * cold start). The first time the configured margin is cut to half an invocation, it says so once
 * — configured and effective values, and why — not on every invocation of a function whose timeout
 * simply is that short.
 */
export function invocationDeadlines(
  configuredMarginMs: number | undefined,
): (context: Context | undefined, logger: Logger) => InvocationDeadline | undefined {
  let told = false;
  return (context, logger) => {
    const deadline = invocationDeadline(context, configuredMarginMs);
    if (!told && deadline !== undefined && configuredMarginMs !== undefined && deadline.marginMs < configuredMarginMs) {
      told = true;
      logger.warn(
        'ORDERS_DEADLINE_MARGIN_MS is more than half the invocation: it would leave records too little time (none, at or over the timeout), so half the invocation is kept back instead',
        {
          configuredMarginMs,
          effectiveMarginMs: deadline.marginMs,
          invocationMs: deadline.startedWithMs,
        },
      );
    }
    return deadline;
  };
}
