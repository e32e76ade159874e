/**
 * @orders/lambda-entry — the library surface: the handler factory, the composition root, and
 * the local event-source-mapping runner. The deployable handler lives in `lambda-handler.ts`
 * (the bundle's entry), so importing this module never reads the environment or builds clients.
 */
export * from './sqs-batch-handler';
export * from './composition/entry-config';
export * from './composition/container';
export * from './composition/tokens';
