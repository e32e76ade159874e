import type { ContentField } from '../domain/event-order';
import type { ValidationProblem } from '../domain/validation-problem';
import type { SaveOutcome } from '../ports/order-repository';

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

interface OutcomeBase {
  readonly messageId: string;
  readonly orderId?: string;
  readonly snsMessageId?: string;
}

export interface AcknowledgedOutcome extends OutcomeBase {
  readonly status: SaveOutcome;
  readonly orderId: string;
  /** A tie at one instant was decided against different content: which content fields differ. */
  readonly differingFields?: readonly ContentField[];
}

/** The message can never become an order: retrying won't help, so it belongs in the DLQ. */
export interface InvalidOutcome extends OutcomeBase {
  readonly status: 'invalid';
  readonly problems: readonly ValidationProblem[];
}

/** Something around the message failed (storage, a deadline): worth retrying. */
export interface FailedOutcome extends OutcomeBase {
  readonly status: 'failed';
  readonly error: { readonly name: string; readonly code: string; readonly message: string };
}

export type MessageOutcome = AcknowledgedOutcome | InvalidOutcome | FailedOutcome;

export const isFailure = (outcome: MessageOutcome): outcome is InvalidOutcome | FailedOutcome =>
  outcome.status === 'invalid' || outcome.status === 'failed';

/** The stable code a log line, a metric or a DLQ report uses for an outcome. */
export function outcomeErrorCode(outcome: MessageOutcome): string | undefined {
  if (outcome.status === 'invalid') return outcome.problems[0]?.code ?? 'invalid';
  if (outcome.status === 'failed') return outcome.error.code;
  return undefined;
}

export function countByStatus(outcomes: readonly MessageOutcome[]): Record<MessageStatus, number> {
  const counts = Object.fromEntries(MESSAGE_STATUSES.map((status) => [status, 0])) as Record<MessageStatus, number>;
  for (const outcome of outcomes) counts[outcome.status]++;
  return counts;
}
