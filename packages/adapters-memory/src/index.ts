export * from './in-memory-order-repository';
export * from './messaging/manual-clock';
export * from './messaging/id-sequence';
export * from './messaging/in-memory-queue';
export * from './messaging/in-memory-topic';
export * from './messaging/order-pipeline';
export * from './messaging/manual-scheduler';
export * from './fault-injecting-order-repository';
