import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  InternalServerError,
  ResourceNotFoundException,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import {
  type InfrastructureError,
  parseRfc3339Instant,
  RepositoryUnavailableError,
  type Order,
  type TimedOrder,
} from '@orders/core';
import { sampleOrder } from '@orders/testkit';
import {
  classifyAgainstStored,
  DynamoDbOrderRepository,
  EndpointUnreachableError,
  MalformedStoredItemError,
  ResourceMissingError,
} from '../../src';
import { connectionRefused, fakeClient, TEST_CLIENT_CONFIG, type FakeHandler } from './support/fake-client';

const timed = (order: Order): TimedOrder => {
  const parsed = parseRfc3339Instant(order.timestamp);
  if (!parsed.ok) throw new Error(parsed.problem.reason);
  return { order, instant: parsed.instant };
};

const storedItem = (instant: string, order: Order = sampleOrder()): Record<string, AttributeValue> => ({
  orderId: { S: order.orderId },
  userId: { S: order.userId },
  itemName: { S: order.itemName },
  quantity: { N: String(order.quantity) },
  status: { S: order.status },
  timestamp: { S: order.timestamp },
  instant: { N: instant },
  updatedAt: { S: '2025-05-03T12:00:05.000Z' },
});

const conditionFailed = (item?: Record<string, AttributeValue>): ConditionalCheckFailedException =>
  new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: {},
    ...(item ? { Item: item } : {}),
  });

function repositoryWith(handler: FakeHandler) {
  const fake = fakeClient(new DynamoDBClient(TEST_CLIENT_CONFIG), handler);
  const repository = new DynamoDbOrderRepository({
    client: fake.client,
    tableName: 'OrdersTest',
    clock: { now: () => Date.UTC(2025, 4, 3, 12, 0, 5) },
  });
  return { ...fake, repository };
}

