import {
  CreateTableCommand,
  DescribeTableCommand,
  waitUntilTableExists,
  type DynamoDBClient,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import {
  CreateTopicCommand,
  SetSubscriptionAttributesCommand,
  SubscribeCommand,
  type SNSClient,
} from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SetQueueAttributesCommand,
  type QueueAttributeName,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { InfrastructureError } from '@orders/core';
import { createAwsClients, type AwsClientOptions, type AwsClients } from './aws-client-config';
import { awsErrorName, isNotFoundError, toInfrastructureError } from './aws-error-translation';
import { redrivePolicy, sameJsonAttribute, topicToQueuePolicy } from './queue-policies';
import { resolveResourceNames, type OrderResources, type ResourceNames } from './resource-names';
import { findQueueUrl, getQueueArn } from './sqs-queue-lookup';
import { findQueueSubscriptions, findTopicArn, subscriptionAttributesOf } from './sns-topic-lookup';

export interface ProvisionOptions {
  readonly names?: Partial<ResourceNames>;
  /** Receives before SQS moves a message to the DLQ. Default 3. */
  readonly maxReceiveCount?: number;
  /**
   * The source queue's visibility timeout. Default 180 s: AWS asks for at least 6× the function
   * timeout (30 s), so a message is not redelivered while a retrying invocation still holds it.
   */
  readonly visibilityTimeoutSeconds?: number;
  /** Deliver the order JSON itself instead of the SNS envelope. Default false (the seed's setup). */
  readonly rawMessageDelivery?: boolean;
  readonly clients?: Partial<AwsClients>;
  readonly clientOptions?: AwsClientOptions;
}

export interface ProvisionChange {
  readonly action: 'created' | 'updated';
  /** E.g. `SQS queue "OrderQueue"`. */
  readonly resource: string;
  /** What was updated, for `updated`. */
  readonly detail?: string;
}

export interface ProvisionResult extends OrderResources {
  readonly subscriptionArn: string;
  readonly subscriptionDlqUrl: string;
  /** Empty when everything already was as asked: provisioning is idempotent. */
  readonly changes: readonly ProvisionChange[];
}

export const DEFAULT_MAX_RECEIVE_COUNT = 3;
export const DEFAULT_VISIBILITY_TIMEOUT_SECONDS = 180;
/** DLQ retention counts from the original enqueue time, so the DLQ keeps messages the maximum 14 days. */
export const DLQ_RETENTION_SECONDS = 14 * 24 * 60 * 60;
/** A new on-demand table is usually ACTIVE within seconds. */
const TABLE_ACTIVE_TIMEOUT_SECONDS = 120;

/**
 * Creates what is missing and converges what exists to the requested settings: the table, the
 * topic, the DLQ, the queue (with its redrive policy), the queue policy admitting only the topic,
 * and exactly one topic → queue subscription with its own dead-letter queue (what SNS cannot
 * deliver is kept, not dropped). Safe to run any number of times.
 */
export async function provisionResources(options: ProvisionOptions = {}): Promise<ProvisionResult> {
  const names = resolveResourceNames(options.names);
  const maxReceiveCount = options.maxReceiveCount ?? DEFAULT_MAX_RECEIVE_COUNT;
  const visibilityTimeout = options.visibilityTimeoutSeconds ?? DEFAULT_VISIBILITY_TIMEOUT_SECONDS;
  checkSettings(maxReceiveCount, visibilityTimeout);
  const clients = createAwsClients(options.clientOptions, options.clients);
  const changes: ProvisionChange[] = [];

  const tableArn = await ensureTable(clients.dynamodb, names.tableName, changes);
  const topicArn = await ensureTopic(clients.sns, names.topicName, changes);
  const dlq = await ensureQueue(
    clients.sqs,
    names.dlqName,
    { MessageRetentionPeriod: String(DLQ_RETENTION_SECONDS) },
    changes,
  );
  // What SNS cannot deliver to the queue lands here instead of being dropped; the same topic-only
  // policy admits SNS (it sends on the subscription's behalf).
  const subscriptionDlq = await ensureQueue(
    clients.sqs,
    names.subscriptionDlqName,
    { MessageRetentionPeriod: String(DLQ_RETENTION_SECONDS) },
    changes,
    (queueArn) => topicToQueuePolicy(queueArn, topicArn),
  );
  // The policy is in place before the subscription exists, so the first delivery is admitted.
  const queue = await ensureQueue(
    clients.sqs,
    names.queueName,
    { VisibilityTimeout: String(visibilityTimeout), RedrivePolicy: redrivePolicy(dlq.arn, maxReceiveCount) },
    changes,
    (queueArn) => topicToQueuePolicy(queueArn, topicArn),
  );
  const subscriptionArn = await ensureSubscription(
    clients.sns,
    { topicArn, queueArn: queue.arn, deadLetterQueueArn: subscriptionDlq.arn },
    options.rawMessageDelivery ?? false,
    names,
    changes,
  );

  return {
    names,
    tableArn,
    topicArn,
    queueUrl: queue.url,
    queueArn: queue.arn,
    dlqUrl: dlq.url,
    dlqArn: dlq.arn,
    subscriptionArn,
    subscriptionDlqUrl: subscriptionDlq.url,
    changes,
  };
}

function checkSettings(maxReceiveCount: number, visibilityTimeout: number): void {
  if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1 || maxReceiveCount > 1000) {
    throw new RangeError(`maxReceiveCount must be an integer from 1 to 1000, got ${maxReceiveCount}`);
  }
  if (!Number.isInteger(visibilityTimeout) || visibilityTimeout < 0 || visibilityTimeout > 43_200) {
    throw new RangeError(`visibilityTimeoutSeconds must be an integer from 0 to 43200, got ${visibilityTimeout}`);
  }
}

