import { InMemoryOrderRepository } from '@orders/adapters-memory';
import type { LogFields, Logger, MetricsRecorder, BatchMetrics, OrderRepository } from '@orders/core';
import { buildContainer, readEntryConfig, SQS_BATCH_HANDLER, type SqsBatchHandler } from '@orders/lambda-entry';

export interface CapturedLine {
  readonly level: string;
  readonly message: string;
  readonly fields: LogFields;
}

/** A Logger that keeps every line, with child fields merged, for assertions. */
export class CapturingLogger implements Logger {
  constructor(
    readonly lines: CapturedLine[] = [],
    private readonly base: LogFields = {},
  ) {}
  debug(message: string, fields: LogFields = {}): void {
    this.lines.push({ level: 'debug', message, fields: { ...this.base, ...fields } });
  }
  info(message: string, fields: LogFields = {}): void {
    this.lines.push({ level: 'info', message, fields: { ...this.base, ...fields } });
  }
  warn(message: string, fields: LogFields = {}): void {
    this.lines.push({ level: 'warn', message, fields: { ...this.base, ...fields } });
  }
  error(message: string, fields: LogFields = {}): void {
    this.lines.push({ level: 'error', message, fields: { ...this.base, ...fields } });
  }
  child(fields: LogFields): Logger {
    return new CapturingLogger(this.lines, { ...this.base, ...fields });
  }
}

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
  const logger = new CapturingLogger();
  const metrics = new RecordingMetrics();
  const container = buildContainer(readEntryConfig({ ORDERS_REPOSITORY: 'memory' }), { repository, logger, metrics });
  return { handler: container.resolve<SqsBatchHandler>(SQS_BATCH_HANDLER), repository, logger, metrics };
}
