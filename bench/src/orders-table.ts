/** The Orders table on a stand-in or on moto: created before a run, counted after it (nothing dropped?). */
import { CreateTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { BENCH_TABLE } from './environment';

const client = (endpoint: string): DynamoDBClient =>
  new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });

/** Creates the table; one that exists already is fine. */
export async function createOrdersTable(endpoint: string): Promise<void> {
  const dynamodb = client(endpoint);
  try {
    await dynamodb.send(
      new CreateTableCommand({
        TableName: BENCH_TABLE,
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
