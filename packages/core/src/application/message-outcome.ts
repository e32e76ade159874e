import type { ContentField } from '../domain/event-order';
import type { ErrorDescription, FailureClass } from '../errors/infrastructure-error';
import type { ValidationProblem } from '../domain/validation-problem';
import { type FailureTally, MESSAGE_STATUSES, type MessageStatus } from '../messages/message-status';
import type { SaveOutcome } from '../ports/order-repository';

interface OutcomeBase {
  readonly messageId: string;
  readonly orderId?: string;
  readonly snsMessageId?: string;
  /** The record's trace (`RecordTrace.traceId`): its log line's `trace_id`, and the stored item's. */
  readonly traceId?: string;
  /** The record's process span, when one was recorded: its log line's `span_id`. */
  readonly spanId?: string;
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

/** Something around the message failed (storage, a deadline): worth retrying, paced by its class. */
export interface FailedOutcome extends OutcomeBase {
  readonly status: 'failed';
  readonly error: ErrorDescription;
  /**
   * Set when the message was handed back untried only to keep its place behind this earlier
   * message of the batch, whose failure may still succeed on a retry (e.g. in its FIFO message
   * group): it comes back with that message. Not a failure of its own (`isDeferred`): counted
   * apart from the failures (`BatchMetrics.deferred`) and not paced as one.
   */
  readonly deferredBehind?: string;
}

export type MessageOutcome = AcknowledgedOutcome | InvalidOutcome | FailedOutcome;

export const isFailure = (outcome: MessageOutcome): outcome is InvalidOutcome | FailedOutcome =>
  outcome.status === 'invalid' || outcome.status === 'failed';

/** Handed back untried behind an earlier failed message (`FailedOutcome.deferredBehind`): reported, but not a failure of its own. */
export const isDeferred = (outcome: MessageOutcome): outcome is FailedOutcome & { readonly deferredBehind: string } =>
  outcome.status === 'failed' && outcome.deferredBehind !== undefined;

/** The stable code a log line, a metric or a DLQ report uses for an outcome. */
export function outcomeErrorCode(outcome: MessageOutcome): string | undefined {
  if (outcome.status === 'invalid') return outcome.problems[0]?.code ?? 'invalid';
  if (outcome.status === 'failed') return outcome.error.code;
  return undefined;
}

/** Why a failed outcome failed (`invalid`, `transient`, `systemic`); undefined for a success. */
export function failureClassOf(outcome: MessageOutcome): FailureClass | undefined {
  if (outcome.status === 'invalid') return 'invalid';
  if (outcome.status === 'failed') return outcome.error.failureClass;
  return undefined;
}

export function tallyFailures(outcomes: readonly MessageOutcome[]): FailureTally[] {
  const tallies = new Map<string, { failureClass: FailureClass; code: string; count: number }>();
  for (const outcome of outcomes) {
    const failureClass = failureClassOf(outcome);
    const code = outcomeErrorCode(outcome);
    if (failureClass === undefined || code === undefined) continue;
    const key = `${failureClass}:${code}`;
    const tally = tallies.get(key) ?? { failureClass, code, count: 0 };
    tally.count++;
    tallies.set(key, tally);
  }
  return [...tallies.values()];
}

export function countByStatus(outcomes: readonly MessageOutcome[]): Record<MessageStatus, number> {
  const counts = Object.fromEntries(MESSAGE_STATUSES.map((status) => [status, 0])) as Record<MessageStatus, number>;
  for (const outcome of outcomes) counts[outcome.status]++;
  return counts;
}
