import type { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { InfrastructureFailureClass, MessageStatus } from '@orders/core';

/**
 * The namespace and service dimension of the function's EMF metrics (Powertools): the stack sets
 * them as POWERTOOLS_METRICS_NAMESPACE and POWERTOOLS_SERVICE_NAME, the code emits under them.
 */
export const METRICS = { namespace: 'OrderProcessing', service: 'OrderProcessor' } as const;

/**
 * The metrics the function's recorder (@orders/observability's PowertoolsMetricsRecorder) writes in
 * each invocation's EMF line, with the dimension `service`: one per message status (core's
 * MESSAGE_STATUSES), the FIFO `deferred` count, `throttledSaves`, the alarmed failure classes, and
 * the batch's size and duration. infra/test/dashboard.test.ts runs the recorder and holds the
 * dashboard to what it writes, both ways, so a renamed metric fails the build.
 */
export type FunctionMetricName =
  | MessageStatus
  | InfrastructureFailureClass
  | 'deferred'
  | 'throttledSaves'
  | 'batchSize'
  | 'batchDuration';

/**
 * The recorder's per-failure metric: one EMF line per failure class and error code, with the
 * dimensions `service`, `failureClass` and `errorCode`. The codes are open-ended, so the dashboard
 * finds them with a SEARCH expression over these dimensions.
 */
export const FAILED_RECORDS = { metricName: 'failedRecords', dimensions: ['failureClass', 'errorCode'] } as const;

/** One of the function's EMF metrics, with its `service` dimension. */
export function functionMetric(
  metricName: FunctionMetricName,
  options: { readonly statistic: string; readonly period: Duration; readonly label?: string },
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS.namespace,
    metricName,
    dimensionsMap: { service: METRICS.service },
    ...options,
  });
}

/**
 * Every `failedRecords` series (one per failure class and error code seen in the period), summed:
 * what failed and why, without reading logs. A SEARCH expression, because the codes are not known
 * in advance; its label shows the class and the code of each line.
 */
export function failedRecordsByCode(period: Duration): cloudwatch.MathExpression {
  const dimensions = ['service', ...FAILED_RECORDS.dimensions].join(',');
  return new cloudwatch.MathExpression({
    expression: `SEARCH('{${METRICS.namespace},${dimensions}} MetricName="${FAILED_RECORDS.metricName}" service="${METRICS.service}"', 'Sum', ${period.toSeconds()})`,
    // CloudWatch's dynamic label: each line named by its class and code.
    // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudWatch's label syntax, not a JavaScript template.
    label: "${PROP('Dim.failureClass')} ${PROP('Dim.errorCode')}",
    period,
    usingMetrics: {},
  });
}
