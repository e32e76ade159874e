import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type StoredOrderRecord, storedOrderRecord } from './dynamodb-order-item';
import { createAwsClients, type AwsClientOptions, type AwsClients } from './aws-client-config';
import { ResourceMissingError, type MissingResource } from './errors';
import { scanOrderItems } from './order-table-scan';
import { withSimilarNames } from './similar-resource-names';
import { describeTable } from './provisioning';
import { resolveResourceNames, type OrderResources, type ResourceNames } from './resource-names';
import { findQueueSubscriptions, findTopicArn } from './sns-topic-lookup';
import { findQueueUrl, getQueueArn } from './sqs-queue-lookup';

export interface LookupOptions {
  readonly names?: Partial<ResourceNames>;
  readonly clients?: Partial<AwsClients>;
  readonly clientOptions?: AwsClientOptions;
}

/**
 * Finds the resources by name without creating anything: what a CLI command runs first. When any
 * is missing, one ResourceMissingError names all of them, each with the similar names that exist.
 */
export async function describeResources(options: LookupOptions = {}): Promise<OrderResources> {
  const names = resolveResourceNames(options.names);
  const clients = createAwsClients(options.clientOptions, options.clients);
  const [table, topicArn, queueUrl, dlqUrl] = await Promise.all([
    describeTable(clients.dynamodb, names.tableName),
    findTopicArn(clients.sns, names.topicName),
    findQueueUrl(clients.sqs, names.queueName),
    findQueueUrl(clients.sqs, names.dlqName),
  ]);
  const missing: MissingResource[] = [];
  if (table?.TableArn === undefined) missing.push({ type: 'DynamoDB table', name: names.tableName });
  if (topicArn === undefined) missing.push({ type: 'SNS topic', name: names.topicName });
  if (queueUrl === undefined) missing.push({ type: 'SQS queue', name: names.queueName });
  if (dlqUrl === undefined) missing.push({ type: 'SQS queue', name: names.dlqName });
  if (table?.TableArn === undefined || topicArn === undefined || queueUrl === undefined || dlqUrl === undefined) {
    throw await withSimilarNames(new ResourceMissingError(missing), { clients });
  }
  const [queueArn, dlqArn] = await Promise.all([getQueueArn(clients.sqs, queueUrl), getQueueArn(clients.sqs, dlqUrl)]);
  const [subscription] = await findQueueSubscriptions(clients.sns, topicArn, queueArn);
  return {
    names,
    tableArn: table.TableArn,
    topicArn,
    queueUrl,
    queueArn,
    dlqUrl,
    dlqArn,
    ...(subscription?.SubscriptionArn === undefined ? {} : { subscriptionArn: subscription.SubscriptionArn }),
  };
}

/**
 * The exact number of orders in a table, by a paginated COUNT scan. DescribeTable's ItemCount is
 * refreshed only about every six hours, which is useless right after a test or a demo run. A
 * scan reads the whole table, so this is for status commands on small tables, not for dashboards.
 * Internal items (a redrive's lease, under a key no order can have) are not counted.
 */
export async function countTableItems(client: DynamoDBClient, tableName: string): Promise<number> {
  let count = 0;
  await scanOrderItems(client, tableName, { select: 'COUNT' }, (page) => {
    count += page.Count ?? 0;
  });
  return count;
}

/** The newest orders of a table by when they were stored, from a bounded scan. */
export interface NewestOrders {
  readonly records: readonly StoredOrderRecord[];
  /** Items read. When the scan stopped at its bound, `complete` is false: older-looking pages were not read. */
  readonly scanned: number;
  readonly complete: boolean;
}

/**
 * The `limit` most recently stored orders (`updatedAt`, newest first). DynamoDB keeps no order
 * across partition keys, so this scans — at most `maxScanned` items, page by page — which suits an
 * operator looking at a development or test table, not a hot path.
 */
export async function newestStoredOrders(
  client: DynamoDBClient,
  tableName: string,
  options: { readonly limit: number; readonly maxScanned: number },
): Promise<NewestOrders> {
  const records: StoredOrderRecord[] = [];
  let scan: { readonly scanned: number; readonly complete: boolean };
  try {
    scan = await scanOrderItems(client, tableName, { maxScanned: options.maxScanned }, (page) => {
      for (const item of page.Items ?? []) records.push(storedOrderRecord(item));
    });
  } catch (error) {
    // A missing table: say which tables do exist with a similar name.
    throw await withSimilarNames(error, { clients: { dynamodb: client } });
  }
  const { scanned, complete } = scan;
  // ISO 8601 UTC strings sort as time; items from before the rule (no updatedAt) come last.
  const storedAt = (record: StoredOrderRecord): string => record.storedAt ?? '';
  records.sort((a, b) => (storedAt(a) < storedAt(b) ? 1 : storedAt(a) > storedAt(b) ? -1 : 0));
  return { records: records.slice(0, options.limit), scanned, complete };
}
