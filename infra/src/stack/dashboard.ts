import { Aws, Duration, Fn } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { ResourceNames } from '../naming';
import type { OrderProcessingAlarms } from './alarms';
import { failedRecordsByCode, type FunctionMetricName, functionMetric } from './function-metrics';
import type { OrderQueues } from './queues';
import type { StackSettings } from './settings';

/** Every graph's period: alarms evaluate per minute, so the graphs show what they saw. */
const PERIOD = Duration.minutes(1);

/** Text replaced by the dashboard's `orderId` input (a CloudWatch pattern variable) in the log query. */
export const ORDER_ID_PATTERN = '__ORDER_ID__';

export interface DashboardResources extends OrderQueues {
  readonly names: ResourceNames;
  readonly topic: sns.Topic;
  readonly function: lambda.Function;
  readonly logGroup: logs.LogGroup;
  readonly table: dynamodb.Table;
  readonly alarms: OrderProcessingAlarms;
}

/**
 * One CloudWatch dashboard for the whole path, top to bottom as an order travels: alarms, then
 * published → processed by outcome → failures by class and code, the queues (backlog, oldest
 * message, both dead-letter queues), the function (duration, concurrency, errors and throttles,
 * batches), DynamoDB's writes, and the log lines of failed records and of one order.
 *
 * Named `<stack>-<region>`: dashboards are global to the account, not regional, and a copy of the
 * stack in another Region must not overwrite this one.
 */
export function createDashboard(
  scope: Construct,
  resources: DashboardResources,
  settings: Pick<StackSettings, 'alarms' | 'eventSource' | 'function' | 'queues'>,
): cloudwatch.Dashboard {
  const { names } = resources;
  const dashboard = new cloudwatch.Dashboard(scope, 'Dashboard', {
    dashboardName: Fn.join('-', [names.stack, Aws.REGION]),
    defaultInterval: Duration.hours(3),
    variables: [
      new cloudwatch.DashboardVariable({
        id: 'orderId',
        label: 'orderId',
        type: cloudwatch.VariableType.PATTERN,
        inputType: cloudwatch.VariableInputType.INPUT,
        value: ORDER_ID_PATTERN,
        visible: true,
      }),
    ],
  });
  dashboard.addWidgets(headerWidget(names, settings.alarms.runbookUrl));
  dashboard.addWidgets(
    new cloudwatch.AlarmStatusWidget({
      title: 'Alarms (each links to its runbook section in its description)',
      alarms: Object.values(resources.alarms),
      width: 24,
      height: 3,
    }),
  );
  dashboard.addWidgets(...flowWidgets(resources));
  dashboard.addWidgets(...queueWidgets(resources, settings));
  dashboard.addWidgets(...functionWidgets(resources, settings));
  dashboard.addWidgets(...tableWidgets(resources));
  dashboard.addWidgets(...logWidgets(resources));
  return dashboard;
}

function headerWidget(names: ResourceNames, runbookUrl: string): cloudwatch.TextWidget {
  // A relative path is no link in the console: it is named, as text, for the repository.
  const runbook = /^https?:\/\//.test(runbookUrl) ? `[the runbook](${runbookUrl})` : `\`${runbookUrl}\` (repository)`;
  return new cloudwatch.TextWidget({
    width: 24,
    height: 3,
    markdown: [
      `# ${names.stack}: SNS ${names.topic} → SQS ${names.queue} → Lambda ${names.function} → DynamoDB ${names.table}`,
      `Created by the CloudFormation stack ${names.stack}: edits made in the console are lost at the next deploy. ` +
        `An alarm fired? Its description links to its section of ${runbook}. ` +
        'One order: type its id into **orderId** above; the bottom-right widget shows its log lines with their `trace_id`.',
    ].join('\n\n'),
  });
}

const graph = (props: cloudwatch.GraphWidgetProps): cloudwatch.GraphWidget =>
  new cloudwatch.GraphWidget({ height: 6, period: PERIOD, ...props });

const sum = (metricName: FunctionMetricName, label?: string): cloudwatch.Metric =>
  functionMetric(metricName, { statistic: 'Sum', period: PERIOD, ...(label === undefined ? {} : { label }) });

