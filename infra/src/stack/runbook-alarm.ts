import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { alarmDescriptionWithRunbook } from './runbook';

export interface RunbookAlarmProps extends Pick<cloudwatch.AlarmProps, 'metric' | 'threshold' | 'comparisonOperator'> {
  readonly alarmName: string;
  /** What it means; the link to its runbook section is appended. */
  readonly description: string;
  /** The runbook: its URL and the section, named after the alarm with the default resource names. */
  readonly runbook: { readonly url: string; readonly section: string };
  /** Consecutive breaching periods before it fires. @default 1 */
  readonly periods?: number;
  /** Told when the alarm fires and when it recovers. */
  readonly topic?: sns.ITopic;
}

/**
 * An alarm as every stack of this project makes one: N out of N periods, missing data not breaching
 * (an idle queue or function is not an incident), the alarm topic told on firing and on recovery,
 * and a description that ends with its runbook link.
 */
export function runbookAlarm(scope: Construct, id: string, props: RunbookAlarmProps): cloudwatch.Alarm {
  const { alarmName, description, runbook, periods = 1, topic, ...spec } = props;
  const alarm = new cloudwatch.Alarm(scope, id, {
    ...spec,
    alarmName,
    alarmDescription: alarmDescriptionWithRunbook(description, runbook),
    evaluationPeriods: periods,
    // Every period of the window must breach (N out of N), not any N of a longer window.
    ...(periods > 1 ? { datapointsToAlarm: periods } : {}),
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  if (topic) {
    alarm.addAlarmAction(new cloudwatchActions.SnsAction(topic));
    alarm.addOkAction(new cloudwatchActions.SnsAction(topic));
  }
  return alarm;
}
