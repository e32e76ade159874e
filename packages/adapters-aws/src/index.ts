/**
 * @orders/adapters-aws — core's ports on AWS SDK v3 (DynamoDB, SNS, SQS), plus the provisioning,
 * lookup and DLQ tools a CLI needs. Every adapter accepts an injected SDK client; every client
 * made here has a request timeout and a bounded number of attempts.
 *
 * Start from `DynamoDbOrderRepository` (its example stores orders through core's use case) and
 * `provisionResources` (the table, topic, queues and DLQs, idempotently).
 */

// Clients: timeouts, retry bounds and socket pools in one place (ORDERS_AWS_REQUEST_TIMEOUT_MS, AWS_MAX_ATTEMPTS, …).
export {
  type AwsClientOptions,
  type AwsClients,
  CLIENT_ENVIRONMENT,
  type ClientDefaults,
  ClientSettingError,
  createAwsClients,
  createDynamoDbClient,
  createSnsClient,
  createSqsClient,
  DEFAULT_CONNECTION_TIMEOUT_MS,
  DEFAULT_MAX_SOCKETS,
  DYNAMODB_CLIENT_DEFAULTS,
  GENERAL_CLIENT_DEFAULTS,
  maxSocketsFor,
  resolveClientTimeouts,
} from './aws-client-config';
export { callerIdentity, type CallerIdentity } from './caller-identity';

// Errors: each an InfrastructureError with a stable code and failure class, its message never echoing input.
export {
  AwsRequestError,
  type AwsRequestErrorCode,
  type AwsRequestErrorDetails,
  type AwsResourceType,
  describeMissingResources,
  EndpointUnreachableError,
  MalformedStoredItemError,
  MissingCredentialsError,
  MissingRegionError,
  type MissingResource,
  ResourceMissingError,
} from './errors';

// DynamoDB: the repository (one conditional write per event) and the table's item format.
export { DynamoDbOrderRepository, type DynamoDbOrderRepositoryOptions } from './dynamodb-order-repository';
export {
  fromOrderItem,
  type OrderItem,
  storedOrderRecord,
  type StoredOrderRecord,
  toOrderItem,
} from './dynamodb-order-item';
export { storedComesBeforeCondition, type WriteCondition } from './dynamodb-ordering-condition';

// SNS and SQS: the publisher and the queue behind core's ports.
export { SnsOrderPublisher, type SnsOrderPublisherOptions } from './sns-order-publisher';
export {
  MAX_SNS_MESSAGE_ATTRIBUTES,
  type SnsMessageAttributes,
  snsMessageAttributes,
  type TraceContextAttachment,
  TooManyMessageAttributesError,
} from './sns-message-attributes';
export {
  DEFAULT_ABORT_GRACE_MS,
  queueUrlFromArn,
  receiveAbortGraceMs,
  SqsMessageQueue,
  type SqsMessageQueueOptions,
} from './sqs-message-queue';
export { findQueueUrl } from './sqs-queue-lookup';
export { type ConsumeQueue, lookUpConsumeQueue } from './consume-queue-lookup';
export { findTopicArn } from './sns-topic-lookup';

// The DLQ: list, diagnose, redrive (one redrive at a time per queue, by a lease and SQS's own move tasks).
export {
  type DlqListing,
  type DlqListOptions,
  type DlqMessage,
  DlqTools,
  type DlqToolsOptions,
  type ManualRedrive,
  type MoveTaskRedrive,
  type RedriveFailure,
  type RedriveOptions,
  type RedriveResult,
  type RedriveStrategy,
} from './dlq-tools';
export { diagnoseDlqBody, type DlqDiagnosis } from './dlq-diagnosis';
export { type ActiveMoveTask, MoveTaskRunningError } from './message-move-tasks';
export {
  DEFAULT_REDRIVE_LEASE_MS,
  DynamoDbRedriveLease,
  type DynamoDbRedriveLeaseOptions,
  type HeldRedriveLease,
  RedriveInProgressError,
  type RedriveLease,
} from './redrive-lease';

// The resources: names, provisioning, lookup, teardown.
export {
  DEFAULT_RESOURCE_NAMES,
  type OrderResources,
  resolveResourceNames,
  type ResourceNames,
  suffixedResourceNames,
} from './resource-names';
export { type ProvisionChange, type ProvisionOptions, provisionResources, type ProvisionResult } from './provisioning';
export {
  countTableItems,
  describeResources,
  type LookupOptions,
  type NewestOrders,
  newestStoredOrders,
} from './resource-lookup';
export { deleteOrderResources, type ResourcesToDelete, type TeardownReport } from './resource-teardown';
export { type SimilarNamesLookup, withSimilarNames } from './similar-resource-names';
