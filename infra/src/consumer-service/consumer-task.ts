import { Duration, RemovalPolicy, Size, Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { RetryPacingOptions } from '@orders/core';
import type { Construct } from 'constructs';
import type { ResourceNames } from '../naming';
import type { ConsumerServiceOptions } from './consumer-service-context';
import type { ConsumerServiceNames } from './consumer-service-names';

/**
 * How long ECS waits after SIGTERM before SIGKILL (Fargate allows up to 120 s; 30 s is ECS's own
 * default, spelled out). The consumer's graceful stop is given 25 s of it (`--stop-timeout 25`),
 * plus its hand-back's own 2 s bound, plus 1 s for its last spans with tracing on, plus room to
 * print its report and exit.
 */
export const TASK_STOP_TIMEOUT = Duration.seconds(30);
export const CONSUMER_STOP_TIMEOUT_SECONDS = 25;

export interface ConsumerTask {
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly taskRole: iam.Role;
  readonly logGroup: logs.LogGroup;
}

/**
 * The task: one container running the image's `orders consume` against the main stack's queue and
 * table (found by their physical names, so the two stacks share no CloudFormation export), its own
 * role with only what the consumer calls, and its own log group.
 */
export function createConsumerTask(
  scope: Construct,
  resources: { readonly names: ResourceNames; readonly consumerNames: ConsumerServiceNames },
  options: ConsumerServiceOptions,
  settings: { readonly retryPacing: RetryPacingOptions; readonly logRetention: logs.RetentionDays },
): ConsumerTask {
  const { names, consumerNames } = resources;
  const stack = Stack.of(scope);
  const logGroup = new logs.LogGroup(scope, 'LogGroup', {
    logGroupName: consumerNames.logGroup,
    retention: settings.logRetention,
    // Like the function's: the logs go with the stack; the orders are in the table.
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const taskRole = consumerTaskRole(scope, names, consumerNames);
  const taskDefinition = new ecs.FargateTaskDefinition(scope, 'TaskDefinition', {
    family: consumerNames.service,
    cpu: options.cpu,
    memoryLimitMiB: options.memoryMiB,
    // What build-consumer-image.sh builds on an x86_64 machine; an arm64 (Graviton) task needs an
    // image built for arm64.
    runtimePlatform: {
      cpuArchitecture: ecs.CpuArchitecture.X86_64,
      operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
    },
    taskRole,
  });
  const pacing = settings.retryPacing;
  taskDefinition.addContainer('Consumer', {
    containerName: 'consumer',
    image: containerImage(scope, options.image),
    // The image's entrypoint is `orders consume --stop-timeout 6`: these follow it (the later
    // --stop-timeout wins). The queue and table by name, as the main stack names them.
    command: [
      '--queue',
      names.queue,
      '--table',
      names.table,
      '--dlq',
      names.deadLetterQueue,
      '--stop-timeout',
      String(CONSUMER_STOP_TIMEOUT_SECONDS),
    ],
    environment: {
      AWS_REGION: stack.region,
      // The same pacing as the function's, so the main stack's alarm thresholds hold for both.
      ORDERS_RETRY_BASE_DELAY_SECONDS: String(pacing.baseDelaySeconds),
      ORDERS_RETRY_BACKOFF_FACTOR: String(pacing.backoffFactor),
      ORDERS_RETRY_MAX_DELAY_SECONDS: String(pacing.maxDelaySeconds),
      ORDERS_RETRY_JITTER: String(pacing.jitterRatio),
    },
    stopTimeout: TASK_STOP_TIMEOUT,
    // The consumer writes no file.
    readonlyRootFilesystem: true,
    essential: true,
    logging: ecs.LogDrivers.awsLogs({
      logGroup,
      streamPrefix: 'consumer',
      // A log line never stalls the consumer: if CloudWatch Logs falls behind, lines past the
      // buffer are dropped rather than blocking stdout (and with it every message in hand).
      mode: ecs.AwsLogDriverMode.NON_BLOCKING,
      maxBufferSize: Size.mebibytes(25),
    }),
  });
  return { taskDefinition, taskRole, logGroup };
}

/**
 * Only what `orders consume` calls: on OrderQueue, GetQueueUrl and GetQueueAttributes at start,
 * then ReceiveMessage, DeleteMessage(Batch) and ChangeMessageVisibility(Batch) (heartbeats, paced
 * retries, the hand-back at a stop; the batch calls are authorized by the single-message actions);
 * on Orders, the conditional PutItem. No kms: statement (the queue is SSE-SQS, the table uses the
 * AWS managed key); no sts: statement (GetCallerIdentity, which the CLI makes once, needs none).
 * The trust policy admits ECS tasks of this account only (confused-deputy guard).
 */
function consumerTaskRole(scope: Construct, names: ResourceNames, consumerNames: ConsumerServiceNames): iam.Role {
  const stack = Stack.of(scope);
  const role = new iam.Role(scope, 'TaskRole', {
    assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com', {
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'ecs', resource: '*' }) },
      },
    }),
    description: `Task role of ${consumerNames.service}: consume ${names.queue}, put items into ${names.table}.`,
  });
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: [
        'sqs:ChangeMessageVisibility',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:ReceiveMessage',
      ],
      resources: [stack.formatArn({ service: 'sqs', resource: names.queue })],
    }),
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['dynamodb:PutItem'],
      resources: [stack.formatArn({ service: 'dynamodb', resource: 'table', resourceName: names.table })],
    }),
  );
  return role;
}

/** ECR (`ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO:TAG`), with its pull rights granted to the execution role. */
const ECR_IMAGE =
  /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([a-z0-9._/-]+)(?::([A-Za-z0-9._-]+)|@(sha256:[a-f0-9]{64}))$/;

/**
 * The image by URI, never built at synth (ContainerImage.fromAsset would need Docker): an ECR image
 * through its repository, so the execution role gets pull rights on that repository only; any other
 * registry by name (a public one: nothing to grant).
 */
function containerImage(scope: Construct, uri: string): ecs.ContainerImage {
  const ecrImage = ECR_IMAGE.exec(uri);
  if (ecrImage === null) return ecs.ContainerImage.fromRegistry(uri);
  const [, account, region, repositoryName, tag, digest] = ecrImage;
  const partition = uri.includes('.amazonaws.com.cn/') ? 'aws-cn' : 'aws';
  const repository = ecr.Repository.fromRepositoryAttributes(scope, 'ImageRepository', {
    repositoryArn: `arn:${partition}:ecr:${region}:${account}:repository/${repositoryName}`,
    repositoryName: repositoryName!,
  });
  return ecs.ContainerImage.fromEcrRepository(repository, tag ?? digest);
}
