/**
 * @orders/core — the order-processing domain, free of AWS, of any DI framework and of I/O,
 * so that any service (a Lambda, a container, a test) can reuse it.
 */
export * from './domain/order';
export * from './domain/plain-object';
export * from './domain/instant';
export * from './domain/validation-problem';
export * from './domain/validate-order';
export * from './domain/serialize-order';
export * from './domain/event-order';
export * from './domain/save-decision';
export * from './messages/inbound-message';
export * from './messages/decode-message';
export * from './messages/sns-envelope';
export * from './messages/message-status';
export * from './ports/order-repository';
export * from './ports/logger';
export * from './ports/metrics';
export * from './ports/clock';
export * from './ports/abort-signal';
export * from './ports/message-queue';
export * from './ports/scheduler';
export * from './ports/order-event-publisher';
export * from './errors/infrastructure-error';
export * from './application/message-outcome';
export * from './application/map-with-concurrency';
export * from './application/process-order-batch';
export * from './application/retry-pacing';
export * from './application/pace-retries';
export * from './application/queue-consumer';
export * from './application/consumer/message-holds';
export * from './application/consumer/stop-signal';
