import type { FailureClass } from '../errors/infrastructure-error';

/**
 * How long a failed message stays invisible before its next try, by why it failed and how many
 * times it has been received. SQS moves a message to the DLQ when it is received once more after
 * `maxReceiveCount` receives, so these delays — not the queue's visibility timeout — decide how
 * long a failing message gets before it is dead-lettered:
 * - `invalid` (poison) is made visible again at once: it reaches the DLQ after `maxReceiveCount`
 *   receives within seconds, instead of after `maxReceiveCount` visibility timeouts;
 * - `transient` and `systemic` back off exponentially by receive count, with jitter, so an outage
 *   shorter than the delays between the first and the last receive dead-letters nothing, and the
 *   retries after it are spread out instead of arriving at once;
 * - a message on its last receive (`maxReceiveCount`, when known) has no retry left whatever the
 *   delay: it is made visible at once so SQS moves it to the DLQ now, where the alarm sees it.
 */
export interface RetryPacingOptions {
  /** Delay after the first failed receive. */
  readonly baseDelaySeconds: number;
  /** Each further failed receive multiplies the delay by this. */
  readonly backoffFactor: number;
  /**
   * The longest delay. SQS refuses a visibility timeout that reaches past 12 h after the receive;
   * the default leaves 20 min for the invocation and its batching window. Runners cap each delay
   * to what is left of the 12 h when they set it (`pacingWithinVisibilityLimit`), so a longer
   * setting is honoured as far as SQS allows, never refused.
   */
  readonly maxDelaySeconds: number;
  /** Up to this share of a delay is added at random, so retries after an outage do not arrive at once. */
  readonly jitterRatio: number;
}

/** SQS's limit for a visibility timeout, in seconds (12 h). */
export const MAX_VISIBILITY_TIMEOUT_SECONDS = 43_200;

/**
 * Kept back from what SQS still allows when a delay is capped to it: the time since the receive is
 * measured on this machine before the change is sent, and the change reaches SQS after its request
 * (and any retry of it) has taken its time. A minute covers both many times over and costs a minute
 * of a 12 h delay.
 */
export const VISIBILITY_LIMIT_SAFETY_SECONDS = 60;

/**
 * The longest visibility timeout SQS still accepts for a message received `heldForSeconds` ago,
 * less `VISIBILITY_LIMIT_SAFETY_SECONDS`; never below 0. ChangeMessageVisibility's timeout counts
 * from the change, but SQS keeps a message hidden at most 12 h after its *receive*: a change
 * reaching further is refused, not shortened, and the message then comes back after the visibility
 * it already had (the queue's timeout, minutes) instead of after the delay it was meant to wait.
 */
export function visibilityLeftSeconds(heldForSeconds: number): number {
  const held = Number.isFinite(heldForSeconds) ? Math.max(0, heldForSeconds) : MAX_VISIBILITY_TIMEOUT_SECONDS;
  return Math.max(0, Math.floor(MAX_VISIBILITY_TIMEOUT_SECONDS - VISIBILITY_LIMIT_SAFETY_SECONDS - held));
}

/**
 * The pacing for messages received `heldForSeconds` ago: its delays capped to what SQS still
 * accepts for them (`visibilityLeftSeconds`); the same object when every delay already fits. The
 * one rule both runners pace by — the Lambda (the invocation so far, and the batching window before
 * it) and `orders consume` (since each message's receive) — so a configured 12 h delay becomes the
 * longest delay SQS accepts instead of a refused change.
 */
export function pacingWithinVisibilityLimit(pacing: RetryPacingOptions, heldForSeconds: number): RetryPacingOptions {
  const limit = visibilityLeftSeconds(heldForSeconds);
  if (pacing.maxDelaySeconds <= limit) return pacing;
  return { ...pacing, baseDelaySeconds: Math.min(pacing.baseDelaySeconds, limit), maxDelaySeconds: limit };
}

/** A configured longest delay that SQS cannot always honour, and what it can. */
export interface MaxDelayBeyondSqs {
  readonly configuredMaxDelaySeconds: number;
  /** The longest delay a message paced `longestHoldSeconds` after its receive can get. */
  readonly effectiveMaxDelaySeconds: number;
  /** The longest a runner holds a message from its receive until it paces it. */
  readonly longestHoldSeconds: number;
}

