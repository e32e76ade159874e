import { RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { HANDLER, orderProcessorCode } from '../bundle';
import type { ResourceNames } from '../naming';
import { METRICS } from './function-metrics';
import type { StackSettings } from './settings';
import { otlpEnvironment } from './tracing';

export interface OrderProcessor {
  readonly function: lambda.Function;
  readonly logGroup: logs.LogGroup;
}

/**
 * The OrderProcessor function with its log group, its least-privilege role and its SQS event
 * source on OrderQueue (partial batch failures reported).
 */
export function createOrderProcessor(
  scope: Construct,
  resources: { readonly names: ResourceNames; readonly table: dynamodb.Table; readonly queue: sqs.Queue },
  settings: Pick<StackSettings, 'function' | 'eventSource' | 'queues' | 'retry' | 'tracing'>,
): OrderProcessor {
  const { names, table, queue } = resources;
  // An explicit log group: its retention is set, and the role's log permissions are scoped to it.
  // Deleting the stack deletes the logs; a retained group with this fixed name would block the
  // next deployment of the same stack.
  const logGroup = new logs.LogGroup(scope, 'OrderProcessorLogs', {
    logGroupName: names.logGroup,
    retention: settings.function.logRetention,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const role = executionRole(scope, names, logGroup, table);
  const fn = new lambda.Function(scope, 'OrderProcessor', {
    functionName: names.function,
    description: `Stores orders from ${names.queue} in ${names.table}; reports partial batch failures.`,
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    handler: HANDLER,
    code: orderProcessorCode({
      directory: settings.function.bundleDirectory,
      includeSourceMap: settings.function.sourceMaps,
    }),
    memorySize: settings.function.memorySize,
    timeout: settings.function.timeout,
    role,
    logGroup,
    loggingFormat: lambda.LoggingFormat.JSON,
    applicationLogLevelV2: lambda.ApplicationLogLevel[settings.function.logLevel],
    systemLogLevelV2: lambda.SystemLogLevel.INFO,
    reservedConcurrentExecutions: settings.function.reservedConcurrency,
    environment: functionEnvironment(table, settings),
    // X-Ray active tracing (off by default: no TracingConfig at all). CDK adds the two actions
    // Lambda needs to send segments (xray:PutTraceSegments, PutTelemetryRecords) to the role.
    ...(settings.tracing.functionActiveTracing ? { tracing: lambda.Tracing.ACTIVE } : {}),
  });
  // Grants exactly sqs:ReceiveMessage, ChangeMessageVisibility, GetQueueUrl, DeleteMessage and
  // GetQueueAttributes on OrderQueue (no kms: statement: the queue uses SSE-SQS).
  // ChangeMessageVisibility also covers the handler's ChangeMessageVisibilityBatch (paced retries).
  fn.addEventSource(
    new SqsEventSource(queue, {
      batchSize: settings.eventSource.batchSize,
      maxBatchingWindow: settings.eventSource.maxBatchingWindow,
      maxConcurrency: settings.eventSource.maxConcurrency,
      reportBatchItemFailures: true,
    }),
  );
  return { function: fn, logGroup };
}

/**
 * The role writes the function's own log group (it does not get AWSLambdaBasicExecutionRole, whose
 * logs:* actions apply to every log group in the account) and puts items into the table; the
 * event source adds the queue's permissions.
 */
function executionRole(
  scope: Construct,
  names: ResourceNames,
  logGroup: logs.LogGroup,
  table: dynamodb.Table,
): iam.Role {
  const role = new iam.Role(scope, 'OrderProcessorRole', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: `Execution role of ${names.function}: write its logs, put items into ${names.table}, consume ${names.queue}.`,
  });
  logGroup.grantWrite(role);
  // Only the action the code performs, on the table itself (no index ARNs): a conditional
  // PutItem with ReturnValues / ReturnValuesOnConditionCheckFailure ALL_OLD needs nothing more.
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['dynamodb:PutItem'], resources: [table.tableArn] }));
  return role;
}

/** What the function reads at start-up (`readEntryConfig`, and the OpenTelemetry SDK when set). */
function functionEnvironment(
  table: dynamodb.Table,
  settings: Pick<StackSettings, 'function' | 'queues' | 'retry' | 'tracing'>,
): Record<string, string> {
  const pacing = settings.retry.pacing;
  return {
    ORDERS_TABLE_NAME: table.tableName,
    LOG_LEVEL: settings.function.logLevel,
    POWERTOOLS_SERVICE_NAME: METRICS.service,
    POWERTOOLS_METRICS_NAMESPACE: METRICS.namespace,
    // The pacing the alarms are computed from, spelled out so the template says what runs.
    ORDERS_MAX_RECEIVE_COUNT: String(settings.queues.maxReceiveCount),
    ORDERS_RETRY_BASE_DELAY_SECONDS: String(pacing.baseDelaySeconds),
    ORDERS_RETRY_BACKOFF_FACTOR: String(pacing.backoffFactor),
    ORDERS_RETRY_MAX_DELAY_SECONDS: String(pacing.maxDelaySeconds),
    ORDERS_RETRY_JITTER: String(pacing.jitterRatio),
    ...(settings.function.sourceMaps ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
    ...otlpEnvironment(settings.tracing.otlp),
  };
}
