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
 * import assert from 'node:assert/strict';
 * import { InMemoryOrderRepository } from '@orders/adapters-memory';
 * import { ProcessOrderBatch } from '@orders/core';
 * import { createPowertoolsLogger, createPowertoolsMetrics } from '@orders/observability';
 *
 * const logger = createPowertoolsLogger({ serviceName: 'orders', logLevel: 'warn' });
 * const metrics = createPowertoolsMetrics({ namespace: 'Orders', serviceName: 'orders' });
 * const useCase = new ProcessOrderBatch({ repository: new InMemoryOrderRepository(), logger, metrics });
 * const { failedMessageIds } = await useCase.execute([{ messageId: 'm-1', body: 'not json' }]);
 * assert.deepEqual(failedMessageIds, ['m-1']); // logged at warn: ids and the reason, never the body
 * metrics.flush(); // one EMF line on stdout, then one for `invalid`/`not_json`
 * ```
 */
export { createPowertoolsLogger, PowertoolsLoggerAdapter } from './powertools-logger';
export { createPowertoolsMetrics, PowertoolsMetricsRecorder } from './powertools-metrics';
export { settledWithin } from './settled-within';
export { startTracing, type StartTracingOptions, TRACING_OFF, type TracingRuntime } from './tracing/start-tracing';
export {
  OtelRecordTracing,
  RECORD_SPAN_ATTRIBUTES,
  RECORD_TRACER_NAME,
  recordTracingFor,
} from './otel-record-tracing';
