/**
 * @orders/adapters-aws — core's ports on AWS SDK v3 (DynamoDB, SNS, SQS), plus the provisioning,
 * lookup and DLQ tools a CLI needs. Every adapter accepts an injected SDK client.
 */
export * from './errors';
export * from './aws-error-translation';
export * from './aws-client-config';
export * from './caller-identity';
export * from './batching';
export * from './dynamodb-order-item';
export * from './dynamodb-order-repository';
export * from './dynamodb-ordering-condition';
export * from './sns-order-publisher';
export * from './sqs-message-queue';
export * from './sqs-queue-lookup';
export * from './sns-topic-lookup';
export * from './dlq-diagnosis';
export * from './dlq-tools';
export * from './redrive-lease';
export * from './queue-policies';
export * from './resource-names';
export * from './provisioning';
export * from './resource-lookup';
export * from './resource-teardown';
