import type { ReceiveFailing } from './receive-failures';

/** Deletes of one DeleteMessageBatch answer that SQS did not confirm, and why the first did not. */
export interface DeletesFailed {
  readonly count: number;
  readonly code: string;
  readonly message: string;
}

/**
 * What whoever watches the consumer (a status line, a supervisor) is told as it happens, beside
 * the log lines. Each event is counted in the run's report as it is told, so what was shown adds up
 * to what the report says.
 */
export interface ConsumerObserver {
  /** A receive failed (counted in `receiveErrors`): the run of failures it belongs to, and when it is tried again. */
  receiveFailed?(failing: ReceiveFailing, retryInMs: number): void;
  /** A receive was answered after a run of failures. */
  receiveRecovered?(failing: ReceiveFailing): void;
  /** Deletes SQS did not confirm (counted in `deleteFailures`): the messages come back, and are applied again harmlessly. */
  deletesFailed?(failed: DeletesFailed): void;
  /** Every receive has failed for the bound (`stopAfterFailingMs`): the consumer stops, `stoppedBy: 'failing'`. */
  givingUp?(failing: ReceiveFailing): void;
}
