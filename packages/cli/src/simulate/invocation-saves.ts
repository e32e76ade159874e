import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Clock, Order, OrderRepository, SaveOptions, SaveResult, TimedOrder } from '@orders/core';

type Answer = { readonly ok: true; readonly result: SaveResult } | { readonly ok: false; readonly error: unknown };

/** How an invocation ended, and when its last save did. */
export interface InvocationRun<T> {
  readonly outcome: { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };
  readonly endedAt: number;
}

interface PendingSave {
  readonly endsAt: number;
  /** The store's answer, once its promise has settled (at once: the store below is in memory). */
  answer: Answer | undefined;
  readonly resolve: (result: SaveResult) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * The store as one invocation's handler meets it, in simulated time. A save is decided when the
 * handler starts it (the throughput-limited store below works out its attempts and how long they
 * take), but its answer reaches the handler only at the simulated moment the save ends, in the order
 * the saves end, as the SDK's answers would. So what the handler does between its saves happens in
 * that order too: a save waiting for one of its write permits starts when another save ends; a
 * save throttled, then retried past its backoff, ends after the others and sees the saves still in
 * flight then; the adaptive limit reads the time from `clock`, the invocation's present.
 *
 * `run` drives one invocation: whenever the handler has nothing left to do but wait for its saves,
 * the earliest of them end. One invocation at a time (the simulation runs them one after another).
 */
export class InvocationSaves implements OrderRepository {
  private present = 0;
  private latencyMs = 0;
  private readonly pending: PendingSave[] = [];
  /** Throttled attempts heard by the store, told to the handler when the next saves answer. */
  private readonly throttledAttempts: (() => void)[] = [];
  /** The invocation's present: when it started its saves, then when the last save to end ended. */
  readonly clock: Clock = { now: () => this.present };

  constructor(private readonly inner: OrderRepository) {}

  /** For the store below (ThroughputLimitedOrderRepository's `now` and `onSave`): when a save starts, and how long it took. */
  readonly startsAt = (): number => this.present;
  readonly took = (latencyMs: number): void => {
    this.latencyMs = latencyMs;
  };

  save(event: TimedOrder, options?: SaveOptions): Promise<SaveResult> {
    this.latencyMs = 0;
    // A throttled attempt's answer comes back a round trip after the save started, with the saves
    // of that moment still in flight: the handler hears it when the next saves answer, not at once
    // (when the rest of its batch has not started yet) and not when this save ends (after its backoff).
    const heard = options?.onThrottledAttempt;
    const told: SaveOptions | undefined =
      heard === undefined ? options : { ...options, onThrottledAttempt: () => this.throttledAttempts.push(heard) };
    // The store decides at once (its attempts at their simulated times) and reports the latency.
    const answered = this.inner.save(event, told);
    const endsAt = this.present + this.latencyMs;
    return new Promise<SaveResult>((resolve, reject) => {
      const save: PendingSave = { endsAt, answer: undefined, resolve, reject };
      answered.then(
        (result) => {
          save.answer = { ok: true, result };
        },
        (error: unknown) => {
          save.answer = { ok: false, error };
        },
      );
      this.pending.push(save);
    });
  }

  findById(orderId: string): Promise<Order | undefined> {
    return this.inner.findById(orderId);
  }

  /**
   * Runs `invoke` from `startedAt` (simulated ms) until it settles: each time it waits on saves only,
   * the earliest to end answer (those ending together, in the order they started). Resolves to the
   * handler's outcome and when its last save ended (`startedAt` without one).
   */
  async run<T>(startedAt: number, invoke: () => Promise<T>): Promise<InvocationRun<T>> {
    this.present = startedAt;
    const run: { outcome?: InvocationRun<T>['outcome'] } = {};
    const settled = invoke().then(
      (value) => {
        run.outcome = { ok: true, value };
      },
      (error: unknown) => {
        run.outcome = { ok: false, error };
      },
    );
    for (;;) {
      // Everything the handler can do before a save answers runs first (microtasks drain before this turn).
      await nextTurn();
      if (run.outcome !== undefined) break;
      if (this.pending.length === 0)
        throw new Error('capacity model bug: the handler waits on something other than its saves');
      this.endEarliest();
    }
    await settled;
    return { outcome: run.outcome, endedAt: this.present };
  }

  /** The saves that end first: the present moves to their end, and they answer in the order they started. */
  private endEarliest(): void {
    let endsAt = Number.POSITIVE_INFINITY;
    for (const save of this.pending) if (save.endsAt < endsAt) endsAt = save.endsAt;
    const ending = this.pending.filter((save) => save.endsAt === endsAt);
    const rest = this.pending.filter((save) => save.endsAt !== endsAt);
    this.pending.length = 0;
    this.pending.push(...rest);
    this.present = Math.max(this.present, endsAt);
    for (const tell of this.throttledAttempts.splice(0)) tell();
    for (const { answer, resolve, reject } of ending) {
      if (answer === undefined) throw new Error('capacity model bug: a simulated save did not answer at once');
      if (answer.ok) resolve(answer.result);
      else reject(answer.error);
    }
  }
}
