/**
 * @orders/observability — core's `Logger` and `MetricsRecorder` ports on Powertools for AWS Lambda.
 *
 * - `createPowertoolsLogger`: JSON lines with level, timestamp, service and, once the Lambda context
 *   is added, the request id and cold-start flag. Fields never include an order's payload; callers
 *   pass ids and codes.
 * - `createPowertoolsMetrics`: one CloudWatch Embedded Metric Format line per flush, plus one per
 *   failure class and error code, which the stack's alarms watch.
 *
 * @example
 * ```ts
 * import { ProcessOrderBatch } from '@orders/core';
 * import { createPowertoolsLogger, createPowertoolsMetrics } from '@orders/observability';
 *
 * const logger = createPowertoolsLogger({ serviceName: 'orders', logLevel: 'info' });
 * const metrics = createPowertoolsMetrics({ namespace: 'Orders', serviceName: 'orders' });
 * const processOrderBatch = new ProcessOrderBatch({ repository, logger, metrics });
 * // … after each batch:
 * metrics.flush();
 * ```
 */
export { createPowertoolsLogger, PowertoolsLoggerAdapter } from './powertools-logger';
export { createPowertoolsMetrics, PowertoolsMetricsRecorder } from './powertools-metrics';