/** Published, processed by outcome, failures by class and code. */
function flowWidgets(resources: DashboardResources): cloudwatch.IWidget[] {
  const { topic } = resources;
  const created = sum('created');
  const updated = sum('updated');
  return [
    graph({
      title: `Published to ${resources.names.topic}`,
      width: 8,
      left: [
        topic.metricNumberOfMessagesPublished({ period: PERIOD, statistic: 'Sum', label: 'published' }),
        topic.metricNumberOfNotificationsDelivered({
          period: PERIOD,
          statistic: 'Sum',
          label: 'delivered to the queue',
        }),
        topic.metricNumberOfNotificationsFailed({ period: PERIOD, statistic: 'Sum', label: 'delivery failed' }),
      ],
    }),
    graph({
      title: 'Processed by outcome (records per minute)',
      width: 8,
      stacked: true,
      left: [
        new cloudwatch.MathExpression({
          expression: 'created + updated',
          usingMetrics: { created, updated },
          label: 'stored (created + updated)',
          period: PERIOD,
        }),
        sum('duplicate'),
        sum('stale'),
        sum('conflict', 'conflict (lost a tie)'),
        sum('invalid', 'invalid (poison)'),
        sum('failed', 'failed (retried)'),
        sum('deferred', 'deferred (FIFO, untried)'),
      ],
    }),
    graph({
      title: 'Failures by class, and by class and code',
      width: 8,
      left: [sum('systemic'), sum('transient'), sum('invalid', 'invalid (poison)'), failedRecordsByCode(PERIOD)],
    }),
  ];
}

/** OrderQueue's backlog and oldest message; both dead-letter queues' depths and OrderDLQ's oldest. */
function queueWidgets(
  resources: DashboardResources,
  settings: Pick<StackSettings, 'alarms' | 'queues'>,
): cloudwatch.IWidget[] {
  const { names, queue, deadLetterQueue, subscriptionDeadLetterQueue } = resources;
  const max = { period: PERIOD, statistic: 'Maximum' } as const;
  return [
    graph({
      title: `${names.queue} backlog`,
      width: 6,
      left: [
        queue.metricApproximateNumberOfMessagesVisible({ ...max, label: 'visible' }),
        queue.metricApproximateNumberOfMessagesNotVisible({ ...max, label: 'in flight or paced' }),
      ],
    }),
    graph({
      title: `${names.queue} oldest message age (s)`,
      width: 6,
      left: [queue.metricApproximateAgeOfOldestMessage({ ...max, label: 'oldest message' })],
      leftAnnotations: [{ value: settings.alarms.oldestMessageAgeThreshold.toSeconds(), label: 'alarm threshold' }],
    }),
    graph({
      title: 'Dead-letter queue depths',
      width: 6,
      left: [
        deadLetterQueue.metricApproximateNumberOfMessagesVisible({ ...max, label: names.deadLetterQueue }),
        subscriptionDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
          ...max,
          label: names.subscriptionDeadLetterQueue,
        }),
      ],
    }),
    graph({
      title: `${names.deadLetterQueue} oldest message age (s)`,
      width: 6,
      left: [deadLetterQueue.metricApproximateAgeOfOldestMessage({ ...max, label: 'oldest dead letter' })],
      // A moved message keeps its first enqueue time: past the DLQ's retention it is deleted.
      leftAnnotations: [{ value: settings.queues.deadLetterRetention.toSeconds(), label: 'deleted (retention)' }],
    }),
  ];
}

