import { Duration } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { messagesWaitingWithNoTask } from './consumer-metrics';

const MINUTE = Duration.minutes(1);

/** Messages waiting in OrderQueue at which the service adds tasks: +1 from the first, +3 from the second. */
export const DEPTH_SCALE_OUT_STEPS = [100, 1000] as const;
/** Minutes OrderQueue must stay idle (nothing visible, nothing in flight) before one task is removed. */
export const IDLE_QUEUE_MINUTES = 5;
/** The CPU the service keeps its tasks at: the consumer is CPU-bound (the SDK, TLS, signing). */
export const CPU_TARGET_PERCENT = 70;

export interface ConsumerScaling {
  readonly taskCount: ecs.ScalableTaskCount;
  /** Ages (s) of OrderQueue's oldest message at which the service adds 1, then 2 tasks. */
  readonly ageScaleOutSeconds: readonly [number, number];
}

/**
 * Scales the service on OrderQueue, as aws-ecs-patterns' QueueProcessingFargateService does, plus
 * what it cannot add beside its own scalable target: the oldest message's age.
 *
 * - **Depth** (ApproximateNumberOfMessagesVisible, maximum per minute): +1 task from 100 waiting,
 *   +3 from 1,000, every 2 minutes while it lasts (a task starts in about a minute).
 * - **Age** (ApproximateAgeOfOldestMessage): +1 from a quarter of the main stack's age alarm
 *   threshold, +2 from half of it, so capacity is added twice before that alarm fires. Age also
 *   counts messages held by paced retries: during an outage it climbs without more tasks helping;
 *   `maxTasks` bounds that, and the failure alarms say what is wrong.
 * - **Idle queue**: one task fewer after 5 minutes with nothing visible and nothing in flight, one
 *   every 5 minutes. Not "nothing visible" alone: a consumer that keeps up takes each message the
 *   moment it arrives (a long poll is waiting for it), so nothing is ever visible under a steady
 *   inflow, and scaling in on that would shrink a service that is just keeping up.
 * - **CPU** (target tracking at 70 %): a steady inflow that keeps the queue short but the tasks
 *   busy is sized by CPU, in and out (target tracking scales in slowly, over 15 minutes).
 *
 * - **From zero** (with `minTasks` 0 only): a task as soon as a message waits and none runs; the
 *   first answer then takes a few minutes (SQS's per-minute metrics, the alarm, a task start), and
 *   a queue idle for 6 hours stops sending metrics until it is active again (up to 15 minutes).
 *
 * Application Auto Scaling applies whichever policy asks for the most tasks.
 */
export function scaleConsumerService(
  service: ecs.FargateService,
  queue: sqs.IQueue,
  bounds: { readonly minTasks: number; readonly maxTasks: number; readonly oldestMessageAgeAlarmSeconds: number },
): ConsumerScaling {
  const taskCount = service.autoScaleTaskCount({ minCapacity: bounds.minTasks, maxCapacity: bounds.maxTasks });
  const [firstDepth, secondDepth] = DEPTH_SCALE_OUT_STEPS;
  taskCount.scaleOnMetric('QueueDepthScaleOut', {
    metric: queue.metricApproximateNumberOfMessagesVisible({ period: MINUTE, statistic: 'Maximum' }),
    scalingSteps: [
      { upper: firstDepth, change: 0 },
      { lower: firstDepth, change: +1 },
      { lower: secondDepth, change: +3 },
    ],
    adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
    cooldown: Duration.minutes(2),
  });
  const ageScaleOutSeconds: [number, number] = [
    Math.max(60, Math.round(bounds.oldestMessageAgeAlarmSeconds / 4)),
    Math.max(120, Math.round(bounds.oldestMessageAgeAlarmSeconds / 2)),
  ];
  taskCount.scaleOnMetric('OldestMessageAgeScaleOut', {
    metric: queue.metricApproximateAgeOfOldestMessage({ period: MINUTE, statistic: 'Maximum' }),
    scalingSteps: [
      { upper: ageScaleOutSeconds[0], change: 0 },
      { lower: ageScaleOutSeconds[0], change: +1 },
      { lower: ageScaleOutSeconds[1], change: +2 },
    ],
    adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
    cooldown: Duration.minutes(2),
  });
  taskCount.scaleOnMetric('IdleQueueScaleIn', {
    metric: new cloudwatch.MathExpression({
      expression: 'visible + inFlight',
      usingMetrics: {
        visible: queue.metricApproximateNumberOfMessagesVisible({ period: MINUTE, statistic: 'Maximum' }),
        inFlight: queue.metricApproximateNumberOfMessagesNotVisible({ period: MINUTE, statistic: 'Maximum' }),
      },
      label: `Messages in ${queue.queueName}, visible or in flight`,
      period: MINUTE,
    }),
    scalingSteps: [
      { upper: 0, change: -1 },
      { lower: 1, change: 0 },
    ],
    adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
    evaluationPeriods: IDLE_QUEUE_MINUTES,
    datapointsToAlarm: IDLE_QUEUE_MINUTES,
    cooldown: Duration.minutes(IDLE_QUEUE_MINUTES),
  });
  if (bounds.minTasks === 0) {
    // The depth steps start at 100 waiting: a service at zero also starts a task for fewer.
    taskCount.scaleOnMetric('ScaleOutFromZero', {
      metric: messagesWaitingWithNoTask(queue, service),
      scalingSteps: [
        { upper: 0, change: 0 },
        { lower: 1, change: +1 },
      ],
      adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
      cooldown: Duration.minutes(2),
    });
  }
  taskCount.scaleOnCpuUtilization('CpuTracking', {
    targetUtilizationPercent: CPU_TARGET_PERCENT,
    scaleOutCooldown: Duration.minutes(2),
    scaleInCooldown: Duration.minutes(5),
  });
  return { taskCount, ageScaleOutSeconds };
}
