import type { OutageOptions } from './outage-window';

/** How injected store faults strike relative to the write (see FaultInjectingOrderRepository). */
export type FaultMode = 'before-write' | 'after-write' | 'mixed';

export const FAULT_MODES: readonly FaultMode[] = ['before-write', 'after-write', 'mixed'];

export interface SoakOptions {
  /** Messages published to OrderTopic (SQS messages on OrderQueue): events, duplicates and poison. */
  readonly messages: number;
  /** Probability that one repository call fails with a transient RepositoryUnavailableError. */
  readonly faultRate: number;
  /**
   * Where a fault strikes: before the write (nothing stored), after it (stored, answer lost: the
   * at-least-once case), or mixed (each fault picks one of the two with equal odds).
   */
  readonly faultMode: FaultMode;
  /** Probability that a published message is poison (can never become an order). */
  readonly poisonRate: number;
  /** Probability that an event is published again later (a producer retry or an SNS redelivery). */
  readonly duplicateRate: number;
  /** Probability that an order with two or more events has them delivered out of order. */
  readonly reorderRate: number;
  /**
   * Probability that an event gets a twin at the same instant: different content (a tie the
   * ordering rule decides; the loser is a `conflict`) or the same content in another zone spelling.
   */
  readonly tieRate: number;
  /**
   * Probability that an invocation dies after the handler did its work (a timeout or crash): Lambda
   * gets no response, so the whole batch, successes included, comes back.
   */
  readonly crashRate: number;
  /** SQS maxReceiveCount: receives before a message moves to OrderDLQ. */
  readonly maxReceiveCount: number;
  /** Records per invocation (the event source mapping's BatchSize, 1–10). */
  readonly batchSize: number;
  readonly seed: number;
  /**
   * When set, the same messages are published in an order drawn from this seed (another delivery
   * order of the same events); the final table must not change. Unset: the workload's own order.
   */
  readonly deliverySeed?: number;
  /** A window in which every store call fails (`--outage START:DURATION`); none by default. */
  readonly outage?: OutageOptions;
  /** SNS RawMessageDelivery: the order JSON itself instead of the notification envelope. */
  readonly rawDelivery: boolean;
}

export const DEFAULT_SOAK_OPTIONS: SoakOptions = {
  messages: 10_000,
  faultRate: 0.1,
  faultMode: 'mixed',
  poisonRate: 0.02,
  duplicateRate: 0.1,
  reorderRate: 0.1,
  tieRate: 0.05,
  crashRate: 0,
  maxReceiveCount: 3,
  batchSize: 10,
  seed: 1,
  rawDelivery: false,
};

/** Every problem with a set of options (empty when they are usable). */
export function soakOptionProblems(options: SoakOptions): string[] {
  const problems: string[] = [];
  const integer = (name: string, value: number, min: number, max: number): void => {
    if (!Number.isInteger(value) || value < min || value > max)
      problems.push(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  };
  const rate = (name: string, value: number): void => {
    if (!Number.isFinite(value) || value < 0 || value > 1)
      problems.push(`${name} must be a number from 0 to 1, got ${value}`);
  };
  integer('messages', options.messages, 1, 10_000_000);
  integer('maxReceiveCount', options.maxReceiveCount, 1, 1000);
  integer('batchSize', options.batchSize, 1, 10);
  integer('seed', options.seed, 0, 2 ** 32 - 1);
  rate('faultRate', options.faultRate);
  rate('poisonRate', options.poisonRate);
  rate('duplicateRate', options.duplicateRate);
  rate('reorderRate', options.reorderRate);
  rate('tieRate', options.tieRate);
  if (options.deliverySeed !== undefined) integer('deliverySeed', options.deliverySeed, 0, 2 ** 32 - 1);
  rate('crashRate', options.crashRate);
  if (options.outage !== undefined) {
    integer('outage start', options.outage.startSeconds, 0, 10_000_000);
    integer('outage duration', options.outage.durationSeconds, 1, 10_000_000);
    if (options.outage.failureClass !== 'transient' && options.outage.failureClass !== 'systemic')
      problems.push(`outage class must be transient or systemic, got ${String(options.outage.failureClass)}`);
  }
  if (!FAULT_MODES.includes(options.faultMode))
    problems.push(`faultMode must be one of ${FAULT_MODES.join(', ')}, got ${options.faultMode}`);
  return problems;
}
