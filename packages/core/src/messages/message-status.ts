import type { SaveOutcome } from '../domain/save-decision';
import type { FailureClass } from '../errors/infrastructure-error';

// The vocabulary of what became of messages, which the use case produces and the metrics port
// counts; here rather than in the application layer so that ports depend on nothing above them.

/** Every way one message can end. The save outcomes are successes: the message is acknowledged. */
export type MessageStatus = SaveOutcome | 'invalid' | 'failed';

export const MESSAGE_STATUSES: readonly MessageStatus[] = [
  'created',
  'updated',
  'duplicate',
  'conflict',
  'stale',
  'invalid',
  'failed',
];

/** How many messages failed with each class and code: what metrics and alarms count. */
export interface FailureTally {
  readonly failureClass: FailureClass;
  readonly code: string;
  readonly count: number;
}
