import { InMemoryOrderRepository } from '@orders/adapters-memory';
import type {
  BatchMetrics,
  MessageVisibility,
  MetricsRecorder,
  OrderRepository,
  VisibilityChange,
  VisibilityChangeFailure,
} from '@orders/core';
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

/** The source queue's visibility as the handler drives it: every change, by queue ARN. */
export class RecordingVisibility {
  readonly changes: { queueArn: string; change: VisibilityChange }[] = [];
  /** Receipt handles whose change the "queue" refuses. */
  readonly refuse = new Set<string>();

  readonly visibilityFor = (queueArn: string): MessageVisibility => ({
    changeVisibilityBatch: async (changes): Promise<VisibilityChangeFailure[]> => {
      for (const change of changes) this.changes.push({ queueArn, change });
      return changes
        .filter((change) => this.refuse.has(change.receiptHandle))
        .map(({ receiptHandle }) => ({
          receiptHandle,
          code: 'ReceiptHandleIsInvalid',
          message: 'refused by the test',
        }));
    },
  });

  /** Seconds each receipt handle was set to. */
  delays(): Record<string, number> {
    return Object.fromEntries(
      this.changes.map(({ change }) => [change.receiptHandle, change.visibilityTimeoutSeconds]),
    );
  }
}

/** The real handler from the real composition root, with test doubles for the ports. */
export function handlerWith(
  repository: OrderRepository = new InMemoryOrderRepository(),
  env: Record<string, string> = {},
) {
  const logger = new RecordingLogger();
  const metrics = new RecordingMetrics();
  const visibility = new RecordingVisibility();
  const container = buildContainer(readEntryConfig({ ORDERS_REPOSITORY: 'memory', ORDERS_RETRY_JITTER: '0', ...env }), {
    repository,
    logger,
    metrics,
    visibilityFor: visibility.visibilityFor,
  });
  return { handler: container.resolve<SqsBatchHandler>(SQS_BATCH_HANDLER), repository, logger, metrics, visibility };
}
