import {
  failureClassOf,
  type FailureTally,
  InfrastructureError,
  isDeferred,
  type MessageOutcome,
  tallyFailures,
} from '@orders/core';

/**
 * Every record of the invocation failed, and not (only) because it was poison: the store or its
 * access is down. The records are reported and paced all the same; the invocation then ends as an
 * error so Lambda's `Errors` metric and alarm see the outage (a partial batch response that fails
 * every record counts as a success there).
 */
export class FullBatchFailureError extends InfrastructureError {
  override readonly name = 'FullBatchFailureError';
  readonly failures: readonly FailureTally[];
  /** Records handed back untried behind a failed one (FIFO): reported, but not part of the decision. */
  readonly deferred: number;

  constructor(failures: readonly FailureTally[], total: number, deferred = 0) {
    const byCode = failures.map((f) => `${f.count} ${f.code} (${f.failureClass})`).join(', ');
    const behind = deferred === 0 ? '' : ` (and ${deferred} deferred behind them)`;
    super(
      'full_batch_failure',
      `All ${total} records failed${behind}: ${byCode}. Their retries are paced; failing the invocation so the Errors alarm sees it.`,
      // Systemic when any record's failure was: an operator has something to fix.
      { failureClass: failures.some((f) => f.failureClass === 'systemic') ? 'systemic' : 'transient' },
    );
    this.failures = failures;
    this.deferred = deferred;
  }
}

/**
 * The error to end the invocation with, or undefined when some record succeeded or every failure was
 * poison. Deferred records (FIFO: handed back untried behind a failed record of their group) are left
 * out: they say nothing about the store, and counting them would make one failed record with a
 * group waiting behind it look like an outage.
 */
export function fullBatchFailure(outcomes: readonly MessageOutcome[]): FullBatchFailureError | undefined {
  const own = outcomes.filter((outcome) => !isDeferred(outcome));
  if (own.length === 0) return undefined;
  const classes = own.map(failureClassOf);
  if (classes.some((failureClass) => failureClass === undefined)) return undefined;
  if (classes.every((failureClass) => failureClass === 'invalid')) return undefined;
  return new FullBatchFailureError(tallyFailures(own), own.length, outcomes.length - own.length);
}
