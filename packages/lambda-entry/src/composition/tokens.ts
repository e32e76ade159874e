/** Injection tokens owned by the composition root (the core's ports bring their own). */
export const PROCESS_ORDER_BATCH: unique symbol = Symbol.for('orders.ProcessOrderBatch');
export const SQS_BATCH_HANDLER: unique symbol = Symbol.for('orders.SqsBatchHandler');
export const POWERTOOLS_LOGGER: unique symbol = Symbol.for('orders.PowertoolsLogger');
/** The process's tracing runtime (`startTracing`'s): off unless the entry started it on. */
export const TRACING_RUNTIME: unique symbol = Symbol.for('orders.TracingRuntime');
