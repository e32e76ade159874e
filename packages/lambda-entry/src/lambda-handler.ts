import type { DependencyContainer } from 'tsyringe';
import { buildContainer } from './composition/container';
import { readEntryConfig } from './composition/entry-config';
import { SQS_BATCH_HANDLER } from './composition/tokens';
import type { SqsBatchHandler } from './sqs-batch-handler';

// Built once per cold start, outside the handler: config is validated (a bad one fails the
// init, loudly), clients and their keep-alive sockets are reused by every invocation.
const container: DependencyContainer = buildContainer(readEntryConfig(process.env));

/** The OrderProcessor Lambda handler (`index.handler` in the bundle). */
export const handler: SqsBatchHandler = container.resolve<SqsBatchHandler>(SQS_BATCH_HANDLER);
