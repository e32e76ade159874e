import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { MESSAGE_STATUSES, type BatchMetrics, type MetricsRecorder } from '@orders/core';

/**
 * The MetricsRecorder port on Powertools Metrics: every batch adds its counts, and `flush`
 * writes them once per invocation as one CloudWatch Embedded Metric Format line.
 */
export class PowertoolsMetricsRecorder implements MetricsRecorder {
  constructor(readonly powertools: Metrics) {}

  recordBatch(batch: BatchMetrics): void {
    for (const status of MESSAGE_STATUSES) this.powertools.addMetric(status, MetricUnit.Count, batch.counts[status]);
    this.powertools.addMetric('batchSize', MetricUnit.Count, batch.batchSize);
    this.powertools.addMetric('batchDuration', MetricUnit.Milliseconds, batch.durationMs);
  }

  /** Writes the stored metrics (one EMF line) and clears them. */
  flush(): void {
    this.powertools.publishStoredMetrics();
  }
}

export function createPowertoolsMetrics(options: {
  namespace: string;
  serviceName: string;
}): PowertoolsMetricsRecorder {
  return new PowertoolsMetricsRecorder(new Metrics({ namespace: options.namespace, serviceName: options.serviceName }));
}
