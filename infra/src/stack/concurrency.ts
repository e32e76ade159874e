/**
 * How much of Lambda's concurrency OrderProcessor gets, and why the stack reserves it by default.
 *
 * A throttled invocation does not run the handler: the batch the SQS event source mapping already
 * received comes back after the visibility timeout with each message's receive count raised, and
 * the handler's paced retries (ADR 5) never get a say. With maxReceiveCount 3 and a 180 s
 * visibility timeout, sustained throttling moves valid orders to OrderDLQ in about 9 minutes, not
 * the 61 minutes an outage needs. Two things throttle the function (ADR 6):
 *
 * - the account's other functions use up the unreserved pool it shares with them;
 * - its reserved concurrency is below what the mapping polls for (MaximumConcurrency).
 *
 * Reserving exactly MaximumConcurrency removes both: the reservation is carved out of the account
 * pool, so no other function can take it, and the mapping never invokes more than MaximumConcurrency
 * at once, so the reservation is never exceeded.
 *
 * Sources (AWS Lambda Developer Guide, read 2026-12-05):
 * - "Configuring scaling behavior for SQS event source mappings", section "Configuring maximum
 *   concurrency for Amazon SQS event sources": MaximumConcurrency limits the concurrent invocations
 *   one SQS mapping starts (2..1,000); with reserved concurrency, set it at least the total maximum
 *   concurrency of the function's SQS mappings, otherwise messages can be throttled.
 * - "Configuring reserved concurrency for a function": a reservation is both the function's floor
 *   and its ceiling, no other function can use it, it costs nothing; at most the account's
 *   unreserved concurrency minus 100 can be reserved; a reservation of 0 throttles every invocation.
 * - "Lambda quotas": 1,000 concurrent executions per Region by default; new accounts start with
 *   reduced quotas (where reserving even 10 can fail, hence the opt-out).
 * - Knowledge Center, "Why isn't my Lambda function with an Amazon SQS event source scaling
 *   optimally?": event source mappings do not account for reserved concurrency and can read more
 *   messages than the function can be sent.
 */

/** "Lambda quotas": the default concurrent executions quota per account and Region. */
export const ACCOUNT_CONCURRENCY_DEFAULT = 1_000;

/** "Configuring reserved concurrency for a function": concurrency Lambda keeps unreserved for other functions. */
export const UNRESERVED_CONCURRENCY_MINIMUM = 100;

/** The value of `reservedConcurrency` that opts out of reserving (accounts that cannot reserve). */
export const NO_RESERVED_CONCURRENCY = 'none';

/**
 * The longest the throttle alarm waits, whatever the delivery settings: past that, sustained
 * throttling is an incident. Also keeps evaluation periods × period far below CloudWatch's one day.
 */
const THROTTLE_ALARM_MAX_MINUTES = 10;

/** What the concurrency rules are checked against. */
export interface ConcurrencyInputs {
  /** `reservedConcurrency` as given: a number, 'none', or undefined (the default: maxConcurrency). */
  readonly reservedConcurrency: number | typeof NO_RESERVED_CONCURRENCY | undefined;
  /** The account's concurrent executions quota in the Region (default 1,000). */
  readonly accountConcurrency: number | undefined;
  readonly maxConcurrency: number;
  readonly maxReceiveCount: number;
  readonly visibilityTimeoutSeconds: number;
}

export interface ConcurrencySettings {
  /** The function's reserved concurrency; undefined when opted out (it shares the account pool). */
  readonly reserved: number | undefined;
  readonly accountConcurrency: number;
  /**
   * Consecutive one-minute periods with throttles before the OrderProcessor-Throttles alarm fires:
   * 1 with a reservation (a throttle means someone changed it by hand), else N with
   * N × 60 < (maxReceiveCount − 1) × visibility timeout (see `throttleAlarmMinutes`).
   */
  readonly throttleAlarmMinutes: number;
  /**
   * How long a message throttled on every receive keeps a receive the handler could still use: its
   * last receive comes (maxReceiveCount − 1) × visibility timeout after its first.
   */
  readonly throttledLastReceiveSeconds: number;
}

/**
 * Validates the function's concurrency against the event source's and derives the throttle alarm;
 * throws an Error whose message says which setting is wrong and why, in one sentence.
 */
