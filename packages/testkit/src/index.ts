export * from './orders';
export * from './sqs-events';
export * from './order-repository-contract';
export * from './recording-logger';
export * from './fault-proxy';
export * from './order-histories';
