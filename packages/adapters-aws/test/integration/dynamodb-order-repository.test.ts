import { Agent } from 'node:http';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { RepositoryUnavailableError } from '@orders/core';
import { describeOrderRepositoryContract, type LegacyOrderItem, sampleOrder, timed } from '@orders/testkit';
import { integrationEnvironment, resetEmulator, uniqueResourceNames } from '../../../testkit/src/integration';
import { awsClientConfig, DEFAULT_DYNAMODB_MAX_ATTEMPTS } from '../../src/aws-client-config';
import { createDynamoDbClient, DynamoDbOrderRepository, provisionResources, ResourceMissingError } from '../../src';

const names = uniqueResourceNames('ddb');

/**
 * moto evaluates a PutItem condition and stores the item without a lock, one thread per request,
 * so two concurrent puts of a new key can both pass `attribute_not_exists` (both "created").
 * DynamoDB decides each conditional write atomically, and that is what the contract's race test
 * is about. Against moto the client therefore uses one socket: moto sees the racing puts one at
 * a time, in whatever order they were issued, and every outcome is still checked.
 */
function clientFor(flavour: string): DynamoDBClient {
  if (flavour !== 'moto') return createDynamoDbClient();
  const config = awsClientConfig({}, DEFAULT_DYNAMODB_MAX_ATTEMPTS);
  return new DynamoDBClient({
    ...config,
    requestHandler: { ...config.requestHandler, httpAgent: new Agent({ keepAlive: true, maxSockets: 1 }) },
  });
}

const client = clientFor(integrationEnvironment().flavour);

beforeAll(async () => {
  await resetEmulator();
  await provisionResources({ names });
});

afterAll(() => client.destroy());

/**
 * An item as the original write-up's handler stored it: lib-dynamodb's PutCommand marshals the
 * order's six values as they came (strings to S, numbers to N), and nothing else: no `instant`.
 */
async function putAsTheSeedHandlerDid(item: LegacyOrderItem): Promise<void> {
  const marshalled = Object.fromEntries(
    Object.entries(item).map(([name, value]) => [
      name,
      typeof value === 'number' ? { N: String(value) } : { S: value },
    ]),
  );
  await client.send(new PutItemCommand({ TableName: names.tableName, Item: marshalled }));
}

describeOrderRepositoryContract('DynamoDB', async () => {
  const repository = new DynamoDbOrderRepository({ client, tableName: names.tableName });
  return {
    repository,
    putLegacyItem: putAsTheSeedHandlerDid,
    storedTraceId: async (orderId) => (await repository.findStored(orderId))?.traceId,
  };
});

describe('DynamoDbOrderRepository on a real endpoint', () => {
  const repository = (): DynamoDbOrderRepository => new DynamoDbOrderRepository({ client, tableName: names.tableName });

  it('stores the seed attributes with their types, plus a numeric instant and updatedAt', async () => {
    const order = sampleOrder({ orderId: 'it-shape', quantity: 3, timestamp: '2025-05-03T14:00:00.0001+02:00' });
    await repository().save(timed(order));

    const { Item } = await client.send(
      new GetItemCommand({ TableName: names.tableName, Key: { orderId: { S: 'it-shape' } }, ConsistentRead: true }),
    );

    expect(Item).toBeDefined();
    expect(Object.keys(Item ?? {}).sort()).toEqual([
      'instant',
      'itemName',
      'orderId',
      'quantity',
      'status',
      'timestamp',
      'updatedAt',
      'userId',
    ]);
    expect(Item).toMatchObject({
      orderId: { S: 'it-shape' },
      userId: { S: 'U123' },
      itemName: { S: 'Laptop' },
      quantity: { N: '3' },
      status: { S: 'new' },
      // Kept exactly as published, zone and all.
      timestamp: { S: '2025-05-03T14:00:00.0001+02:00' },
      instant: { N: '1746273600.0001' },
    });
    expect(Item?.['updatedAt']?.S).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('orders by instant down to the nanosecond, in the table itself', async () => {
    const orderId = 'it-nanos';
    await repository().save(timed(sampleOrder({ orderId, timestamp: '2025-05-03T12:00:00.000000002Z' })));
    await expect(
      repository().save(timed(sampleOrder({ orderId, status: 'paid', timestamp: '2025-05-03T12:00:00.000000001Z' }))),
    ).resolves.toEqual({ outcome: 'stale' });
    await expect(
      repository().save(timed(sampleOrder({ orderId, status: 'paid', timestamp: '2025-05-03T12:00:00.000000003Z' }))),
    ).resolves.toEqual({ outcome: 'updated' });
    await expect(repository().findById(orderId)).resolves.toMatchObject({
      status: 'paid',
      timestamp: '2025-05-03T12:00:00.000000003Z',
    });
  });

  it('orders an item written without an instant (the seed handler wrote those) by its own timestamp', async () => {
    await client.send(
      new PutItemCommand({
        TableName: names.tableName,
        Item: {
          orderId: { S: 'it-legacy' },
          userId: { S: 'U1' },
          itemName: { S: 'Old' },
          quantity: { N: '1' },
          status: { S: 'new' },
          timestamp: { S: '2030-01-01T00:00:00Z' },
        },
      }),
    );
    // An older event must not overwrite it (it used to: any event replaced an item without `instant`).
    await expect(repository().save(timed(sampleOrder({ orderId: 'it-legacy', status: 'paid' })))).resolves.toEqual({
      outcome: 'stale',
    });
    await expect(repository().findById('it-legacy')).resolves.toMatchObject({ itemName: 'Old', status: 'new' });
    // A newer one replaces it and brings it under the rule: the item now carries its instant.
    const newer = sampleOrder({ orderId: 'it-legacy', status: 'paid', timestamp: '2030-01-01T00:00:01Z' });
    await expect(repository().save(timed(newer))).resolves.toEqual({ outcome: 'updated' });
    await expect(repository().findById('it-legacy')).resolves.toEqual(newer);
    const { Item } = await client.send(
      new GetItemCommand({ TableName: names.tableName, Key: { orderId: { S: 'it-legacy' } }, ConsistentRead: true }),
    );
    expect(Item?.['instant']).toEqual({ N: '1893456001' });
  });

  it('reports a missing table as a typed, non-retryable error instead of crashing', async () => {
    const missing = new DynamoDbOrderRepository({ client, tableName: 'NoSuchOrdersTable' });
    const saveError = await missing.save(timed(sampleOrder())).catch((e: unknown) => e);
    expect(saveError).toBeInstanceOf(RepositoryUnavailableError);
    expect(saveError).toMatchObject({ code: 'table_not_found', failureClass: 'systemic', retryable: false });
    expect((saveError as Error).cause).toBeInstanceOf(ResourceMissingError);
    expect((saveError as Error).message).toBe(
      'The DynamoDB table "NoSuchOrdersTable" does not exist: check the name, or create "NoSuchOrdersTable" by giving "orders provision" the same names.',
    );

    await expect(missing.findById('O1234')).rejects.toBeInstanceOf(RepositoryUnavailableError);
  });
});
