import { InMemoryOrderRepository } from '@orders/adapters-memory';
import type { MetricsRecorder, BatchMetrics, OrderRepository } from '@orders/core';
import { RecordingLogger } from '@orders/testkit';
import { buildContainer, readEntryConfig, SQS_BATCH_HANDLER, type SqsBatchHandler } from '@orders/lambda-entry';

export class RecordingMetrics implements MetricsRecorder {
  readonly batches: BatchMetrics[] = [];
  flushes = 0;
  recordBatch(batch: BatchMetrics): void {
    this.batches.push(batch);
  }
  flush(): void {
    this.flushes++;
  }
}

/** The real handler from the real composition root, with test doubles for the ports. */
export function handlerWith(repository: OrderRepository = new InMemoryOrderRepository()) {
  const logger = new RecordingLogger();
  const metrics = new RecordingMetrics();
  const container = buildContainer(readEntryConfig({ ORDERS_REPOSITORY: 'memory' }), { repository, logger, metrics });
  return { handler: container.resolve<SqsBatchHandler>(SQS_BATCH_HANDLER), repository, logger, metrics };
}
