/**
 * Timers, injected: core compiles without Node or DOM types, and tests drive a consumer on a
 * manual clock. `systemScheduler` lives with the composition roots that run on Node.
 */
export interface Scheduler {
  /** The time the timers run on (ms since the epoch): a consumer's deadlines must use the same clock. */
  now(): number;
  /** Resolves after `ms` (or at once when `signal` is already aborted or aborts). */
  sleep(ms: number, signal?: import('./message-queue').AbortSignalLike): Promise<void>;
  /** Runs `task` every `ms` until the returned function is called. */
  every(ms: number, task: () => void): () => void;
  /** Runs `task` once after `ms`, unless the returned function is called first. */
  after(ms: number, task: () => void): () => void;
}
