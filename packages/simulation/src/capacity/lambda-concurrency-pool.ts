import {
  ACCOUNT_CONCURRENCY_DEFAULT,
  FUNCTION_SCALING_ENVIRONMENTS,
  FUNCTION_SCALING_PERIOD_MS,
  UNRESERVED_CONCURRENCY_MINIMUM,
} from './aws-limits';

export interface LambdaConcurrencyOptions {
  /** The account's concurrent executions quota in the Region (default 1,000). */
  readonly accountLimit?: number;
  /**
   * The function's reserved concurrency: its ceiling, and a share carved out of the account pool
   * that no other function can take (so `otherFunctionsInUse` never throttles it below it). A
   * function of time when it changes during a run (an operator lowering it, say). A fixed
   * reservation must leave Lambda's 100 unreserved, as Lambda requires.
   */
  readonly reservedConcurrency?: number | undefined | ((atMs: number) => number | undefined);
  /** Concurrency the account's other functions use at a time (ms): a workload parameter. */
  readonly otherFunctionsInUse?: (atMs: number) => number;
}

/** Why an invocation was throttled. */
export type ThrottleReason = 'reserved-concurrency' | 'account-concurrency' | 'scaling-rate';

export type ConcurrencyGrant =
  /** `environment`: which execution environment runs the invocation (0, 1, … in order of creation). */
  | { readonly ok: true; readonly coldStart: boolean; readonly environment: number }
  | { readonly ok: false; readonly reason: ThrottleReason };

/**
 * One function's share of Lambda concurrency. An invocation needs an execution environment: a warm
 * idle one, or a new one (a cold start) — and new ones come at most 1,000 per 10 s per function.
 * Without reserved concurrency the function competes for the account's unreserved pool with every
 * other function; with it, it has exactly that many and no more, whatever the others use (the
 * reservation is carved out of the pool before they get theirs). Environments once created stay warm
 * (Lambda's reclaiming of idle ones is not modelled). Each has an id, so that what a process keeps
 * between invocations (a use case, its adaptive write limit) can be kept per environment. ASSUMPTION:
 * a warm invocation takes the environment freed last (Lambda documents no order; reusing the most
 * recent leaves the others idle, as Lambda needs them to be to reclaim them).
 */
export class LambdaConcurrencyPool {
  private readonly accountLimit: number;
  private readonly reserved: (atMs: number) => number | undefined;
  private readonly others: (atMs: number) => number;
  private inUse = 0;
  private environments = 0;
  /** Warm environments not running an invocation: the one freed last on top. */
  private readonly idle: number[] = [];
  private scalingTokens = FUNCTION_SCALING_ENVIRONMENTS;
  private scalingUpdatedAt: number | undefined;
  peak = 0;
  coldStarts = 0;
  readonly throttles: Record<ThrottleReason, number> = {
    'reserved-concurrency': 0,
    'account-concurrency': 0,
    'scaling-rate': 0,
  };

  constructor(options: LambdaConcurrencyOptions = {}) {
    this.accountLimit = options.accountLimit ?? ACCOUNT_CONCURRENCY_DEFAULT;
    const reserved = options.reservedConcurrency;
    this.reserved = typeof reserved === 'function' ? reserved : () => reserved;
    this.others = options.otherFunctionsInUse ?? (() => 0);
    if (!Number.isInteger(this.accountLimit) || this.accountLimit < 1)
      throw new RangeError(`the account concurrency limit must be a positive integer, got ${this.accountLimit}`);
    if (typeof reserved === 'number' && (!Number.isInteger(reserved) || reserved < 0))
      throw new RangeError(`reserved concurrency must be a whole number, got ${reserved}`);
    if (typeof reserved === 'number' && reserved > this.accountLimit - UNRESERVED_CONCURRENCY_MINIMUM)
      throw new RangeError(
        `reserved concurrency ${reserved} leaves less than the ${UNRESERVED_CONCURRENCY_MINIMUM} unreserved Lambda requires of an account limit of ${this.accountLimit} (Lambda refuses it)`,
      );
  }

  /**
   * The most this function may run at `atMs`: its reservation, which the others' use cannot touch;
   * without one, what the others leave of the account pool.
   */
  limitAt(atMs: number): number {
    const reserved = this.reserved(atMs);
    if (reserved !== undefined) return reserved;
    return Math.max(0, this.accountLimit - Math.max(0, this.others(atMs)));
  }

  get running(): number {
    return this.inUse;
  }

  /** Takes one execution environment for an invocation at `atMs`, or says why it is throttled. */
  acquire(atMs: number): ConcurrencyGrant {
    if (this.inUse >= this.limitAt(atMs)) {
      const reason: ThrottleReason = this.reserved(atMs) !== undefined ? 'reserved-concurrency' : 'account-concurrency';
      this.throttles[reason]++;
      return { ok: false, reason };
    }
    let environment = this.idle.pop();
    const coldStart = environment === undefined;
    if (environment === undefined) {
      this.refill(atMs);
      if (this.scalingTokens < 1) {
        this.throttles['scaling-rate']++;
        return { ok: false, reason: 'scaling-rate' };
      }
      this.scalingTokens--;
      environment = this.environments++;
      this.coldStarts++;
    }
    this.inUse++;
    if (this.inUse > this.peak) this.peak = this.inUse;
    return { ok: true, coldStart, environment };
  }

  /** The invocation on `environment` ended: the environment stays warm, for the next one. */
  release(environment: number): void {
    if (this.inUse === 0) throw new Error('capacity model bug: released more environments than were taken');
    this.inUse--;
    this.idle.push(environment);
  }

  /** The scaling allowance refills evenly: 1,000 environments per 10 s, never more than 1,000 banked. */
  private refill(atMs: number): void {
    if (this.scalingUpdatedAt !== undefined && atMs > this.scalingUpdatedAt) {
      const earned = ((atMs - this.scalingUpdatedAt) * FUNCTION_SCALING_ENVIRONMENTS) / FUNCTION_SCALING_PERIOD_MS;
      this.scalingTokens = Math.min(FUNCTION_SCALING_ENVIRONMENTS, this.scalingTokens + earned);
    }
    if (this.scalingUpdatedAt === undefined || atMs > this.scalingUpdatedAt) this.scalingUpdatedAt = atMs;
  }
}
