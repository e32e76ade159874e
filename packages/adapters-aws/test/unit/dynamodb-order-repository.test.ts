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
  DynamoDbOrderRepository,
  EndpointUnreachableError,
  MalformedStoredItemError,
  ResourceMissingError,
} from '../../src';
import { connectionRefused, fakeClient, TEST_CLIENT_CONFIG, type FakeHandler } from './support/fake-client';

/** The attributes of a stored item, written out (not derived) so that a change to the format shows here. */
const ITEM_ATTRIBUTES = ['instant', 'itemName', 'orderId', 'quantity', 'status', 'timestamp', 'updatedAt', 'userId'];

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

    await expect(repository.save(timed(order))).resolves.toEqual({ outcome: 'created' });

    expect(calls.map((call) => call.name)).toEqual(['PutItemCommand']);
    const [put] = inputsOf('PutItemCommand');
    expect(put).toMatchObject({
      TableName: 'OrdersTest',
      ExpressionAttributeNames: { '#orderId': 'orderId', '#instant': 'instant' },
      // 12:00:00.000000001Z: nine fraction digits survive (a JS number would round them away).
      ExpressionAttributeValues: { ':instant': { N: '1746273600.000000001' } },
      ReturnValues: 'ALL_OLD',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    // "The stored item comes before this event": later instant, then core's tie-break fields in order.
    // 'new' is the first status, so no status ranks below it and that disjunct is absent.
    expect(put?.['ConditionExpression']).toBe(
      'attribute_not_exists(#orderId) OR #instant < :instant OR #instant = :instant AND #status = :status AND (' +
        '#quantity < :quantity OR #quantity = :quantity AND (#userId < :userId OR #userId = :userId AND (' +
        '#itemName < :itemName OR #itemName = :itemName AND #timestamp < :timestamp)))',
    );
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
    expect(Object.keys(inputsOf('PutItemCommand')[0]?.['Item'] as object).sort()).toEqual(ITEM_ATTRIBUTES);
  });

  it('reports updated when the put replaced an older item', async () => {
    const { repository } = repositoryWith(() => ({ $metadata: {}, Attributes: storedItem('1746273599') }));
    await expect(repository.save(timed(sampleOrder()))).resolves.toEqual({ outcome: 'updated' });
  });

  it('ranks the status by lifecycle in the condition: the statuses before it are "below"', async () => {
    const { repository, inputsOf } = repositoryWith(() => ({ $metadata: {} }));
    await repository.save(timed(sampleOrder({ status: 'processing' })));
    const [put] = inputsOf('PutItemCommand');
    expect(put?.['ConditionExpression']).toContain(
      '#instant = :instant AND (#status IN (:statusBelow0, :statusBelow1) OR #status = :status AND (',
    );
    expect(put?.['ExpressionAttributeValues']).toMatchObject({
      ':statusBelow0': { S: 'new' },
      ':statusBelow1': { S: 'paid' },
      ':status': { S: 'processing' },
      ':quantity': { N: '1' },
    });
  });

  it('reports a won tie as updated, naming the fields that differed', async () => {
    const { repository } = repositoryWith(() => ({ $metadata: {}, Attributes: storedItem('1746273600') }));
    await expect(repository.save(timed(sampleOrder({ status: 'paid' })))).resolves.toEqual({
      outcome: 'updated',
      differingFields: ['status'],
    });
  });

  it('reports a lost tie as a conflict from the returned item, with no extra read', async () => {
    const { repository, calls } = repositoryWith(() => {
      throw conditionFailed(storedItem('1746273600', sampleOrder({ status: 'cancelled', quantity: 2 })));
    });
    await expect(repository.save(timed(sampleOrder({ status: 'paid' })))).resolves.toEqual({
      outcome: 'conflict',
      differingFields: ['quantity', 'status'],
    });
    expect(calls).toHaveLength(1);
  });

  it('tells duplicate from stale using the item the failed condition returned, with no extra read', async () => {
    const same = repositoryWith(() => {
      // Stored in the spelling the tie-break prefers ("…T14…" > "…T12…"), so the put's condition failed.
      throw conditionFailed(storedItem('1746273600', sampleOrder({ timestamp: '2025-05-03T14:00:00+02:00' })));
    });
    await expect(same.repository.save(timed(sampleOrder()))).resolves.toEqual({ outcome: 'duplicate' });
    expect(same.calls).toHaveLength(1);

    const newer = repositoryWith(() => {
      throw conditionFailed(storedItem('1746273600.0002'));
    });
    await expect(
      newer.repository.save(timed(sampleOrder({ timestamp: '2025-05-03T12:00:00.0001Z' }))),
    ).resolves.toEqual({ outcome: 'stale' });
    expect(newer.calls).toHaveLength(1);
  });

  it('falls back to one consistent GetItem when the endpoint returns no item with the failure', async () => {
    const { repository, calls, inputsOf } = repositoryWith((command) => {
      if (command.name === 'PutItemCommand') throw conditionFailed();
      return { $metadata: {}, Item: storedItem('1746273601') };
    });
    await expect(repository.save(timed(sampleOrder()))).resolves.toEqual({ outcome: 'stale' });
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
    await expect(repository.save(timed(sampleOrder()))).resolves.toEqual({ outcome: 'created' });
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

  it('turns a missing table into a systemic RepositoryUnavailableError (table_not_found) caused by ResourceMissingError', async () => {
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
      code: 'table_not_found',
      failureClass: 'systemic',
      retryable: false,
    });
    // Not the default name: provisioning it blindly could create a typo.
    expect(failure.message).toBe(
      'The DynamoDB table "OrdersTest" does not exist: check the name, or create "OrdersTest" by giving "orders provision" the same names.',
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
    expect(serverError).toMatchObject({ code: 'aws_server_error', failureClass: 'transient' });

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

describe('DynamoDbOrderRepository failure codes', () => {
  const failingWith = (error: unknown) =>
    repositoryWith(() => {
      throw error;
    })
      .repository.save(timed(sampleOrder()))
      .catch((e: unknown) => e as RepositoryUnavailableError);

  it.each([
    [
      'throttling',
      Object.assign(new Error('Rate exceeded'), {
        name: 'ProvisionedThroughputExceededException',
        $metadata: { httpStatusCode: 400 },
      }),
      'throttled',
      'transient',
    ],
    [
      'a request timeout',
      Object.assign(new Error('a request has exceeded the configured 3000 ms requestTimeout.'), {
        name: 'TimeoutError',
        code: 'ETIMEDOUT',
      }),
      'timeout',
      'transient',
    ],
    [
      'our own deadline',
      Object.assign(new Error('Request aborted'), { name: 'AbortError' }),
      'deadline_exceeded',
      'transient',
    ],
    [
      'access denied',
      Object.assign(new Error('not authorized'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } }),
      'access_denied',
      'systemic',
    ],
  ])('names %s specifically (not one catch-all) with its class', async (_what, error, code, failureClass) => {
    await expect(failingWith(error)).resolves.toMatchObject({ name: 'RepositoryUnavailableError', code, failureClass });
  });

  it('passes the abort signal of the save to the SDK call', async () => {
    const seen: unknown[] = [];
    const fake = fakeClient(new DynamoDBClient(TEST_CLIENT_CONFIG), () => ({ $metadata: {} }));
    const send = fake.client.send.bind(fake.client);
    fake.client.send = ((command: unknown, options?: unknown) => {
      seen.push(options);
      return send(command as never, options as never);
    }) as typeof fake.client.send;
    const repository = new DynamoDbOrderRepository({ client: fake.client, tableName: 'OrdersTest' });
    const controller = new AbortController();
    await repository.save(timed(sampleOrder()), { signal: controller.signal });
    expect(seen).toEqual([{ abortSignal: controller.signal }]);
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
    // The projection reads the stored trace id too, for `findStored`.
    expect(Object.values(get?.['ExpressionAttributeNames'] as Record<string, string>).sort()).toEqual(
      [...ITEM_ATTRIBUTES, 'traceId'].sort(),
    );
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

describe('DynamoDbOrderRepository with items written before the ordering rule', () => {
  /** As the original write-up's handler stored an order: the six fields, no instant, no updatedAt. */
  const legacyItem = (order: Order): Record<string, AttributeValue> => {
    const { instant: _instant, updatedAt: _updatedAt, ...rest } = storedItem('0', order);
    return rest;
  };

  it('leaves a newer legacy item alone: one put, stale', async () => {
    const { repository, calls } = repositoryWith(() => {
      throw conditionFailed(legacyItem(sampleOrder({ status: 'delivered', timestamp: '2025-06-01T00:00:00Z' })));
    });
    await expect(repository.save(timed(sampleOrder({ timestamp: '2025-05-01T00:00:00Z' })))).resolves.toEqual({
      outcome: 'stale',
    });
    expect(calls).toHaveLength(1);
  });

  it('replaces an older legacy item with a second put conditioned on it being unchanged', async () => {
    const read = legacyItem(sampleOrder({ timestamp: '2025-05-01T00:00:00Z' }));
    let puts = 0;
    const { repository, inputsOf } = repositoryWith(() => {
      if (++puts === 1) throw conditionFailed(read);
      return { $metadata: {}, Attributes: read };
    });
    await expect(repository.save(timed(sampleOrder({ status: 'paid' })))).resolves.toEqual({ outcome: 'updated' });
    const second = inputsOf('PutItemCommand')[1];
    expect(second).toMatchObject({
      ConditionExpression:
        'attribute_exists(#orderId) AND attribute_not_exists(#instant) AND #timestamp = :readTimestamp',
      ExpressionAttributeValues: { ':readTimestamp': { S: '2025-05-01T00:00:00Z' } },
    });
  });

  it('goes round again when the legacy item changed between the read and the second put', async () => {
    const read = legacyItem(sampleOrder({ timestamp: '2025-05-01T00:00:00Z' }));
    let puts = 0;
    const { repository } = repositoryWith(() => {
      puts++;
      if (puts === 1 || puts === 2) throw conditionFailed(puts === 1 ? read : undefined);
      // Round 2: someone brought the item under the rule meanwhile, with a later event.
      throw conditionFailed(storedItem('1746273700', sampleOrder({ status: 'shipped' })));
    });
    await expect(repository.save(timed(sampleOrder({ status: 'paid' })))).resolves.toEqual({ outcome: 'stale' });
    expect(puts).toBe(3);
  });
});
