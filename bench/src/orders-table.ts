/**
 * The Orders table on a stand-in or on moto: created before a run, counted after it (nothing
 * dropped?); or, for the scale-out run, a table of its own per run, read back whole and dropped.
 */
import {
  type AttributeValue,
  CreateTableCommand,
  DeleteTableCommand,
  DynamoDBClient,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { BENCH_TABLE } from './environment';

const client = (endpoint: string): DynamoDBClient =>
  new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });

/** Creates the table; one that exists already is fine. */
export async function createOrdersTable(endpoint: string, tableName: string = BENCH_TABLE): Promise<void> {
  const dynamodb = client(endpoint);
  try {
    await dynamodb.send(
      new CreateTableCommand({
        TableName: tableName,
        KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'orderId', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'ResourceInUseException') throw error;
  } finally {
    dynamodb.destroy();
  }
}

export async function countOrders(endpoint: string): Promise<number> {
  const dynamodb = client(endpoint);
  try {
    let count = 0;
    let start: Record<string, never> | undefined;
    do {
      const page = await dynamodb.send(
        new ScanCommand({ TableName: BENCH_TABLE, Select: 'COUNT', ...(start ? { ExclusiveStartKey: start } : {}) }),
      );
      count += page.Count ?? 0;
      start = page.LastEvaluatedKey as Record<string, never> | undefined;
    } while (start);
    return count;
  } finally {
    dynamodb.destroy();
  }
}

/** Every item of a table, page by page. */
export async function scanItems(endpoint: string, tableName: string): Promise<Record<string, AttributeValue>[]> {
  const dynamodb = client(endpoint);
  try {
    const items: Record<string, AttributeValue>[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await dynamodb.send(
        new ScanCommand({ TableName: tableName, ...(start ? { ExclusiveStartKey: start } : {}) }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  } finally {
    dynamodb.destroy();
  }
}

export async function deleteTable(endpoint: string, tableName: string): Promise<void> {
  const dynamodb = client(endpoint);
  try {
    await dynamodb.send(new DeleteTableCommand({ TableName: tableName }));
  } finally {
    dynamodb.destroy();
  }
}
