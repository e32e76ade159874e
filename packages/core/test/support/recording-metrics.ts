import type { BatchMetrics, MetricsRecorder } from '../../src';

export class RecordingMetrics implements MetricsRecorder {
  readonly batches: BatchMetrics[] = [];
  recordBatch(batch: BatchMetrics): void {
    this.batches.push(batch);
  }
}

/** A clock the test moves by hand. */
export class ManualClock {
  constructor(public current = 1_746_273_600_000) {}
  now(): number {
    return this.current;
  }
}
