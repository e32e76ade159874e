import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { SqsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { DEFAULT_RETRY_PACING, deadLetterTimeline, type RetryPacingOptions, retryPacingProblems } from '@orders/core';
import { HANDLER, orderProcessorCode } from './bundle';
import { type NamingOptions, type ResourceNames, resourceNames } from './naming';

export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Everything that varies between deployments is a synth-time prop (fed from CDK context by
 * `app.ts`), not a CloudFormation Parameter: the values are validated in code before any template
 * exists, and derived values (the queue visibility timeout, the default age alarm threshold) are
 * computed from them and can be asserted in tests. A Parameter would only be known at deploy time,
 * where the "visibility timeout >= 6 x function timeout + batching window" rule could not be enforced.
 */
export interface OrderProcessingStackProps extends StackProps {
  /** Prefix/suffix for every physical name (a second copy in one account needs one). @default none */
  readonly naming?: NamingOptions;
  /** SQS event source batch size, 1..10000 (more than 10 requires a batching window >= 1 s). @default 10 */
  readonly batchSize?: number;
  /** SQS event source maximum batching window, 0..300 s, whole seconds. @default 0 s */
  readonly maxBatchingWindow?: Duration;
  /**
   * Maximum concurrent invocations the SQS event source starts (2..1000). This, not reserved
   * concurrency, is what limits the consumer: it throttles polling instead of throttling
   * invocations (which would return messages to the queue and burn receive counts).
   * @default 10
   */
  readonly maxConcurrency?: number;
  /** Receives before a message moves to OrderDLQ, 1..1000. @default 3 */
  readonly maxReceiveCount?: number;
  /** Function timeout, 1..900 s, whole seconds. @default 30 s */
  readonly functionTimeout?: Duration;
  /** Function memory in MB, 128..10240. @default 512 */
  readonly memorySize?: number;
  /**
   * Reserved concurrency of the function. Must be >= maxConcurrency when set. Reserving takes
   * capacity away from the rest of the account, so it is off by default.
   * @default none
   */
  readonly reservedConcurrency?: number;
  /** How long OrderQueue keeps a message. @default 4 days */
  readonly queueRetention?: Duration;
  /**
   * How long OrderDLQ keeps a message; must be longer than queueRetention (a standard queue keeps
   * the original enqueue timestamp when a message moves to its DLQ).
   * @default 14 days (the SQS maximum)
   */
  readonly deadLetterQueueRetention?: Duration;
  /**
   * How the function paces the retries of failed records (passed as ORDERS_RETRY_* variables):
   * poison comes back at once, other failures back off by receive count. Any option left out keeps
   * core's default (1 min, then ×60, capped, +20 % jitter).
   */
  readonly retryPacing?: Partial<RetryPacingOptions>;
  /**
   * Alarm when the oldest message in OrderQueue is at least this old. Must be shorter than the
   * outage the retry pacing survives (the shortest span of a message's receives), so it fires
   * before a valid message can reach the DLQ.
   * @default the smaller of maxReceiveCount x visibility timeout + 60 s (600 s: a poison message's
   *   longest legitimate life) and half the survivable outage.
   */
  readonly oldestMessageAgeAlarmThreshold?: Duration;
  /**
   * Alarm when at least this many records fail for a transient reason within 5 minutes (a
   * throttling spike or a flaky dependency; systemic failures alarm on the first one).
   * @default 25
   */
  readonly transientFailureAlarmThreshold?: number;
  /** Retention of the function's log group. @default one month */
  readonly logRetention?: logs.RetentionDays;
  /** Application log level (Lambda advanced logging controls + LOG_LEVEL). @default 'INFO' */
  readonly logLevel?: LogLevel;
  /**
   * Ship `index.mjs.map` in the asset and set NODE_OPTIONS=--enable-source-maps. Off by default:
   * with the flag, Node loads and parses the map (about 6x the size of the bundle) at cold start
   * and maps every Error.stack it builds, which slows start-up and error paths on every invocation;
   * without the flag the map would be dead weight in the package. Our errors are structured (name,
   * stable code, cause), and a minified position `index.mjs:1:N` can be resolved offline with the
   * map of the same build. Turn it on temporarily when you need readable stack traces in the logs.
   * @default false
   */
  readonly sourceMaps?: boolean;
  /** Directory holding the bundle `pnpm build` produced. @default packages/lambda-entry/dist */
  readonly bundleDirectory?: string;
  /**
   * ARN of an existing SNS topic notified when an alarm fires or recovers. CloudWatch can only
   * publish to it if it is unencrypted or encrypted with a customer-managed key whose policy admits
   * cloudwatch.amazonaws.com: not with alias/aws/sns.
   * @default none (the alarms are visible in the console, nobody is notified)
   */
  readonly alarmTopicArn?: string;
  /**
   * Key that encrypts OrderTopic. @default the AWS managed key alias/aws/sns (see the comment in
   * the constructor for when a customer-managed key is needed instead).
   */
  readonly topicEncryptionKey?: kms.IKey;
}

export const DEFAULTS = {
  batchSize: 10,
  maxBatchingWindow: Duration.seconds(0),
  maxConcurrency: 10,
  maxReceiveCount: 3,
  functionTimeout: Duration.seconds(30),
  memorySize: 512,
  queueRetention: Duration.days(4),
  deadLetterQueueRetention: Duration.days(14),
  logRetention: logs.RetentionDays.ONE_MONTH,
  logLevel: 'INFO' as LogLevel,
  sourceMaps: false,
  transientFailureAlarmThreshold: 25,
} as const;

/** The namespace and service dimension of the function's EMF metrics (Powertools). */
export const METRICS = { namespace: 'OrderProcessing', service: 'OrderProcessor' } as const;

/** Lambda's rule for SQS event sources: visibility timeout >= 6 x function timeout + batching window. */
export function minimumVisibilityTimeout(functionTimeout: Duration, maxBatchingWindow: Duration): Duration {
  return Duration.seconds(6 * functionTimeout.toSeconds() + maxBatchingWindow.toSeconds());
}

export class OrderProcessingStack extends Stack {
  readonly names: ResourceNames;
  readonly table: dynamodb.Table;
  readonly topic: sns.Topic;
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly function: lambda.Function;
  readonly logGroup: logs.LogGroup;
  readonly subscriptionDeadLetterQueue: sqs.Queue;
  readonly visibilityTimeout: Duration;
  readonly oldestMessageAgeAlarmThreshold: Duration;
  /** The retry pacing the function gets, and the outage it survives without dead-lettering a valid message. */
  readonly retryPacing: RetryPacingOptions;
  readonly survivableOutage: Duration;
  readonly alarms: {
    readonly deadLetterQueueMessagesVisible: cloudwatch.Alarm;
    readonly subscriptionDeadLetterQueueMessagesVisible: cloudwatch.Alarm;
    readonly oldestMessageAge: cloudwatch.Alarm;
    readonly systemicFailures: cloudwatch.Alarm;
    readonly transientFailures: cloudwatch.Alarm;
    readonly functionErrors: cloudwatch.Alarm;
    readonly functionThrottles: cloudwatch.Alarm;
  };

  constructor(scope: Construct, id: string, props: OrderProcessingStackProps = {}) {
    super(scope, id, props);
    this.names = resourceNames(props.naming);
    const names = this.names;

    const batchSize = integerIn('batchSize', props.batchSize ?? DEFAULTS.batchSize, 1, 10_000);
    const windowSeconds = wholeSecondsIn(
      'maxBatchingWindow',
      props.maxBatchingWindow ?? DEFAULTS.maxBatchingWindow,
      0,
      300,
    );
    if (batchSize > 10 && windowSeconds < 1) {
      throw new Error(`batchSize ${batchSize} > 10 requires a maxBatchingWindow of at least 1 second (Lambda rule).`);
    }
    const maxConcurrency = integerIn('maxConcurrency', props.maxConcurrency ?? DEFAULTS.maxConcurrency, 2, 1000);
    const maxReceiveCount = integerIn('maxReceiveCount', props.maxReceiveCount ?? DEFAULTS.maxReceiveCount, 1, 1000);
    const timeoutSeconds = wholeSecondsIn('functionTimeout', props.functionTimeout ?? DEFAULTS.functionTimeout, 1, 900);
    const memorySize = integerIn('memorySize', props.memorySize ?? DEFAULTS.memorySize, 128, 10_240);
    if (props.reservedConcurrency !== undefined) {
      integerIn('reservedConcurrency', props.reservedConcurrency, maxConcurrency, 10_000);
    }
    const retentionSeconds = wholeSecondsIn(
      'queueRetention',
      props.queueRetention ?? DEFAULTS.queueRetention,
      60,
      1_209_600,
    );
    const dlqRetentionSeconds = wholeSecondsIn(
      'deadLetterQueueRetention',
      props.deadLetterQueueRetention ?? DEFAULTS.deadLetterQueueRetention,
      60,
      1_209_600,
    );
    if (dlqRetentionSeconds <= retentionSeconds) {
      throw new Error(
        `deadLetterQueueRetention (${dlqRetentionSeconds} s) must be longer than queueRetention (${retentionSeconds} s): ` +
          'a standard queue keeps the original enqueue timestamp when it moves a message to the DLQ.',
      );
    }
    const logLevel = props.logLevel ?? DEFAULTS.logLevel;
    if (!LOG_LEVELS.includes(logLevel)) {
      throw new Error(`logLevel must be one of ${LOG_LEVELS.join(', ')} (got '${String(logLevel)}').`);
    }
    const sourceMaps = props.sourceMaps ?? DEFAULTS.sourceMaps;

    const functionTimeout = Duration.seconds(timeoutSeconds);
    const maxBatchingWindow = Duration.seconds(windowSeconds);
    // SQS's maximum visibility timeout is 12 h; 6 x 900 + 300 s stays far below it.
    this.visibilityTimeout = minimumVisibilityTimeout(functionTimeout, maxBatchingWindow);

    this.retryPacing = { ...DEFAULT_RETRY_PACING, ...props.retryPacing };
    const pacingProblems = retryPacingProblems(this.retryPacing);
    // SQS refuses a visibility timeout reaching past 12 h after the receive; the invocation and its
    // batching window come out of that before the handler sets the delay.
    if (this.retryPacing.maxDelaySeconds + timeoutSeconds + windowSeconds > 43_200) {
      pacingProblems.push(
        `maxDelaySeconds + functionTimeout + maxBatchingWindow must stay within SQS's 43200 s, got ${this.retryPacing.maxDelaySeconds + timeoutSeconds + windowSeconds}`,
      );
    }
    if (pacingProblems.length > 0) throw new Error(`retryPacing is invalid: ${pacingProblems.join('; ')}.`);
    const survivableSeconds = deadLetterTimeline(maxReceiveCount, this.retryPacing).survivableOutageSeconds;
    this.survivableOutage = Duration.seconds(survivableSeconds);

    this.oldestMessageAgeAlarmThreshold =
      props.oldestMessageAgeAlarmThreshold ??
      Duration.seconds(
        Math.max(
          60,
          Math.min(maxReceiveCount * this.visibilityTimeout.toSeconds() + 60, Math.floor(survivableSeconds / 2)),
        ),
      );
    const ageThresholdSeconds = wholeSecondsIn(
      'oldestMessageAgeAlarmThreshold',
      this.oldestMessageAgeAlarmThreshold,
      60,
      retentionSeconds,
    );
    if (maxReceiveCount > 1 && ageThresholdSeconds >= survivableSeconds) {
      throw new Error(
        `oldestMessageAgeAlarmThreshold (${ageThresholdSeconds} s) must be shorter than the ${survivableSeconds} s outage the retry pacing survives, ` +
          'or a valid message could reach the DLQ before the alarm fires.',
      );
    }
    const transientThreshold = integerIn(
      'transientFailureAlarmThreshold',
      props.transientFailureAlarmThreshold ?? DEFAULTS.transientFailureAlarmThreshold,
      1,
      1_000_000,
    );

    // ---- Table ------------------------------------------------------------------------------
    // Encryption: the AWS managed key aws/dynamodb (not the default AWS owned key) so every use of
    // the key shows up in CloudTrail, with no key policy to maintain and no monthly key fee.
    // Callers in the account need no kms: permission: the managed key's policy admits them when
    // they go through DynamoDB.
    this.table = new dynamodb.Table(this, 'Orders', {
      tableName: names.table,
      partitionKey: { name: 'orderId', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      // Orders outlive the stack: deleting the stack leaves the table; deleting the table by hand
      // requires turning deletion protection off first.
      removalPolicy: RemovalPolicy.RETAIN,
      deletionProtection: true,
    });

    // ---- Queues -----------------------------------------------------------------------------
    // Encryption: SSE-SQS (SQS managed keys). With SSE-KMS, SNS would need kms:GenerateDataKey and
    // kms:Decrypt on the queue's key, which the AWS managed key alias/aws/sqs cannot grant (its key
    // policy is fixed), so SSE-KMS would mean a customer-managed key ($1/month + requests) with a key
    // policy for sns.amazonaws.com. SSE-SQS encrypts at rest just the same, works with SNS delivery
    // and the Lambda poller without any key permission, and costs nothing.
    // enforceSSL: a Deny for any request not made over TLS.
    const queueArnFromName = (queueName: string): string =>
      Stack.of(this).formatArn({ service: 'sqs', resource: queueName });
    this.deadLetterQueue = new sqs.Queue(this, 'OrderDLQ', {
      queueName: names.deadLetterQueue,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.seconds(dlqRetentionSeconds),
      // Dead letters are orders waiting for an operator: they outlive the stack, like the table.
      removalPolicy: RemovalPolicy.RETAIN,
      // Only OrderQueue may use this queue as its dead-letter queue. The ARN is built from the
      // name: referencing the queue resource would create a cycle (it references this queue).
      redriveAllowPolicy: {
        redrivePermission: sqs.RedrivePermission.BY_QUEUE,
        sourceQueues: [sqs.Queue.fromQueueArn(this, 'OrderQueueByName', queueArnFromName(names.queue))],
      },
    });
    this.queue = new sqs.Queue(this, 'OrderQueue', {
      queueName: names.queue,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: this.visibilityTimeout,
      retentionPeriod: Duration.seconds(retentionSeconds),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount },
      // Orders not yet stored must not vanish with the stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Notifications SNS could not deliver to OrderQueue (a broken queue policy or key, a deleted
    // queue) would otherwise be dropped after SNS's retries. Kept, alarmed, and retained.
    this.subscriptionDeadLetterQueue = new sqs.Queue(this, 'OrderSubscriptionDLQ', {
      queueName: names.subscriptionDeadLetterQueue,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.seconds(dlqRetentionSeconds),
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // ---- Topic ------------------------------------------------------------------------------
    // Encryption: SSE-KMS with the AWS managed key alias/aws/sns by default. Producers in this
    // account need only sns:Publish (the managed key's policy admits account principals calling
    // through SNS), SNS decrypts it itself for delivery to the SSE-SQS queue, and there is no key
    // policy with `Resource: "*"` to own. Its limit: the key policy cannot be changed, so
    // publishers that are AWS services (CloudWatch alarms, EventBridge, S3 notifications) or other
    // accounts cannot publish to a topic encrypted with it. If such a producer is needed, pass a
    // customer-managed key (topicEncryptionKey) whose key policy grants that publisher
    // kms:GenerateDataKey* and kms:Decrypt.
    this.topic = new sns.Topic(this, 'OrderTopic', {
      topicName: names.topic,
      masterKey: props.topicEncryptionKey,
      enforceSSL: true,
    });
    if (props.topicEncryptionKey === undefined) {
      // The alias *name*, not the alias ARN that kms.Alias.fromAliasName would put here: SNS
      // creates the AWS managed key on first use only when it is given `alias/aws/sns`; an alias
      // ARN in an account where the key does not exist yet points at nothing (aws/aws-cdk#22605).
      (this.topic.node.defaultChild as sns.CfnTopic).kmsMasterKeyId = 'alias/aws/sns';
    }
    // SNS envelope delivery (raw delivery off): the consumer decodes the SNS envelope and keeps its
    // MessageId. SqsSubscription also writes OrderQueue's policy statement that admits only this
    // topic: Allow sns.amazonaws.com sqs:SendMessage on the queue if aws:SourceArn = the topic; and
    // the same statement on the subscription's dead-letter queue (its redrive policy names it).
    this.topic.addSubscription(
      new SqsSubscription(this.queue, { rawMessageDelivery: false, deadLetterQueue: this.subscriptionDeadLetterQueue }),
    );

    // ---- Function ---------------------------------------------------------------------------
    // An explicit log group: its retention is set, and the function's log permissions are scoped
    // to it (the role does not get AWSLambdaBasicExecutionRole, whose logs:* actions apply to
    // every log group in the account). Deleting the stack deletes the logs; a retained group with
    // this fixed name would block the next deployment of the same stack.
    this.logGroup = new logs.LogGroup(this, 'OrderProcessorLogs', {
      logGroupName: names.logGroup,
      retention: props.logRetention ?? DEFAULTS.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(this, 'OrderProcessorRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${names.function}: write its logs, put items into ${names.table}, consume ${names.queue}.`,
    });
    this.logGroup.grantWrite(role);
    // Only the action the code performs, on the table itself (no index ARNs): a conditional
    // PutItem with ReturnValues / ReturnValuesOnConditionCheckFailure ALL_OLD needs nothing more.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['dynamodb:PutItem'], resources: [this.table.tableArn] }),
    );

    const environment: Record<string, string> = {
      ORDERS_TABLE_NAME: this.table.tableName,
      LOG_LEVEL: logLevel,
      POWERTOOLS_SERVICE_NAME: METRICS.service,
      POWERTOOLS_METRICS_NAMESPACE: METRICS.namespace,
      // The pacing the alarms below are computed from, spelled out so the template says what runs.
      ORDERS_MAX_RECEIVE_COUNT: String(maxReceiveCount),
      ORDERS_RETRY_BASE_DELAY_SECONDS: String(this.retryPacing.baseDelaySeconds),
      ORDERS_RETRY_BACKOFF_FACTOR: String(this.retryPacing.backoffFactor),
      ORDERS_RETRY_MAX_DELAY_SECONDS: String(this.retryPacing.maxDelaySeconds),
      ORDERS_RETRY_JITTER: String(this.retryPacing.jitterRatio),
    };
    if (sourceMaps) {
      environment.NODE_OPTIONS = '--enable-source-maps';
    }
    this.function = new lambda.Function(this, 'OrderProcessor', {
      functionName: names.function,
      description: `Stores orders from ${names.queue} in ${names.table}; reports partial batch failures.`,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: HANDLER,
      code: orderProcessorCode({ directory: props.bundleDirectory, includeSourceMap: sourceMaps }),
      memorySize,
      timeout: functionTimeout,
      role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel[logLevel],
      systemLogLevelV2: lambda.SystemLogLevel.INFO,
      reservedConcurrentExecutions: props.reservedConcurrency,
      environment,
    });
    // Grants exactly sqs:ReceiveMessage, ChangeMessageVisibility, GetQueueUrl, DeleteMessage and
    // GetQueueAttributes on OrderQueue (no kms: statement: the queue uses SSE-SQS).
    // ChangeMessageVisibility also covers the handler's ChangeMessageVisibilityBatch (paced retries).
    this.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize,
        maxBatchingWindow,
        maxConcurrency,
        reportBatchItemFailures: true,
      }),
    );

    // ---- Alarms -----------------------------------------------------------------------------
    const minute = Duration.minutes(1);
    const alarmTopic =
      props.alarmTopicArn === undefined ? undefined : sns.Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn);
    const alarm = (id: string, alarmProps: cloudwatch.AlarmProps): cloudwatch.Alarm => {
      const created = new cloudwatch.Alarm(this, id, alarmProps);
      if (alarmTopic) {
        created.addAlarmAction(new cloudwatchActions.SnsAction(alarmTopic));
        created.addOkAction(new cloudwatchActions.SnsAction(alarmTopic));
      }
      return created;
    };
    this.alarms = {
      deadLetterQueueMessagesVisible: alarm('DeadLetterQueueMessagesVisible', {
        alarmName: `${names.deadLetterQueue}-MessagesVisible`,
        alarmDescription: `Messages in ${names.deadLetterQueue}: orders failed ${maxReceiveCount} times. Inspect, fix, redrive.`,
        metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: minute, statistic: 'Maximum' }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      subscriptionDeadLetterQueueMessagesVisible: alarm('SubscriptionDeadLetterQueueMessagesVisible', {
        alarmName: `${names.subscriptionDeadLetterQueue}-MessagesVisible`,
        alarmDescription: `Orders SNS could not deliver to ${names.queue} (queue policy, key or queue broken). Fix, then send them to ${names.queue}.`,
        metric: this.subscriptionDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: minute,
          statistic: 'Maximum',
        }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      oldestMessageAge: alarm('OldestMessageAge', {
        alarmName: `${names.queue}-OldestMessageAge`,
        alarmDescription: `The oldest message in ${names.queue} is at least ${ageThresholdSeconds} s old: backlog or stalled consumer.`,
        metric: this.queue.metricApproximateAgeOfOldestMessage({ period: minute, statistic: 'Maximum' }),
        threshold: ageThresholdSeconds,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      // The function's own metrics by failure class: they fire within minutes of an outage, long
      // before the pacing lets a valid message reach the DLQ (survivableOutage).
      systemicFailures: alarm('SystemicFailures', {
        alarmName: `${names.function}-SystemicFailures`,
        alarmDescription: `${names.function} records failing for a reason an operator must fix (access denied, missing table, misconfiguration). Valid messages reach ${names.deadLetterQueue} after ${survivableSeconds} s of this.`,
        metric: failureMetric('systemic', minute),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      transientFailures: alarm('TransientFailures', {
        alarmName: `${names.function}-TransientFailures`,
        alarmDescription: `At least ${transientThreshold} ${names.function} records failed for a transient reason (throttling, timeouts, 5xx) in 5 minutes. Valid messages reach ${names.deadLetterQueue} after ${survivableSeconds} s of failures.`,
        metric: failureMetric('transient', Duration.minutes(5)),
        threshold: transientThreshold,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      functionErrors: alarm('FunctionErrors', {
        alarmName: `${names.function}-Errors`,
        alarmDescription: `${names.function} failed invocations: a crash, timeout or out of memory, or a batch whose every record failed for a reason other than poison (an outage).`,
        metric: this.function.metricErrors({ period: minute, statistic: 'Sum' }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      functionThrottles: alarm('FunctionThrottles', {
        alarmName: `${names.function}-Throttles`,
        alarmDescription: `${names.function} invocations throttled (account or reserved concurrency exhausted).`,
        metric: this.function.metricThrottles({ period: minute, statistic: 'Sum' }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    };

    // ---- Outputs ----------------------------------------------------------------------------
    // Plain outputs, no exports: exports are account-wide names too, and nothing imports them.
    const output = (id: string, value: string, description: string): void => {
      new CfnOutput(this, id, { value, description });
    };
    output('TableName', this.table.tableName, 'DynamoDB table of orders');
    output('TableArn', this.table.tableArn, 'DynamoDB table of orders');
    output('TopicName', this.topic.topicName, 'SNS topic producers publish new-order events to');
    output('TopicArn', this.topic.topicArn, 'SNS topic producers publish new-order events to');
    output('QueueName', this.queue.queueName, 'SQS queue the function consumes');
    output('QueueUrl', this.queue.queueUrl, 'SQS queue the function consumes');
    output('QueueArn', this.queue.queueArn, 'SQS queue the function consumes');
    output('DeadLetterQueueName', this.deadLetterQueue.queueName, 'Dead-letter queue of OrderQueue');
    output('DeadLetterQueueUrl', this.deadLetterQueue.queueUrl, 'Dead-letter queue of OrderQueue');
    output('DeadLetterQueueArn', this.deadLetterQueue.queueArn, 'Dead-letter queue of OrderQueue');
    output(
      'SubscriptionDeadLetterQueueUrl',
      this.subscriptionDeadLetterQueue.queueUrl,
      'Notifications SNS could not deliver to OrderQueue',
    );
    output('FunctionName', this.function.functionName, 'The OrderProcessor Lambda function');
    output('FunctionArn', this.function.functionArn, 'The OrderProcessor Lambda function');
    output('LogGroupName', this.logGroup.logGroupName, 'Log group of the OrderProcessor function');
  }
}

/** One of the function's failure-class counts (EMF, Powertools), summed per period. */
function failureMetric(failureClass: 'systemic' | 'transient', period: Duration): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS.namespace,
    metricName: failureClass,
    dimensionsMap: { service: METRICS.service },
    statistic: 'Sum',
    period,
  });
}

function integerIn(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max} (got ${value}).`);
  }
  return value;
}

function wholeSecondsIn(name: string, value: Duration, min: number, max: number): number {
  const seconds = value.toSeconds({ integral: false });
  if (!Number.isInteger(seconds) || seconds < min || seconds > max) {
    throw new Error(`${name} must be a whole number of seconds from ${min} to ${max} (got ${seconds} s).`);
  }
  return seconds;
}
