/** Injection tokens owned by the composition root (the core's ports bring their own). */
export const PROCESS_ORDER_BATCH: unique symbol = Symbol.for('orders.ProcessOrderBatch');
export const SQS_BATCH_HANDLER: unique symbol = Symbol.for('orders.SqsBatchHandler');
export const POWERTOOLS_LOGGER: unique symbol = Symbol.for('orders.PowertoolsLogger');
