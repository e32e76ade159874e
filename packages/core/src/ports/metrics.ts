import type { FailureTally, MessageStatus } from '../messages/message-status';

/** What one batch did, handed to the metrics port once per batch. */
export interface BatchMetrics {
  readonly counts: Readonly<Record<MessageStatus, number>>;
  /** The failed messages by class and code (`transient`/`throttled`, `invalid`/`not_json`, …). */
  readonly failures: readonly FailureTally[];
  /**
   * Records handed back untried behind an earlier failed record (a FIFO message group): reported to
   * the queue, but not failures of their own, so in neither `counts` nor `failures`. Absent: none.
   * `batchSize` is the sum of `counts` and this.
   */
  readonly deferred?: number;
  /**
   * Saves of the batch the store throttled on some attempt, retried to success or not: how often
   * the writes met a hot partition or an exhausted table. Absent: none.
   */
  readonly throttledSaves?: number;
  readonly batchSize: number;
  readonly durationMs: number;
}

export interface MetricsRecorder {
  recordBatch(batch: BatchMetrics): void;
}

export const METRICS_RECORDER: unique symbol = Symbol.for('orders.MetricsRecorder');

export const noMetrics: MetricsRecorder = { recordBatch: () => undefined };
