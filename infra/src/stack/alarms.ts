import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { BASE_NAMES, type ResourceNames } from '../naming';
import { functionMetric } from './function-metrics';
import type { OrderQueues } from './queues';
import { runbookAlarm } from './runbook-alarm';
import type { StackSettings } from './settings';

export interface OrderProcessingAlarms {
  readonly deadLetterQueueMessagesVisible: cloudwatch.Alarm;
  readonly subscriptionDeadLetterQueueMessagesVisible: cloudwatch.Alarm;
  readonly oldestMessageAge: cloudwatch.Alarm;
  readonly systemicFailures: cloudwatch.Alarm;
  readonly transientFailures: cloudwatch.Alarm;
  readonly functionErrors: cloudwatch.Alarm;
  readonly functionThrottles: cloudwatch.Alarm;
}

/** The resources an alarm is named after. */
type AlarmedResource = 'deadLetterQueue' | 'subscriptionDeadLetterQueue' | 'queue' | 'function';

/** What an alarm watches and when it fires; the rest is the same for every alarm of the stack. */
type AlarmSpec = Pick<cloudwatch.AlarmProps, 'metric' | 'threshold' | 'comparisonOperator'> & {
  /** Named `<resource's name>-<suffix>` (e.g. `OrderDLQ-MessagesVisible`). */
  readonly name: readonly [AlarmedResource, string];
  /** What it means; the link to its runbook section is appended. */
  readonly description: string;
  /** Consecutive breaching periods before it fires. @default 1 */
  readonly periods?: number;
};

const MINUTE = Duration.minutes(1);

/** Fires on any value above 0 (a dead-letter queue that holds anything). */
const aboveZero = { threshold: 0, comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD } as const;

/** Fires when the value reaches `threshold`. */
const atLeast = (threshold: number) =>
  ({ threshold, comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD }) as const;

/**
 * The stack's alarms: either dead-letter queue not empty, OrderQueue's oldest message too old, the
 * function's failures by class, its errors and its throttles. Each fires on one breaching period
 * (no data, i.e. no traffic, is not a breach) — the throttles alarm of a function without reserved
 * concurrency on a few consecutive ones — and notifies the alarm topic, when there is one, on
 * firing and on recovery.
 */
export function createAlarms(
  scope: Construct,
  resources: { readonly names: ResourceNames; readonly queues: OrderQueues; readonly function: lambda.Function },
  settings: Pick<StackSettings, 'alarms' | 'queues' | 'retry' | 'function' | 'eventSource'>,
): OrderProcessingAlarms {
  const { names, queues, function: fn } = resources;
  const { maxReceiveCount } = settings.queues;
  const survivableSeconds = settings.retry.survivableOutageSeconds;
  const ageThresholdSeconds = settings.alarms.oldestMessageAgeThreshold.toSeconds();
  const transientThreshold = settings.alarms.transientFailureThreshold;
  const alarm = alarmFactory(scope, names, settings.alarms);
  return {
    deadLetterQueueMessagesVisible: alarm('DeadLetterQueueMessagesVisible', {
      name: ['deadLetterQueue', 'MessagesVisible'],
      description: `Messages in ${names.deadLetterQueue}: orders failed ${maxReceiveCount} times. Inspect, fix, redrive.`,
      metric: queues.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: MINUTE, statistic: 'Maximum' }),
      ...aboveZero,
    }),
    subscriptionDeadLetterQueueMessagesVisible: alarm('SubscriptionDeadLetterQueueMessagesVisible', {
      name: ['subscriptionDeadLetterQueue', 'MessagesVisible'],
      description: `Orders SNS could not deliver to ${names.queue} (queue policy, key or queue broken). Fix, then send them to ${names.queue}.`,
      metric: queues.subscriptionDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: MINUTE,
        statistic: 'Maximum',
      }),
      ...aboveZero,
    }),
    oldestMessageAge: alarm('OldestMessageAge', {
      name: ['queue', 'OldestMessageAge'],
      description: `The oldest message in ${names.queue} is at least ${ageThresholdSeconds} s old: backlog or stalled consumer.`,
      metric: queues.queue.metricApproximateAgeOfOldestMessage({ period: MINUTE, statistic: 'Maximum' }),
      ...atLeast(ageThresholdSeconds),
    }),
    // The function's own metrics by failure class: they fire within minutes of an outage, long
    // before the pacing lets a valid message reach the DLQ (survivableOutage).
    systemicFailures: alarm('SystemicFailures', {
      name: ['function', 'SystemicFailures'],
      description: `${names.function} records failing for a reason an operator must fix (access denied, missing table, misconfiguration). Valid messages reach ${names.deadLetterQueue} after ${survivableSeconds} s of this.`,
      metric: failureMetric('systemic', MINUTE),
      ...atLeast(1),
    }),
    transientFailures: alarm('TransientFailures', {
      name: ['function', 'TransientFailures'],
      description: `At least ${transientThreshold} ${names.function} records failed for a transient reason (throttling, timeouts, 5xx) in 5 minutes. Valid messages reach ${names.deadLetterQueue} after ${survivableSeconds} s of failures.`,
      metric: failureMetric('transient', Duration.minutes(5)),
      ...atLeast(transientThreshold),
    }),
    functionErrors: alarm('FunctionErrors', {
      name: ['function', 'Errors'],
      description: `${names.function} failed invocations: a crash, timeout or out of memory, or a batch whose every record failed for a reason other than poison (an outage).`,
      metric: fn.metricErrors({ period: MINUTE, statistic: 'Sum' }),
      ...atLeast(1),
    }),
    // A throttled invocation never runs the handler: its batch spends a receive per visibility
    // timeout without the pacing (ADR 6). With reserved concurrency >= MaximumConcurrency nothing
    // should throttle, so any throttle fires; without it, N consecutive throttled minutes, with
    // N x 60 s below the time to a throttled message's last receive (settings, concurrency.ts).
    functionThrottles: alarm('FunctionThrottles', {
      name: ['function', 'Throttles'],
      description: throttlesDescription(names, settings),
      metric: fn.metricThrottles({ period: MINUTE, statistic: 'Sum' }),
      ...atLeast(1),
      periods: settings.alarms.throttleMinutes,
    }),
  };
}

