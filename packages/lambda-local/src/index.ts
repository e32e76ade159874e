/**
 * @orders/lambda-local — run a Lambda function locally the way Lambda runs it.
 *
 * - `loadSynthesizedStack`, `readFunctionDefinition`, `readSqsEventSource`: the function and its
 *   SQS event source as the synthesized CDK template deploys them.
 * - `LocalLambda`: the function's code asset in a private task directory, AWS's runtime interface
 *   client behind a Runtime API server, cold starts, timeouts, init and invocation errors.
 * - `SqsEventSource`: Lambda's SQS event source mapping (batching, partial batch responses).
 * - `RuntimeApiServer`: the Runtime API alone, for any runtime client.
 * - `runEventSourceMapping`, `lambdaContext`: a handler called in this process under the same
 *   event source rules, one batch after another (the simulator, the soak, tests).
 */
export * from './errors';
export * from './template/cloud-assembly';
export * from './template/intrinsics';
export * from './template/function-definition';
export * from './template/event-source-definition';
export * from './runtime-api/function-error';
export * from './runtime-api/runtime-api-server';
export * from './host/invocation-result';
export * from './host/local-lambda';
export * from './host/platform-log';
export * from './host/runtime-environment';
export * from './host/runtime-interface-client';
export * from './host/task-directory';
export * from './event-source/batch-item-failures';
export * from './event-source/sqs-event';
export * from './event-source/sqs-event-source';
export * from './in-process/lambda-context';
export * from './in-process/event-source-mapping-runner';
