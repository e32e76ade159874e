import { Annotations, Duration, Stack } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { RetryPacingOptions } from '@orders/core';
import type { Construct } from 'constructs';
import { type ResourceNames, resourceNames } from './naming';
import { createAlarms, type OrderProcessingAlarms } from './stack/alarms';
import { sharedConcurrencyWarning } from './stack/concurrency';
import { createDashboard } from './stack/dashboard';
import { createOrderProcessor } from './stack/order-processor';
import { addOutputs } from './stack/outputs';
import type { OrderProcessingStackProps } from './stack/props';
import { createOrderQueues } from './stack/queues';
import { resolveStackSettings } from './stack/settings';
import { createOrdersTable } from './stack/table';
import { createOrderTopic } from './stack/topic';

export type { OrderProcessingStackProps } from './stack/props';

/**
 * The whole system in one stack: SNS OrderTopic → SQS OrderQueue (+ OrderDLQ) → Lambda
 * OrderProcessor → DynamoDB Orders, with the subscription's dead-letter queue, alarms, a dashboard
 * and outputs.
 * The constructor validates the props first (nothing is created when one is wrong), then builds
 * one concern at a time; each step lives in `stack/`.
 */
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
  readonly alarms: OrderProcessingAlarms;
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: OrderProcessingStackProps = {}) {
    super(scope, id, props);
    this.names = resourceNames(props.naming);
    const settings = resolveStackSettings(props);
    this.visibilityTimeout = settings.queues.visibilityTimeout;
    this.retryPacing = settings.retry.pacing;
    this.survivableOutage = Duration.seconds(settings.retry.survivableOutageSeconds);
    this.oldestMessageAgeAlarmThreshold = settings.alarms.oldestMessageAgeThreshold;

    this.table = createOrdersTable(this, this.names);
    const queues = createOrderQueues(this, this.names, settings.queues);
    this.queue = queues.queue;
    this.deadLetterQueue = queues.deadLetterQueue;
    this.subscriptionDeadLetterQueue = queues.subscriptionDeadLetterQueue;
    this.topic = createOrderTopic(this, this.names, queues, {
      encryptionKey: settings.topicEncryptionKey,
      activeTracing: settings.tracing.topicActiveTracing,
    });
    const processor = createOrderProcessor(this, { names: this.names, table: this.table, queue: this.queue }, settings);
    this.function = processor.function;
    this.logGroup = processor.logGroup;
    this.alarms = createAlarms(this, { names: this.names, queues, function: this.function }, settings);
    if (settings.function.reservedConcurrency === undefined) {
      // Opted out of reserving (ADR 6): accepted, with the risk named where `cdk deploy` and
      // `pnpm synth` print it.
      Annotations.of(this.function).addWarningV2(
        '@orders/infra:noReservedConcurrency',
        sharedConcurrencyWarning({
          maxReceiveCount: settings.queues.maxReceiveCount,
          visibilityTimeoutSeconds: settings.queues.visibilityTimeout.toSeconds(),
          throttleAlarmMinutes: settings.alarms.throttleMinutes,
          throttledLastReceiveSeconds: settings.alarms.throttledLastReceiveSeconds,
        }),
      );
    }
    this.dashboard = createDashboard(
      this,
      { names: this.names, ...queues, topic: this.topic, table: this.table, ...processor, alarms: this.alarms },
      settings,
    );
    addOutputs(this, { ...queues, table: this.table, topic: this.topic, ...processor });
  }
}
