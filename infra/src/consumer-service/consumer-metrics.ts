import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';

/**
 * 1 in each minute when OrderQueue has messages waiting and the service runs no task, else 0. ECS
 * publishes a service's CPU only while one of its tasks runs, so no CPU sample means no task
 * (the AWS/ECS namespace has no running-task count without Container Insights, which costs extra).
 * What NoRunningTask alarms on, and what scales a service at zero tasks back out.
 */
export function messagesWaitingWithNoTask(queue: sqs.IQueue, service: ecs.FargateService): cloudwatch.MathExpression {
  const minute = Duration.minutes(1);
  return new cloudwatch.MathExpression({
    expression: 'IF(FILL(visible, 0) > 0 AND FILL(tasks, 0) == 0, 1, 0)',
    usingMetrics: {
      visible: queue.metricApproximateNumberOfMessagesVisible({ period: minute, statistic: 'Maximum' }),
      tasks: service.metricCpuUtilization({ period: minute, statistic: 'SampleCount' }),
    },
    label: `Messages waiting in ${queue.queueName} with no task running`,
    period: minute,
  });
}