/** The table's description, or `undefined` when it does not exist. */
export async function describeTable(client: DynamoDBClient, tableName: string): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    if (isNotFoundError(error)) return undefined;
    throw toInfrastructureError(error, { service: 'DynamoDB', operation: 'DescribeTable' });
  }
}

async function ensureTable(client: DynamoDBClient, tableName: string, changes: ProvisionChange[]): Promise<string> {
  let table = await describeTable(client, tableName);
  if (table === undefined) {
    try {
      await client.send(
        new CreateTableCommand({
          TableName: tableName,
          AttributeDefinitions: [{ AttributeName: 'orderId', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' }],
          // On-demand: order traffic is bursty and no capacity planning is needed.
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
      changes.push({ action: 'created', resource: `DynamoDB table "${tableName}"` });
    } catch (error) {
      // Someone else created it between our describe and create: that is what we wanted.
      if (awsErrorName(error) !== 'ResourceInUseException') {
        throw toInfrastructureError(error, { service: 'DynamoDB', operation: 'CreateTable' });
      }
    }
  }
  if (table?.TableStatus !== 'ACTIVE') {
    try {
      await waitUntilTableExists(
        { client, maxWaitTime: TABLE_ACTIVE_TIMEOUT_SECONDS, minDelay: 1, maxDelay: 5 },
        { TableName: tableName },
      );
    } catch (error) {
      throw toInfrastructureError(error, { service: 'DynamoDB', operation: 'DescribeTable' });
    }
    table = await describeTable(client, tableName);
  }
  const key = table?.KeySchema ?? [];
  const keyType = table?.AttributeDefinitions?.find(
    (definition) => definition.AttributeName === 'orderId',
  )?.AttributeType;
  if (key.length !== 1 || key[0]?.AttributeName !== 'orderId' || key[0]?.KeyType !== 'HASH' || keyType !== 'S') {
    throw new InfrastructureError(
      'table_schema_mismatch',
      `The DynamoDB table "${tableName}" exists but its key is not the string partition key "orderId"; use another table name.`,
      { retryable: false },
    );
  }
  if (table?.TableArn === undefined)
    throw new InfrastructureError('aws_request_failed', `DescribeTable returned no ARN for "${tableName}".`);
  return table.TableArn;
}

async function ensureTopic(client: SNSClient, topicName: string, changes: ProvisionChange[]): Promise<string> {
  const existing = await findTopicArn(client, topicName);
  if (existing !== undefined) return existing;
  try {
    // CreateTopic is itself idempotent by name, so a concurrent creator is harmless.
    const result = await client.send(new CreateTopicCommand({ Name: topicName }));
    if (result.TopicArn === undefined) throw new Error('CreateTopic answered without a TopicArn');
    changes.push({ action: 'created', resource: `SNS topic "${topicName}"` });
    return result.TopicArn;
  } catch (error) {
    throw toInfrastructureError(error, { service: 'SNS', operation: 'CreateTopic' });
  }
}

type QueueAttributes = Partial<Record<QueueAttributeName, string>>;

/**
 * Finds or creates the queue, then converges its attributes. CreateQueue alone is not enough:
 * for an existing queue whose attributes differ it fails (QueueAlreadyExists) instead of
 * converging, and a re-run with a new visibility timeout must apply it. `policyFor` builds the
 * queue policy, which names the queue's own ARN and so can only be set once the queue exists.
 */
async function ensureQueue(
  client: SQSClient,
  queueName: string,
  attributes: QueueAttributes,
  changes: ProvisionChange[],
  policyFor?: (queueArn: string) => string,
): Promise<{ url: string; arn: string }> {
  let url = await findQueueUrl(client, queueName);
  const created = url === undefined;
  if (url === undefined) {
    try {
      url = (await client.send(new CreateQueueCommand({ QueueName: queueName, Attributes: attributes }))).QueueUrl;
    } catch (error) {
      throw toInfrastructureError(error, { service: 'SQS', operation: 'CreateQueue' });
    }
    if (url === undefined)
      throw new InfrastructureError('aws_request_failed', `CreateQueue returned no URL for "${queueName}".`);
    changes.push({ action: 'created', resource: `SQS queue "${queueName}"` });
  }
  const arn = await getQueueArn(client, url);
  const wanted = policyFor === undefined ? attributes : { ...attributes, Policy: policyFor(arn) };
  const updated = await ensureQueueAttributes(client, queueName, url, wanted);
  // A queue created just now is reported once, as created.
  if (!created && updated.length > 0)
    changes.push({ action: 'updated', resource: `SQS queue "${queueName}"`, detail: updated.join(', ') });
  return { url, arn };
}

/**
 * Sets the wanted attributes when any differs, and returns the names that differed. All of them
 * are sent together, not just the differing ones: moto forgets a queue's Policy on any
 * SetQueueAttributes call that leaves it out (AWS keeps it), and sending all is harmless on AWS.
 */
async function ensureQueueAttributes(
  client: SQSClient,
  queueName: string,
  url: string,
  wanted: QueueAttributes,
): Promise<QueueAttributeName[]> {
  const names = Object.keys(wanted) as QueueAttributeName[];
  try {
    const current =
      (await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: names }))).Attributes ?? {};
    const differing = names.filter((name) => !sameJsonAttribute(current[name], wanted[name]));
    if (differing.length > 0) await client.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: wanted }));
    return differing;
  } catch (error) {
    throw toInfrastructureError(error, {
      service: 'SQS',
      operation: 'SetQueueAttributes',
      resource: { type: 'SQS queue', name: queueName },
    });
  }
}