/**
 * What a runner says once at its start (a log line, a note) when its configured longest delay is
 * more than SQS allows a message it paces at the latest, `longestHoldSeconds` after the receive;
 * undefined when every delay fits. Each delay is capped anyway (`pacingWithinVisibilityLimit`).
 */
export function maxDelayBeyondSqs(
  pacing: RetryPacingOptions,
  longestHoldSeconds: number,
): MaxDelayBeyondSqs | undefined {
  const effectiveMaxDelaySeconds = visibilityLeftSeconds(longestHoldSeconds);
  return pacing.maxDelaySeconds <= effectiveMaxDelaySeconds
    ? undefined
    : { configuredMaxDelaySeconds: pacing.maxDelaySeconds, effectiveMaxDelaySeconds, longestHoldSeconds };
}

/**
 * 1 min, then 1 h (+ up to 20 %): with the default maxReceiveCount of 3, a message's three receives
 * span at least 61 minutes, so an outage of an hour dead-letters nothing, while a one-off blip
 * costs a minute. (With more receives the next delays grow ×60 up to the cap.)
 */
export const DEFAULT_RETRY_PACING: RetryPacingOptions = Object.freeze({
  baseDelaySeconds: 60,
  backoffFactor: 60,
  maxDelaySeconds: MAX_VISIBILITY_TIMEOUT_SECONDS - 1_200,
  jitterRatio: 0.2,
});

/** Every problem with a pacing configuration, each naming the option; empty when it is usable. */
export function retryPacingProblems(options: RetryPacingOptions): string[] {
  const problems: string[] = [];
  const { baseDelaySeconds, backoffFactor, maxDelaySeconds, jitterRatio } = options;
  if (
    !Number.isInteger(baseDelaySeconds) ||
    baseDelaySeconds < 0 ||
    baseDelaySeconds > MAX_VISIBILITY_TIMEOUT_SECONDS
  ) {
    problems.push(
      `baseDelaySeconds must be an integer from 0 to ${MAX_VISIBILITY_TIMEOUT_SECONDS}, got ${baseDelaySeconds}`,
    );
  }
  if (!Number.isFinite(backoffFactor) || backoffFactor < 1 || backoffFactor > 1000) {
    problems.push(`backoffFactor must be a number from 1 to 1000, got ${backoffFactor}`);
  }
  if (
    !Number.isInteger(maxDelaySeconds) ||
    maxDelaySeconds < baseDelaySeconds ||
    maxDelaySeconds > MAX_VISIBILITY_TIMEOUT_SECONDS
  ) {
    problems.push(
      `maxDelaySeconds must be an integer from baseDelaySeconds (${baseDelaySeconds}) to ${MAX_VISIBILITY_TIMEOUT_SECONDS}, got ${maxDelaySeconds}`,
    );
  }
  if (!Number.isFinite(jitterRatio) || jitterRatio < 0 || jitterRatio > 1) {
    problems.push(`jitterRatio must be a number from 0 to 1, got ${jitterRatio}`);
  }
  return problems;
}

/** The delay before jitter: base × factor^(receives − 1), capped. */
function unjitteredDelay(receiveCount: number, options: RetryPacingOptions): number {
  const exponent = Math.max(0, Math.floor(receiveCount) - 1);
  return Math.min(options.maxDelaySeconds, options.baseDelaySeconds * options.backoffFactor ** exponent);
}

/**
 * Seconds until the message may be received again. Jitter only adds (never shortens), so the
 * documented minimum time to the DLQ holds; the result never passes `maxDelaySeconds`.
 */
export function retryDelaySeconds(
  failureClass: FailureClass,
  receiveCount: number,
  options: RetryPacingOptions = DEFAULT_RETRY_PACING,
  random: () => number = Math.random,
  maxReceiveCount?: number,
): number {
  if (failureClass === 'invalid') return 0;
  if (maxReceiveCount !== undefined && receiveCount >= maxReceiveCount) return 0;
  const delay = unjitteredDelay(receiveCount, options);
  return Math.min(options.maxDelaySeconds, Math.round(delay * (1 + options.jitterRatio * random())));
}

