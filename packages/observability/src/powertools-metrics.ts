import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { type BatchMetrics, MESSAGE_STATUSES, type MetricsRecorder } from '@orders/core';

/** The failure classes counted in the invocation's document: what the alarms watch. */
const ALARMED_CLASSES = ['transient', 'systemic'] as const;

/**
 * The MetricsRecorder port on Powertools Metrics: every batch adds its counts (one metric per
 * outcome status, `deferred`, `throttledSaves`, the alarmed failure classes, the batch size and
 * duration), and `flush` writes them once per invocation as one CloudWatch Embedded Metric Format
 * line — plus, when records failed, one line per failure class and code (`failedRecords` with the
 * dimensions `failureClass` and `errorCode`), so a dashboard can say *why* without reading logs.
 */
export class PowertoolsMetricsRecorder implements MetricsRecorder {
  private readonly failuresByKey = new Map<string, { failureClass: string; code: string; count: number }>();
  /** Whether a batch was recorded since the last flush (an invocation refused before its batch records none). */
  private recorded = false;

  constructor(readonly powertools: Metrics) {}

  recordBatch(batch: BatchMetrics): void {
    this.recorded = true;
    for (const status of MESSAGE_STATUSES) this.powertools.addMetric(status, MetricUnit.Count, batch.counts[status]);
    // Records handed back behind an earlier failure of their FIFO message group: their own count,
    // outside `failed` and the alarmed classes (one throttled record must not count as ten).
    this.powertools.addMetric('deferred', MetricUnit.Count, batch.deferred ?? 0);
    // Saves DynamoDB throttled on some attempt, retried to success or not: a hot key or a table at
    // its limit, and what lowered the write concurrency (the current limit is in the batch's log line).
    this.powertools.addMetric('throttledSaves', MetricUnit.Count, batch.throttledSaves ?? 0);
    for (const failureClass of ALARMED_CLASSES) {
      const count = batch.failures.filter((f) => f.failureClass === failureClass).reduce((sum, f) => sum + f.count, 0);
      this.powertools.addMetric(failureClass, MetricUnit.Count, count);
    }
    this.powertools.addMetric('batchSize', MetricUnit.Count, batch.batchSize);
    this.powertools.addMetric('batchDuration', MetricUnit.Milliseconds, batch.durationMs);
    for (const failure of batch.failures) {
      const key = `${failure.failureClass}\u0000${failure.code}`;
      const tally = this.failuresByKey.get(key) ?? { failureClass: failure.failureClass, code: failure.code, count: 0 };
      tally.count += failure.count;
      this.failuresByKey.set(key, tally);
    }
  }

  /** Writes the stored metrics (one EMF line, then one per failure class and code) and clears them. */
  flush(): void {
    // Publishing nothing makes Powertools print an unstructured warning line: skip it instead.
    if (!this.recorded) return;
    this.recorded = false;
    this.powertools.publishStoredMetrics();
    for (const { failureClass, code, count } of this.failuresByKey.values()) {
      const single = this.powertools.singleMetric();
      single.addDimension('failureClass', failureClass);
      single.addDimension('errorCode', code);
      single.addMetric('failedRecords', MetricUnit.Count, count);
    }
    this.failuresByKey.clear();
  }
}

export function createPowertoolsMetrics(options: {
  namespace: string;
  serviceName: string;
}): PowertoolsMetricsRecorder {
  return new PowertoolsMetricsRecorder(new Metrics({ namespace: options.namespace, serviceName: options.serviceName }));
}