/**
 * Creates alarms that fire on one breaching period, notify the alarm topic (if any) on firing and
 * recovery, and link to their runbook section: the heading named after the alarm with the stack's
 * default names (`OrderDLQ-MessagesVisible`), whatever prefix or suffix this copy adds.
 */
function alarmFactory(
  scope: Construct,
  names: ResourceNames,
  settings: Pick<StackSettings['alarms'], 'topicArn' | 'runbookUrl'>,
): (id: string, spec: AlarmSpec) => cloudwatch.Alarm {
  const { topicArn, runbookUrl } = settings;
  const topic = topicArn === undefined ? undefined : sns.Topic.fromTopicArn(scope, 'AlarmTopic', topicArn);
  return (id, { name: [resource, suffix], ...spec }) =>
    runbookAlarm(scope, id, {
      ...spec,
      alarmName: `${names[resource]}-${suffix}`,
      runbook: { url: runbookUrl, section: `${BASE_NAMES[resource]}-${suffix}` },
      ...(topic === undefined ? {} : { topic }),
    });
}

/** One of the function's failure-class counts (EMF, Powertools), summed per period. */
function failureMetric(failureClass: 'systemic' | 'transient', period: Duration): cloudwatch.Metric {
  return functionMetric(failureClass, { statistic: 'Sum', period });
}

/** What a throttle means for this stack's settings, and how long the operator has. */
function throttlesDescription(
  names: ResourceNames,
  settings: Pick<StackSettings, 'alarms' | 'queues' | 'function' | 'eventSource'>,
): string {
  const reserved = settings.function.reservedConcurrency;
  const lastReceive = settings.alarms.throttledLastReceiveSeconds;
  const dlq = names.deadLetterQueue;
  const cost = `Each throttled batch comes back after the ${settings.queues.visibilityTimeout.toSeconds()} s visibility timeout with a receive spent and no paced retry: a message throttled on every receive has its last one ${lastReceive} s after its first, then goes to ${dlq}.`;
  if (reserved !== undefined) {
    return `${names.function} throttled although its reserved concurrency (${reserved}) covers the event source's MaximumConcurrency (${settings.eventSource.maxConcurrency}): one of them was changed outside the stack. ${cost}`;
  }
  const minutes = settings.alarms.throttleMinutes;
  return `${names.function} throttled in ${minutes} consecutive minute(s): it has no reserved concurrency (reservedConcurrency none) and the account's unreserved pool is used up. ${cost} Free concurrency or disable the event source mapping now.`;
}