describe('DynamoDbOrderRepository.save', () => {
  it('writes one conditional PutItem with the seed attributes, an exact numeric instant and updatedAt', async () => {
    const { repository, calls, inputsOf } = repositoryWith(() => ({ $metadata: {} }));
    const order = sampleOrder({ timestamp: '2025-05-03T14:00:00.000000001+02:00', quantity: 7 });

    await expect(repository.save(timed(order))).resolves.toBe('created');

    expect(calls.map((call) => call.name)).toEqual(['PutItemCommand']);
    const [put] = inputsOf('PutItemCommand');
    expect(put).toMatchObject({
      TableName: 'OrdersTest',
      ConditionExpression: 'attribute_not_exists(#orderId) OR attribute_not_exists(#instant) OR #instant < :instant',
      ExpressionAttributeNames: { '#orderId': 'orderId', '#instant': 'instant' },
      // 12:00:00.000000001Z: nine fraction digits survive (a JS number would round them away).
      ExpressionAttributeValues: { ':instant': { N: '1746273600.000000001' } },
      ReturnValues: 'ALL_OLD',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    expect(put?.['Item']).toEqual({
      orderId: { S: 'O1234' },
      userId: { S: 'U123' },
      itemName: { S: 'Laptop' },
      quantity: { N: '7' },
      status: { S: 'new' },
      timestamp: { S: '2025-05-03T14:00:00.000000001+02:00' },
      instant: { N: '1746273600.000000001' },
      updatedAt: { S: '2025-05-03T12:00:05.000Z' },
    });
  });

  it('never stores fields beyond the six of an order', async () => {
    const { repository, inputsOf } = repositoryWith(() => ({ $metadata: {} }));
    await repository.save(timed({ ...sampleOrder(), coupon: 'SAVE10' } as Order));
    expect(Object.keys(inputsOf('PutItemCommand')[0]?.['Item'] as object).sort()).toEqual([
      'instant',
      'itemName',
      'orderId',
      'quantity',
      'status',
      'timestamp',
      'updatedAt',
      'userId',
    ]);
  });

  it('reports updated when the put replaced an older item', async () => {
    const { repository } = repositoryWith(() => ({ $metadata: {}, Attributes: storedItem('1746273599') }));
    await expect(repository.save(timed(sampleOrder()))).resolves.toBe('updated');
  });

  it('tells duplicate from stale using the item the failed condition returned, with no extra read', async () => {
    const same = repositoryWith(() => {
      throw conditionFailed(storedItem('1746273600'));
    });
    await expect(same.repository.save(timed(sampleOrder({ timestamp: '2025-05-03T14:00:00+02:00' })))).resolves.toBe(
      'duplicate',
    );
    expect(same.calls).toHaveLength(1);

    const newer = repositoryWith(() => {
      throw conditionFailed(storedItem('1746273600.0002'));
    });
    await expect(newer.repository.save(timed(sampleOrder({ timestamp: '2025-05-03T12:00:00.0001Z' })))).resolves.toBe(
      'stale',
    );
    expect(newer.calls).toHaveLength(1);
  });

  it('falls back to one consistent GetItem when the endpoint returns no item with the failure', async () => {
    const { repository, calls, inputsOf } = repositoryWith((command) => {
      if (command.name === 'PutItemCommand') throw conditionFailed();
      return { $metadata: {}, Item: { orderId: { S: 'O1234' }, instant: { N: '1746273601' } } };
    });
    await expect(repository.save(timed(sampleOrder()))).resolves.toBe('stale');
    expect(calls.map((call) => call.name)).toEqual(['PutItemCommand', 'GetItemCommand']);
    expect(inputsOf('GetItemCommand')[0]).toMatchObject({ ConsistentRead: true, Key: { orderId: { S: 'O1234' } } });
  });

  it('tries the put again when the fallback read finds the winning item gone, and then succeeds', async () => {
    let puts = 0;
    const { repository, calls } = repositoryWith((command) => {
      if (command.name === 'GetItemCommand') return { $metadata: {} };
      puts++;
      if (puts === 1) throw conditionFailed();
      return { $metadata: {} };
    });
    await expect(repository.save(timed(sampleOrder()))).resolves.toBe('created');
    expect(calls.map((call) => call.name)).toEqual(['PutItemCommand', 'GetItemCommand', 'PutItemCommand']);
  });

  it('gives up with a retryable error when the item keeps changing under it', async () => {
    const { repository, calls } = repositoryWith((command) => {
      if (command.name === 'GetItemCommand') return { $metadata: {} };
      throw conditionFailed();
    });
    const error = await repository.save(timed(sampleOrder())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RepositoryUnavailableError);
    expect((error as RepositoryUnavailableError).retryable).toBe(true);
    expect(calls.filter((call) => call.name === 'PutItemCommand')).toHaveLength(3);
  });

  it('turns a missing table into a non-retryable RepositoryUnavailableError caused by ResourceMissingError', async () => {
    const { repository } = repositoryWith(() => {
      throw new ResourceNotFoundException({
        message: 'Requested resource not found',
        $metadata: { httpStatusCode: 400 },
      });
    });
    const error = await repository.save(timed(sampleOrder())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RepositoryUnavailableError);
    const failure = error as RepositoryUnavailableError;
    expect(failure).toMatchObject({
      name: 'RepositoryUnavailableError',
      code: 'repository_unavailable',
      retryable: false,
    });
    expect(failure.message).toBe(
      'The DynamoDB table "OrdersTest" does not exist; run "orders provision" to create it.',
    );
    expect(failure.cause).toBeInstanceOf(ResourceMissingError);
  });

  it('keeps server errors and unreachable endpoints retryable', async () => {
    const server = repositoryWith(() => {
      throw new InternalServerError({ message: 'Internal server error', $metadata: { httpStatusCode: 500 } });
    });
    const serverError = (await server.repository
      .save(timed(sampleOrder()))
      .catch((e: unknown) => e)) as RepositoryUnavailableError;
    expect(serverError).toBeInstanceOf(RepositoryUnavailableError);
    expect(serverError.retryable).toBe(true);
    expect((serverError.cause as InfrastructureError).code).toBe('aws_server_error');

    const down = repositoryWith(() => {
      throw connectionRefused();
    });
    const downError = (await down.repository.findById('O1234').catch((e: unknown) => e)) as RepositoryUnavailableError;
    expect(downError).toBeInstanceOf(RepositoryUnavailableError);
    expect(downError.retryable).toBe(true);
    expect(downError.cause).toBeInstanceOf(EndpointUnreachableError);
    expect(downError.message).toContain('127.0.0.1:4566');
  });

  it('reports a stored instant it cannot read instead of guessing', async () => {
    const { repository } = repositoryWith(() => {
      throw conditionFailed({ ...storedItem('0'), instant: { S: 'yesterday' } });
    });
    const error = (await repository.save(timed(sampleOrder())).catch((e: unknown) => e)) as RepositoryUnavailableError;
    expect(error).toBeInstanceOf(RepositoryUnavailableError);
    expect(error.retryable).toBe(false);
    expect(error.cause).toBeInstanceOf(MalformedStoredItemError);
  });
});

describe('DynamoDbOrderRepository.findById', () => {
  it('reads consistently and returns exactly the six order fields', async () => {
    const order = sampleOrder({ quantity: 3, status: 'paid' });
    const { repository, inputsOf } = repositoryWith(() => ({ $metadata: {}, Item: storedItem('1746273600', order) }));
    await expect(repository.findById('O1234')).resolves.toEqual(order);
    const [get] = inputsOf('GetItemCommand');
    expect(get).toMatchObject({ TableName: 'OrdersTest', ConsistentRead: true, Key: { orderId: { S: 'O1234' } } });
    // status and timestamp are reserved words: the projection must use placeholders.
    expect(Object.values(get?.['ExpressionAttributeNames'] as Record<string, string>).sort()).toEqual([
      'itemName',
      'orderId',
      'quantity',
      'status',
      'timestamp',
      'userId',
    ]);
  });

  it('returns undefined when there is no item', async () => {
    const { repository } = repositoryWith(() => ({ $metadata: {} }));
    await expect(repository.findById('nope')).resolves.toBeUndefined();
  });

  it('refuses a stored item with a non-numeric quantity', async () => {
    const { repository } = repositoryWith(() => ({
      $metadata: {},
      Item: { ...storedItem('1'), quantity: { S: 'three' } },
    }));
    const error = (await repository.findById('O1234').catch((e: unknown) => e)) as RepositoryUnavailableError;
    expect(error).toBeInstanceOf(RepositoryUnavailableError);
    expect(error.cause).toBeInstanceOf(MalformedStoredItemError);
  });
});

describe('classifyAgainstStored', () => {
  const instant = { epochSeconds: 1746273600, nanos: 500 };
  it.each([
    ['1746273600.0000005', 'duplicate'],
    ['1746273600.000000501', 'stale'],
    ['1746273600.000000499', undefined],
  ] as const)('stored %s → %s', (stored, expected) => {
    expect(classifyAgainstStored({ instant: { N: stored } }, instant)).toBe(expected);
  });

  it('cannot classify against an absent item or one without an instant', () => {
    expect(classifyAgainstStored(undefined, instant)).toBeUndefined();
    expect(classifyAgainstStored({ orderId: { S: 'x' } }, instant)).toBeUndefined();
  });
});