export function resolveConcurrency(inputs: ConcurrencyInputs): ConcurrencySettings {
  const { maxConcurrency: max, maxReceiveCount: k, visibilityTimeoutSeconds: v } = inputs;
  const account = inputs.accountConcurrency ?? ACCOUNT_CONCURRENCY_DEFAULT;
  if (!Number.isInteger(account) || account < 1 || account > 10_000_000) {
    throw new Error(`accountConcurrency must be an integer from 1 to 10000000 (got ${account}).`);
  }
  const lastReceive = (k - 1) * v;
  const requested = inputs.reservedConcurrency;
  if (requested === NO_RESERVED_CONCURRENCY) {
    if (lastReceive <= 60) {
      throw new Error(
        `reservedConcurrency none needs (maxReceiveCount - 1) x visibility timeout above 60 s (got (${k} - 1) x ${v} s = ${lastReceive} s), ` +
          'because a message throttled on every receive would be past its last receive before a one-minute throttle alarm could fire.',
      );
    }
    return {
      reserved: undefined,
      accountConcurrency: account,
      throttleAlarmMinutes: throttleAlarmMinutes(lastReceive),
      throttledLastReceiveSeconds: lastReceive,
    };
  }
  const reserved = requested ?? max;
  if (!Number.isInteger(reserved)) {
    throw new Error(`reservedConcurrency must be an integer or 'none' (got ${reserved}).`);
  }
  if (reserved < max) {
    throw new Error(
      `reservedConcurrency (${reserved}) must be at least maxConcurrency (${max}), because the event source polls for up to ${max} batches at once, ` +
        `Lambda throttles every invocation above ${reserved}, and each throttled batch comes back after the ${v} s visibility timeout with a receive spent, ` +
        `so valid orders reach OrderDLQ after ${k} throttled receives (raise reservedConcurrency, lower maxConcurrency, or pass reservedConcurrency=none to share the account pool).`,
    );
  }
  const most = account - UNRESERVED_CONCURRENCY_MINIMUM;
  if (reserved > most) {
    throw new Error(
      `reservedConcurrency (${reserved}) must be at most ${most}, because Lambda keeps ${UNRESERVED_CONCURRENCY_MINIMUM} of the account's ${account} concurrent executions unreserved ` +
        '(raise the account quota and pass accountConcurrency, lower maxConcurrency, or pass reservedConcurrency=none).',
    );
  }
  return { reserved, accountConcurrency: account, throttleAlarmMinutes: 1, throttledLastReceiveSeconds: lastReceive };
}

/**
 * Without a reservation, short bursts of throttling are normal (another function's spike) and cost a
 * message one receive, which the pacing absorbs; sustained throttling dead-letters. The alarm waits
 * for N consecutive throttled minutes, N the largest whole number with N × 60 ≤ a third of the time
 * to a throttled message's last receive, at least 1, at most 10: the other two thirds are the
 * operator's. Defaults: (3 − 1) × 180 s = 360 s; N = 2 (120 s < 360 s), 4 minutes left to act.
 */
export function throttleAlarmMinutes(lastReceiveSeconds: number): number {
  return Math.min(THROTTLE_ALARM_MAX_MINUTES, Math.max(1, Math.floor(lastReceiveSeconds / 3 / 60)));
}

/**
 * The warning synth attaches to the function when it shares the account pool: what can go wrong,
 * when, and what the alarm gives the operator.
 */
export function sharedConcurrencyWarning(settings: {
  readonly maxReceiveCount: number;
  readonly visibilityTimeoutSeconds: number;
  readonly throttleAlarmMinutes: number;
  readonly throttledLastReceiveSeconds: number;
}): string {
  const { maxReceiveCount: k, visibilityTimeoutSeconds: v } = settings;
  return (
    "reservedConcurrency is none: OrderProcessor shares the account's unreserved concurrency, so when other functions use it up Lambda throttles the batches OrderQueue's event source has already received; " +
    `each throttled receive spends one of maxReceiveCount ${k} without the handler's paced retries, and valid orders reach OrderDLQ after about ${k * v} s of throttling (their last receive at ${settings.throttledLastReceiveSeconds} s), not after the outage window. ` +
    `The Throttles alarm fires after ${settings.throttleAlarmMinutes} throttled minute(s): free concurrency or disable the event source mapping before ${settings.throttledLastReceiveSeconds} s. ` +
    'Reserve concurrency (the default, maxConcurrency) as soon as the account allows it (ADR 6).'
  );
}
