import type { DependencyContainer } from 'tsyringe';
import { buildContainer, startEntryTracing } from './composition/container';
import { readEntryConfig } from './composition/entry-config';
import { SQS_BATCH_HANDLER } from './composition/tokens';
import type { SqsBatchHandler } from './sqs-batch-handler';

// Built once per cold start, outside the handler: config is validated (a bad one fails the
// init, loudly), clients and their keep-alive sockets are reused by every invocation.
const config = readEntryConfig(process.env);
const container: DependencyContainer = buildContainer(config);
const processBatch: SqsBatchHandler = container.resolve<SqsBatchHandler>(SQS_BATCH_HANDLER);
// Tracing starts once too, at init. Off (no OTLP endpoint set), it settles at once and loads
// nothing beyond @opentelemetry/api; on, it loads the SDK. The package compiles to CommonJS, which
// has no top-level await: the first invocation waits for it instead, and never rejects on it.
const tracingStarted: Promise<unknown> = startEntryTracing(container, config);

/** The OrderProcessor Lambda handler (`index.handler` in the bundle). */
export const handler: SqsBatchHandler = async (event, context) => {
  await tracingStarted;
  return processBatch(event, context);
};
