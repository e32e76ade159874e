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
export { HostSetupError, LambdaLocalError, TemplateError } from './errors';
export {
  type CfnResource,
  type CfnTemplate,
  loadSynthesizedStack,
  resourcesOfType,
  type SynthesizedStack,
} from './template/cloud-assembly';
export type { DeploymentContext } from './template/intrinsics';
export {
  type Architecture,
  type FunctionDefinition,
  type LogFormat,
  readFunctionDefinition,
  type ReadFunctionOptions,
} from './template/function-definition';
export {
  type QueueDefinition,
  readSqsEventSource,
  type SqsEventSourceDefinition,
} from './template/event-source-definition';
export type { FunctionError } from './runtime-api/function-error';
export { type RuntimeApiListener, RuntimeApiServer, type RuntimeInvocation } from './runtime-api/runtime-api-server';
export type { FailureKind, InvocationFailure, InvocationResult, InvocationSuccess } from './host/invocation-result';
export { LocalLambda, type LocalLambdaOptions } from './host/local-lambda';
export type { FunctionCredentials } from './host/runtime-environment';
export type { RuntimeInterfaceClient } from './host/runtime-interface-client';
export { type BatchVerdict, readBatchItemFailures } from './event-source/batch-item-failures';
export { sqsEventOf } from './event-source/sqs-event';
export {
  type BatchReport,
  combineEventSourceReports,
  EventSourceError,
  type EventSourceReport,
  type QueueDepthProbe,
  SqsEventSource,
  type SqsEventSourceOptions,
} from './event-source/sqs-event-source';
export { lambdaContext } from './in-process/lambda-context';
export {
  type EventSourceMappingOptions,
  type EventSourceMappingReport,
  type InProcessSqsHandler,
  runEventSourceMapping,
} from './in-process/event-source-mapping-runner';
