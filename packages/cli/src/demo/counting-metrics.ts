import { MESSAGE_STATUSES, type BatchMetrics, type MessageStatus, type MetricsRecorder } from '@orders/core';

/** Sums what every batch reported: the demo's "counts by outcome" across all deliveries. */
export class CountingMetrics implements MetricsRecorder {
  readonly totals: Record<MessageStatus, number> = Object.fromEntries(MESSAGE_STATUSES.map((s) => [s, 0])) as Record<
    MessageStatus,
    number
  >;
  batches = 0;

  recordBatch(batch: BatchMetrics): void {
    this.batches++;
    for (const status of MESSAGE_STATUSES) this.totals[status] += batch.counts[status];
  }
}
