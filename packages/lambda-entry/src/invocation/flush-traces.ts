import type { Context } from 'aws-lambda';
import type { Logger } from '@orders/core';
import { settledWithin } from '@orders/observability';

/**
 * Kept back from the invocation's remaining time: the flush must end, and the handler answer,
 * before Lambda's timeout, or the whole batch (its successes included) would come back.
 */
export const FLUSH_RESERVE_MS = 250;
/** The longest a flush may hold an invocation whose remaining time is unknown (a local caller). */
export const FLUSH_DEFAULT_BUDGET_MS = 2_000;

/**
 * Exports the invocation's spans before it answers: Lambda may freeze the environment as soon as
 * it has, and spans still buffered would leave only with a later invocation, or never. Bounded by
 * the time the invocation has left (less `FLUSH_RESERVE_MS`): a slow or absent collector must cost
 * the spans, never the invocation. One warn line per execution environment when a flush is cut
 * short; spans not exported by then go with a later flush, or are dropped by the SDK's own bounds.
 */
export function traceFlusher(
  flush: () => Promise<void>,
): (context: Context | undefined, logger: Logger) => Promise<void> {
  let saidCut = false;
  return async (context, logger) => {
    const remaining =
      typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : undefined;
    const budgetMs = remaining === undefined ? FLUSH_DEFAULT_BUDGET_MS : remaining - FLUSH_RESERVE_MS;
    const finished = budgetMs > 0 && (await settledWithin(flush(), budgetMs));
    if (!finished && !saidCut) {
      saidCut = true;
      logger.warn('spans not exported before the invocation had to answer; they wait for a later flush', {
        flushBudgetMs: Math.max(0, budgetMs),
      });
    }
  };
}
