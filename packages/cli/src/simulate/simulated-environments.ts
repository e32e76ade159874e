import type { BatchMetrics, ProcessOrderBatch } from '@orders/core';
import type { SqsBatchHandler } from '@orders/lambda-entry';
import { CountingMetrics } from '../demo/counting-metrics';

/**
 * One execution environment of the simulated function: what the real one keeps between its
 * invocations — its own composition root, so its own handler, use case and adaptive write limit.
 */
export interface SimulatedEnvironment {
  readonly handler: SqsBatchHandler;
  readonly useCase: ProcessOrderBatch;
  /** Its limit on saves in flight as its last invocation ended. */
  writeLimit: number;
  /** When its last invocation ended (simulated ms); undefined until it has run one. */
  lastEndedAt: number | undefined;
}

/** What the environments' write limits did over a run. */
export interface WriteConcurrencyFacts {
  /** The configured concurrency: each limit's ceiling, and where it starts. */
  readonly configured: number;
  /** The lowest limit any environment ended an invocation with. */
  readonly lowest: number;
  /**
   * The lowest limit among the environments in use as the run ended: those that ended an
   * invocation in the `RECENT_MS` before its last one did. An environment idle longer is left out:
   * it keeps the limit it was cut to (recovery needs saves that succeed), as a real one does until
   * Lambda reclaims it, which the model does not do.
   */
  readonly final: number;
}

/** What counts as "in use as the run ended": an invocation in the last 10 s of them. */
export const RECENT_MS = 10_000;

/**
 * The function's execution environments, by the id the concurrency pool gives them, each built on
 * its first invocation (a cold start, or one of the environments a warm start initialised).
 */
export class SimulatedEnvironments {
  private readonly byId: (SimulatedEnvironment | undefined)[] = [];
  private lowest: number;

  constructor(
    private readonly configured: number,
    private readonly initialise: () => Pick<SimulatedEnvironment, 'handler' | 'useCase'>,
  ) {
    this.lowest = configured;
  }

  /** Environment `id`, built now if it has never run. */
  get(id: number): SimulatedEnvironment {
    let environment = this.byId[id];
    if (environment === undefined) {
      environment = { ...this.initialise(), writeLimit: this.configured, lastEndedAt: undefined };
      this.byId[id] = environment;
    }
    return environment;
  }

  /** `environment`'s invocation ended at `atMs`: its write limit as it stands now. */
  ended(environment: SimulatedEnvironment, atMs: number): void {
    const limit = environment.useCase.writeConcurrency.limit;
    environment.writeLimit = limit;
    environment.lastEndedAt = atMs;
    if (limit < this.lowest) this.lowest = limit;
  }

  /** The write limits over the run so far. */
  writeConcurrency(): WriteConcurrencyFacts {
    let lastEndedAt = Number.NEGATIVE_INFINITY;
    for (const environment of this.byId)
      if (environment?.lastEndedAt !== undefined && environment.lastEndedAt > lastEndedAt)
        lastEndedAt = environment.lastEndedAt;
    let final = this.configured;
    for (const environment of this.byId) {
      if (environment?.lastEndedAt === undefined || environment.lastEndedAt < lastEndedAt - RECENT_MS) continue;
      if (environment.writeLimit < final) final = environment.writeLimit;
    }
    return { configured: this.configured, lowest: this.lowest, final };
  }
}

/** The demo's counts by outcome, plus the saves DynamoDB throttled, as every batch reported them. */
export class SimulationMetrics extends CountingMetrics {
  throttledSaves = 0;

  override recordBatch(batch: BatchMetrics): void {
    super.recordBatch(batch);
    this.throttledSaves += batch.throttledSaves ?? 0;
  }
}