/** The subscription's settings as SNS stores them (attribute values are strings). */
function subscriptionAttributes(rawMessageDelivery: boolean, deadLetterQueueArn: string): Record<string, string> {
  return {
    RawMessageDelivery: String(rawMessageDelivery),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetterQueueArn }),
  };
}

async function ensureSubscription(
  client: SNSClient,
  arns: { readonly topicArn: string; readonly queueArn: string; readonly deadLetterQueueArn: string },
  rawMessageDelivery: boolean,
  names: ResourceNames,
  changes: ProvisionChange[],
): Promise<string> {
  const resource = `SNS subscription "${names.topicName}" → "${names.queueName}"`;
  const wanted = subscriptionAttributes(rawMessageDelivery, arns.deadLetterQueueArn);
  const [existing] = await findQueueSubscriptions(client, arns.topicArn, arns.queueArn);
  if (existing?.SubscriptionArn !== undefined) {
    const arn = existing.SubscriptionArn;
    const current = await subscriptionAttributesOf(client, arn);
    for (const [name, value] of Object.entries(wanted)) {
      if (sameJsonAttribute(current[name], value)) continue;
      try {
        await client.send(
          new SetSubscriptionAttributesCommand({ SubscriptionArn: arn, AttributeName: name, AttributeValue: value }),
        );
      } catch (error) {
        throw toInfrastructureError(error, { service: 'SNS', operation: 'SetSubscriptionAttributes' });
      }
      changes.push({
        action: 'updated',
        resource,
        detail: name === 'RedrivePolicy' ? 'RedrivePolicy' : `${name}=${value}`,
      });
    }
    return arn;
  }
  try {
    const result = await client.send(
      new SubscribeCommand({
        TopicArn: arns.topicArn,
        Protocol: 'sqs',
        Endpoint: arns.queueArn,
        Attributes: wanted,
        ReturnSubscriptionArn: true,
      }),
    );
    if (result.SubscriptionArn === undefined) throw new Error('Subscribe answered without a SubscriptionArn');
    changes.push({ action: 'created', resource });
    return result.SubscriptionArn;
  } catch (error) {
    throw toInfrastructureError(error, { service: 'SNS', operation: 'Subscribe' });
  }
}