/** Duration p50/p99, concurrency, invocations/errors/throttles, batch sizes. */
function functionWidgets(
  resources: DashboardResources,
  settings: Pick<StackSettings, 'eventSource' | 'function'>,
): cloudwatch.IWidget[] {
  const fn = resources.function;
  const reserved = settings.function.reservedConcurrency;
  return [
    graph({
      title: 'Duration (ms): invocation and batch, p50 and p99',
      width: 6,
      left: [
        fn.metricDuration({ period: PERIOD, statistic: 'p50', label: 'invocation p50' }),
        fn.metricDuration({ period: PERIOD, statistic: 'p99', label: 'invocation p99' }),
        functionMetric('batchDuration', { period: PERIOD, statistic: 'p50', label: 'batch p50' }),
        functionMetric('batchDuration', { period: PERIOD, statistic: 'p99', label: 'batch p99' }),
      ],
      leftAnnotations: [{ value: settings.function.timeout.toMilliseconds(), label: 'timeout' }],
    }),
    graph({
      title: 'Concurrent executions',
      width: 6,
      left: [fn.metric('ConcurrentExecutions', { period: PERIOD, statistic: 'Maximum', label: 'concurrent' })],
      leftAnnotations: [
        { value: settings.eventSource.maxConcurrency, label: 'event source maximum' },
        ...(reserved === undefined || reserved === settings.eventSource.maxConcurrency
          ? []
          : [{ value: reserved, label: 'reserved' }]),
      ],
    }),
    graph({
      title: 'Invocations, errors, throttles',
      width: 6,
      left: [
        fn.metricInvocations({ period: PERIOD, statistic: 'Sum', label: 'invocations' }),
        fn.metricErrors({ period: PERIOD, statistic: 'Sum', label: 'errors' }),
        fn.metricThrottles({ period: PERIOD, statistic: 'Sum', label: 'throttles' }),
      ],
    }),
    graph({
      title: 'Records per batch',
      width: 6,
      left: [
        functionMetric('batchSize', { period: PERIOD, statistic: 'Average', label: 'average' }),
        functionMetric('batchSize', { period: PERIOD, statistic: 'Maximum', label: 'largest' }),
      ],
      leftAnnotations: [{ value: settings.eventSource.batchSize, label: 'batch size' }],
    }),
  ];
}

/** Consumed and throttled writes (the table's side, and the function's throttled saves), PutItem latency. */
function tableWidgets(resources: DashboardResources): cloudwatch.IWidget[] {
  const { table, names } = resources;
  const putItem = { TableName: table.tableName, Operation: 'PutItem' };
  return [
    graph({
      title: `${names.table} consumed write capacity (units per minute)`,
      width: 8,
      left: [table.metricConsumedWriteCapacityUnits({ period: PERIOD, statistic: 'Sum', label: 'consumed WCU' })],
    }),
    graph({
      title: `${names.table} throttled writes`,
      width: 8,
      left: [
        table.metric('WriteThrottleEvents', { period: PERIOD, statistic: 'Sum', label: 'write throttle events' }),
        table.metric('ThrottledRequests', {
          period: PERIOD,
          statistic: 'Sum',
          dimensionsMap: putItem,
          label: 'throttled PutItem requests',
        }),
        sum('throttledSaves', 'saves throttled on some attempt (function)'),
      ],
    }),
    graph({
      title: `${names.table} PutItem latency (ms)`,
      width: 8,
      left: [
        table.metric('SuccessfulRequestLatency', {
          period: PERIOD,
          statistic: 'p50',
          dimensionsMap: putItem,
          label: 'p50',
        }),
        table.metric('SuccessfulRequestLatency', {
          period: PERIOD,
          statistic: 'p99',
          dimensionsMap: putItem,
          label: 'p99',
        }),
      ],
    }),
  ];
}

/** The log lines of failed and rejected records, and every line of one order (the orderId input). */
function logWidgets(resources: DashboardResources): cloudwatch.IWidget[] {
  const logGroupNames = [resources.logGroup.logGroupName];
  return [
    new cloudwatch.LogQueryWidget({
      title: 'Failed, rejected and conflicting records (latest 100)',
      width: 12,
      height: 8,
      logGroupNames,
      view: cloudwatch.LogQueryVisualizationType.TABLE,
      queryLines: [
        'fields @timestamp, outcome, failureClass, errorCode, orderId, messageId, receiveCount, trace_id',
        'filter outcome in ["failed", "invalid", "conflict"]',
        'sort @timestamp desc',
        'limit 100',
      ],
    }),
    new cloudwatch.LogQueryWidget({
      title: 'One order: every line for the orderId typed above, oldest first',
      width: 12,
      height: 8,
      logGroupNames,
      view: cloudwatch.LogQueryVisualizationType.TABLE,
      queryLines: [
        'fields @timestamp, message, outcome, errorCode, messageId, receiveCount, trace_id, span_id, function_request_id',
        `filter orderId = "${ORDER_ID_PATTERN}"`,
        'sort @timestamp asc',
        'limit 200',
      ],
    }),
  ];
}
