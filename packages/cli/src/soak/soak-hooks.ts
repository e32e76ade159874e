import type { Logger, OrderRepository } from '@orders/core';
import type { SqsBatchHandler } from '@orders/lambda-entry';

export type SoakPhase = 'publish' | 'drain' | 'redrive';

export interface SoakProgress {
  readonly phase: SoakPhase;
  /** Messages of this phase no longer on OrderQueue (acknowledged or dead-lettered). */
  readonly settled: number;
  readonly total: number;
  readonly invocations: number;
  readonly deadLetters: number;
}

export interface SoakHooks {
  /** The handler's logger (default: silent, for speed). */
  readonly logger?: Logger;
  /** Called now and then while the soak runs (every 64 receives and at each phase's end). */
  readonly onProgress?: (progress: SoakProgress) => void;
  /**
   * Seams to run the soak against a deliberately broken system (e.g. a handler that swallows
   * failures, a store that ignores instants) and see the invariants catch it. Identity by default.
   */
  readonly wrapHandler?: (handler: SqsBatchHandler) => SqsBatchHandler;
  readonly wrapRepository?: (repository: OrderRepository) => OrderRepository;
}
