export { InMemoryOrderRepository } from './in-memory-order-repository';
export { ManualClock } from './messaging/manual-clock';
export { IdSequence } from './messaging/id-sequence';
export {
  InMemoryQueue,
  type InMemoryQueueOptions,
  type RedrivePolicy,
  type StoredMessage,
} from './messaging/in-memory-queue';
export { InMemoryTopic, type SubscriptionOptions } from './messaging/in-memory-topic';
export { createOrderPipeline, type OrderPipeline, type OrderPipelineOptions } from './messaging/order-pipeline';
export { ManualScheduler } from './messaging/manual-scheduler';
export {
  FaultInjectingOrderRepository,
  type FaultInjectionOptions,
  type InjectedFaultCounts,
  type InjectedFaultKind,
} from './fault-injecting-order-repository';
export { advanceClockWhenIdle } from './messaging/advance-clock-when-idle';
