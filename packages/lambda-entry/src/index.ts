/**
 * @orders/lambda-entry — the library surface: the handler factory, the composition root, and
 * the local event-source-mapping runner. The deployable handler lives in `lambda-handler.ts`
 * (the bundle's entry), so importing this module never reads the environment or builds clients.
 */
export {
  createSqsBatchHandler,
  MalformedEventError,
  type SqsBatchHandler,
  type SqsBatchHandlerDependencies,
} from './sqs-batch-handler';
export { ConfigurationError, type EntryConfig, readEntryConfig, type RepositoryKind } from './composition/entry-config';
export {
  ENTRY_ENVIRONMENT,
  type EntryEnvironment,
  type EntryVariable,
  type EntryVariableName,
  LAMBDA_RUNTIME_VARIABLES,
} from './composition/entry-environment';
export { buildContainer, type ContainerOverrides, startEntryTracing } from './composition/container';
export { PROCESS_ORDER_BATCH, SQS_BATCH_HANDLER } from './composition/tokens';