/** When a message that keeps failing for a reason other than poison is received, and dead-lettered. */
export interface DeadLetterTimeline {
  /** The delay after each failed receive that still has a retry (1 … maxReceiveCount − 1), shortest and longest. */
  readonly delays: readonly { readonly receive: number; readonly minSeconds: number; readonly maxSeconds: number }[];
  /**
   * The shortest span from the first receive to the last: an outage shorter than this dead-letters
   * no valid message (one of its receives falls after the outage).
   */
  readonly survivableOutageSeconds: number;
  /** The longest time from the first failure until the message is in the DLQ (processing time aside). */
  readonly latestDeadLetterSeconds: number;
}

/** The timeline for transient and systemic failures (poison goes after `maxReceiveCount` quick receives). */
export function deadLetterTimeline(
  maxReceiveCount: number,
  options: RetryPacingOptions = DEFAULT_RETRY_PACING,
): DeadLetterTimeline {
  const delays = Array.from({ length: Math.max(0, maxReceiveCount - 1) }, (_, i) => {
    const base = unjitteredDelay(i + 1, options);
    return {
      receive: i + 1,
      minSeconds: base,
      maxSeconds: Math.min(options.maxDelaySeconds, Math.round(base * (1 + options.jitterRatio))),
    };
  });
  return {
    delays,
    survivableOutageSeconds: delays.reduce((sum, d) => sum + d.minSeconds, 0),
    latestDeadLetterSeconds: delays.reduce((sum, d) => sum + d.maxSeconds, 0),
  };
}

/**
 * A fixed delay for every transient or systemic failure, in place of the backoff (poison still comes
 * back at once, and a message on its last receive too): e.g. `orders consume --retry-delay 0` to
 * drain a queue on an emulator without waiting out the paced delays.
 */
export function fixedRetryDelay(seconds: number): RetryPacingOptions {
  return { baseDelaySeconds: seconds, backoffFactor: 1, maxDelaySeconds: seconds, jitterRatio: 0 };
}

/**
 * The environment variables the pacing is read from, by the Lambda and by `orders consume` alike
 * (README, "Configuration"): one name per setting, so both runners read the same deployment values.
 */
export const RETRY_PACING_ENVIRONMENT = Object.freeze({
  baseDelaySeconds: 'ORDERS_RETRY_BASE_DELAY_SECONDS',
  backoffFactor: 'ORDERS_RETRY_BACKOFF_FACTOR',
  maxDelaySeconds: 'ORDERS_RETRY_MAX_DELAY_SECONDS',
  jitterRatio: 'ORDERS_RETRY_JITTER',
} as const satisfies Record<keyof RetryPacingOptions, string>);

/** A pacing read from settings: usable when `problems` is empty (each problem names its variable or option). */
export interface RetryPacingSettings {
  readonly pacing: RetryPacingOptions;
  readonly problems: readonly string[];
}

/**
 * The pacing from environment variables (RETRY_PACING_ENVIRONMENT; blank or unset: the default),
 * then `overrides` (a runner's own options) on top, checked as a whole. Pure: the caller passes
 * its environment in and decides what a problem means (a cold start that fails, a CLI error).
 */
export function retryPacingFromEnvironment(
  env: Readonly<Record<string, string | undefined>>,
  overrides: Partial<RetryPacingOptions> = {},
  defaults: RetryPacingOptions = DEFAULT_RETRY_PACING,
): RetryPacingSettings {
  const problems: string[] = [];
  const read = (setting: keyof RetryPacingOptions): number => {
    const override = overrides[setting];
    if (override !== undefined) return override;
    const name = RETRY_PACING_ENVIRONMENT[setting];
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return defaults[setting];
    const value = Number(raw);
    if (Number.isFinite(value)) return value;
    problems.push(`${name} must be a number, got "${raw}"`);
    return defaults[setting];
  };
  const pacing: RetryPacingOptions = {
    baseDelaySeconds: read('baseDelaySeconds'),
    backoffFactor: read('backoffFactor'),
    maxDelaySeconds: read('maxDelaySeconds'),
    jitterRatio: read('jitterRatio'),
  };
  return { pacing, problems: [...problems, ...retryPacingProblems(pacing)] };
}
