import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { ResourceNames } from '../naming';
import { runbookAlarm } from '../stack/runbook-alarm';
import { messagesWaitingWithNoTask } from './consumer-metrics';
import { CONSUMER_BASE_NAMES, type ConsumerServiceNames } from './consumer-service-names';

export interface ConsumerAlarms {
  readonly noRunningTask: cloudwatch.Alarm;
  readonly systemicFailures: cloudwatch.Alarm;
  readonly transientFailures: cloudwatch.Alarm;
}

export interface ConsumerAlarmSettings {
  readonly transientFailureThreshold: number;
  readonly survivableOutageSeconds: number;
  readonly topicArn: string | undefined;
  readonly runbookUrl: string;
}

/** Minutes messages may wait with no task running before NoRunningTask fires (a start from zero takes 2–3). */
export const NO_RUNNING_TASK_MINUTES = 5;
/** Where the log-derived failure counts go: the function's namespace, a metric per service. */
export const CONSUMER_METRICS_NAMESPACE = 'OrderProcessing';

const MINUTE = Duration.minutes(1);

/**
 * The service's alarms, in the main stack's style (one breaching period unless said otherwise, no
 * data is not a breach, the alarm topic told on firing and on recovery, a link to the runbook's
 * section named after the alarm). OrderQueue's age and the dead-letter queues are alarmed by the
 * main stack, whichever consumer runs: not again here.
 *
 * - **NoRunningTask**: messages wait and no task runs, 5 minutes in a row — the service cannot
 *   start (image pull, a crash at start, the role) or was scaled to zero and is not coming back.
 * - **SystemicFailures / TransientFailures**: the function's failure-class alarms, from the
 *   consumer's log lines (`order message failed` carries `failureClass`), counted by metric filters.
 */
export function createConsumerAlarms(
  scope: Construct,
  resources: {
    readonly names: ResourceNames;
    readonly consumerNames: ConsumerServiceNames;
    readonly queue: sqs.IQueue;
    readonly service: ecs.FargateService;
    readonly logGroup: logs.LogGroup;
  },
  settings: ConsumerAlarmSettings,
): ConsumerAlarms {
  const { names, consumerNames, queue, service, logGroup } = resources;
  const alarm = alarmFactory(scope, consumerNames, settings);
  const failures = (failureClass: 'systemic' | 'transient', period: Duration): cloudwatch.Metric =>
    failureCountFromLogs(scope, logGroup, consumerNames, failureClass).with({ period, statistic: 'Sum' });
  const survivable = settings.survivableOutageSeconds;
  return {
    noRunningTask: alarm('NoRunningTask', {
      suffix: 'NoRunningTask',
      description: `Messages wait in ${names.queue} and no ${consumerNames.service} task has run for ${NO_RUNNING_TASK_MINUTES} minutes: the service cannot start tasks (image, role, crash at start) or does not scale out from zero.`,
      metric: messagesWaitingWithNoTask(queue, service),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      periods: NO_RUNNING_TASK_MINUTES,
    }),
    systemicFailures: alarm('SystemicFailures', {
      suffix: 'SystemicFailures',
      description: `${consumerNames.service} records failing for a reason an operator must fix (access denied, missing table, misconfiguration). Valid messages reach ${names.deadLetterQueue} after ${survivable} s of this.`,
      metric: failures('systemic', MINUTE),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    }),
    transientFailures: alarm('TransientFailures', {
      suffix: 'TransientFailures',
      description: `At least ${settings.transientFailureThreshold} ${consumerNames.service} records failed for a transient reason (throttling, timeouts, 5xx) in 5 minutes. Valid messages reach ${names.deadLetterQueue} after ${survivable} s of failures.`,
      metric: failures('transient', Duration.minutes(5)),
      threshold: settings.transientFailureThreshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    }),
  };
}

type AlarmSpec = Pick<cloudwatch.AlarmProps, 'metric' | 'threshold' | 'comparisonOperator'> & {
  /** Named `<service>-<suffix>`; its runbook section `OrderConsumer-<suffix>`. */
  readonly suffix: string;
  readonly description: string;
  /** Consecutive breaching periods before it fires. @default 1 */
  readonly periods?: number;
};

function alarmFactory(
  scope: Construct,
  consumerNames: ConsumerServiceNames,
  settings: Pick<ConsumerAlarmSettings, 'topicArn' | 'runbookUrl'>,
): (id: string, spec: AlarmSpec) => cloudwatch.Alarm {
  const topic =
    settings.topicArn === undefined ? undefined : sns.Topic.fromTopicArn(scope, 'AlarmTopic', settings.topicArn);
  return (id, { suffix, ...spec }) =>
    runbookAlarm(scope, id, {
      ...spec,
      alarmName: `${consumerNames.service}-${suffix}`,
      runbook: { url: settings.runbookUrl, section: `${CONSUMER_BASE_NAMES.service}-${suffix}` },
      ...(topic === undefined ? {} : { topic }),
    });
}

/** A count of the consumer's `order message failed` lines of one failure class (a metric filter on its log group). */
function failureCountFromLogs(
  scope: Construct,
  logGroup: logs.LogGroup,
  consumerNames: ConsumerServiceNames,
  failureClass: 'systemic' | 'transient',
): cloudwatch.Metric {
  const filter = new logs.MetricFilter(
    scope,
    `${failureClass === 'systemic' ? 'Systemic' : 'Transient'}FailureFilter`,
    {
      logGroup,
      filterPattern: logs.FilterPattern.stringValue('$.failureClass', '=', failureClass),
      metricNamespace: CONSUMER_METRICS_NAMESPACE,
      metricName: `${consumerNames.service}-${failureClass}`,
      metricValue: '1',
      unit: cloudwatch.Unit.COUNT,
    },
  );
  return filter.metric();
}
