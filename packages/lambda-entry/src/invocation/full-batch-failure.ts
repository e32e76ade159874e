import {
  failureClassOf,
  type FailureTally,
  InfrastructureError,
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

  constructor(failures: readonly FailureTally[], total: number) {
    const byCode = failures.map((f) => `${f.count} ${f.code} (${f.failureClass})`).join(', ');
    super(
      'full_batch_failure',
      `All ${total} records failed: ${byCode}. Their retries are paced; failing the invocation so the Errors alarm sees it.`,
      // Systemic when any record's failure was: an operator has something to fix.
      { failureClass: failures.some((f) => f.failureClass === 'systemic') ? 'systemic' : 'transient' },
    );
    this.failures = failures;
  }
}

/** The error to end the invocation with, or undefined when some record succeeded or every failure was poison. */
export function fullBatchFailure(outcomes: readonly MessageOutcome[]): FullBatchFailureError | undefined {
  if (outcomes.length === 0) return undefined;
  const classes = outcomes.map(failureClassOf);
  if (classes.some((failureClass) => failureClass === undefined)) return undefined;
  if (classes.every((failureClass) => failureClass === 'invalid')) return undefined;
  return new FullBatchFailureError(tallyFailures(outcomes), outcomes.length);
}
