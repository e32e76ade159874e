import {
  RepositoryUnavailableError,
  type Order,
  type OrderRepository,
  type SaveOptions,
  type SaveResult,
  type TimedOrder,
} from '@orders/core';

/** Where an injected fault strikes relative to the write. */
export type InjectedFaultKind = 'before-write' | 'after-write' | 'read';

export interface FaultInjectionOptions {
  /** A PRNG in [0, 1): pass a seeded one (e.g. testkit's `seededRandom`) so a run can be replayed. */
  readonly random: () => number;
  /**
   * Probability that a save fails before it reaches the store: nothing is written, the caller
   * gets a `RepositoryUnavailableError` (a timeout, a throttled request, a dropped connection).
   */
  readonly beforeWriteRate?: number;
  /**
   * Probability that a save IS written and then fails anyway: the store applied it, but the answer
   * never came back (a timeout after commit). The caller must treat it as failed and retry, so the
   * event arrives again: the at-least-once case every idempotent writer must survive.
   */
  readonly afterWriteRate?: number;
}

export interface InjectedFaultCounts {
  readonly beforeWrite: number;
  readonly afterWrite: number;
  readonly read: number;
}

function checkRate(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0 || value > 1)
    throw new RangeError(`${name} must be a number from 0 to 1, got ${value}`);
  return value;
}

/**
 * An OrderRepository decorator that injects transient storage failures at the port, for soak and
 * chaos tests. Each call draws once from the PRNG, so with a seeded PRNG and a deterministic caller
 * the same calls fail every run. A read fails with the combined rate. Faults can be switched off
 * (`enabled = false`) mid-run, e.g. before an operator's DLQ redrive.
 */
export class FaultInjectingOrderRepository implements OrderRepository {
  /** While false, every call goes straight through and no random number is drawn. */
  enabled = true;
  private readonly random: () => number;
  private readonly beforeWriteRate: number;
  private readonly faultRate: number;
  private readonly counts = { beforeWrite: 0, afterWrite: 0, read: 0 };

  constructor(
    private readonly inner: OrderRepository,
    options: FaultInjectionOptions,
  ) {
    this.random = options.random;
    this.beforeWriteRate = checkRate('beforeWriteRate', options.beforeWriteRate ?? 0);
    const afterWriteRate = checkRate('afterWriteRate', options.afterWriteRate ?? 0);
    this.faultRate = this.beforeWriteRate + afterWriteRate;
    if (this.faultRate > 1 + 1e-12) {
      throw new RangeError(`beforeWriteRate + afterWriteRate must be at most 1, got ${this.faultRate}`);
    }
  }

  async save(event: TimedOrder, options?: SaveOptions): Promise<SaveResult> {
    if (!this.enabled) return this.inner.save(event, options);
    const draw = this.random();
    if (draw < this.beforeWriteRate) {
      this.counts.beforeWrite++;
      throw new RepositoryUnavailableError('injected fault: the store did not answer; nothing was written');
    }
    const outcome = await this.inner.save(event, options);
    if (draw < this.faultRate) {
      this.counts.afterWrite++;
      throw new RepositoryUnavailableError('injected fault: the write was applied but its answer was lost');
    }
    return outcome;
  }

  async findById(orderId: string): Promise<Order | undefined> {
    if (this.enabled && this.random() < this.faultRate) {
      this.counts.read++;
      throw new RepositoryUnavailableError('injected fault: the store did not answer the read');
    }
    return this.inner.findById(orderId);
  }

  /** How many faults of each kind were injected so far. */
  get injected(): InjectedFaultCounts {
    return { ...this.counts };
  }
}
