import { type AttributeValue, ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbRedriveLease, RedriveInProgressError } from '../../src';
import { INTERNAL_KEY_PREFIX, redriveLeaseKey } from '../../src/redrive-lease';
import { connectionRefused, fakeClient, TEST_CLIENT_CONFIG, type SentCommand } from './support/fake-client';

type Item = Record<string, AttributeValue>;

/**
 * One table item, with the lease's conditional writes evaluated the way DynamoDB would. `loseAnswer`
 * applies the next write and then fails as a lost connection would: what the SDK's retry then finds.
 */
class FakeLeaseTable {
  item: Item | undefined;
  loseAnswer = false;

  handle = (command: SentCommand): unknown => {
    const input = command.input as {
      Item?: Item;
      ExpressionAttributeValues: Record<string, AttributeValue>;
    };
    const values = input.ExpressionAttributeValues;
    const ownerMatches = this.item?.['leaseOwner']?.S === values[':owner']?.S;
    if (command.name === 'PutItemCommand') {
      const expired = Number(this.item?.['leaseExpiresAt']?.N) < Number(values[':now']?.N);
      if (this.item !== undefined && !ownerMatches && !expired)
        throw new ConditionalCheckFailedException({
          message: 'The conditional request failed',
          $metadata: {},
          Item: this.item,
        });
      this.item = input.Item;
    } else if (command.name === 'DeleteItemCommand') {
      if (!ownerMatches)
        throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
      this.item = undefined;
    }
    if (this.loseAnswer) {
      this.loseAnswer = false;
      throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    }
    return { $metadata: {} };
  };
}

function leaseOn(table: FakeLeaseTable, owner: string, clock: { now: () => number }) {
  const { client, inputsOf } = fakeClient(new DynamoDBClient(TEST_CLIENT_CONFIG), table.handle);
  return {
    inputsOf,
    lease: new DynamoDbRedriveLease({
      tableName: 'Orders',
      queueName: 'OrderDLQ',
      client,
      owner,
      clock,
      durationMs: 120_000,
    }),
  };
}

describe('DynamoDbRedriveLease', () => {
  let now = 1_800_000_000_000;
  const clock = { now: () => now };

  it('lets one run hold the lease; a second refuses, naming the holder and when it expires', async () => {
    const table = new FakeLeaseTable();
    const first = await leaseOn(table, 'host-a pid 1', clock).lease.acquire();
    const refused = (await leaseOn(table, 'host-b pid 2', clock)
      .lease.acquire()
      .catch((e: unknown) => e)) as RedriveInProgressError;
    expect(refused).toBeInstanceOf(RedriveInProgressError);
    expect(refused.code).toBe('redrive_in_progress');
    expect(refused.message).toBe(
      `Another redrive of OrderDLQ is running (lease held by host-a pid 1 until ${new Date(now + 120_000).toISOString()}); ` +
        'wait for it to finish, or run again once its lease has expired.',
    );
    await first.release();
    await expect(leaseOn(table, 'host-b pid 2', clock).lease.acquire()).resolves.toBeDefined();
  });

  it('is stored under a key no order can have, and conditionally', async () => {
    const table = new FakeLeaseTable();
    const { lease, inputsOf } = leaseOn(table, 'me', clock);
    await lease.acquire();
    expect(redriveLeaseKey('OrderDLQ').startsWith(INTERNAL_KEY_PREFIX)).toBe(true);
    expect(INTERNAL_KEY_PREFIX).toMatch(/^\p{Cc}/u);
    expect(inputsOf('PutItemCommand')[0]).toMatchObject({
      TableName: 'Orders',
      Item: { orderId: { S: redriveLeaseKey('OrderDLQ') }, leaseOwner: { S: 'me' } },
      ConditionExpression: 'attribute_not_exists(#key) OR #owner = :owner OR #expiresAt < :now',
    });
  });

  it('after a crash, blocks the next run only until the lease expires', async () => {
    const table = new FakeLeaseTable();
    await leaseOn(table, 'crashed', clock).lease.acquire(); // never released
    await expect(leaseOn(table, 'next', clock).lease.acquire()).rejects.toBeInstanceOf(RedriveInProgressError);
    now += 120_001;
    await expect(leaseOn(table, 'next', clock).lease.acquire()).resolves.toBeDefined();
    expect(table.item?.['leaseOwner']?.S).toBe('next');
  });

  it('takes its own lease when the answer to its write was lost and the SDK wrote again', async () => {
    const table = new FakeLeaseTable();
    const { lease } = leaseOn(table, 'me', clock);
    table.loseAnswer = true;
    // The first write landed, its answer did not: the retry finds the item is already ours.
    await expect(lease.acquire()).rejects.toMatchObject({ code: 'endpoint_unreachable' });
    await expect(lease.acquire()).resolves.toBeDefined();
  });

  it('renews while held, and says it is no longer held once someone else took it over', async () => {
    const table = new FakeLeaseTable();
    const held = await leaseOn(table, 'slow', clock).lease.acquire();
    now += 50_000;
    await expect(held.ensureHeld(60_000)).resolves.toBe(true); // renewed: 120 s left again
    expect(Number(table.item?.['leaseExpiresAt']?.N)).toBe(now + 120_000);
    // Paused past its lease; another run took over meanwhile.
    now += 130_000;
    await leaseOn(table, 'other', clock).lease.acquire();
    await expect(held.ensureHeld(60_000)).resolves.toBe(false);
    await held.release();
    expect(table.item?.['leaseOwner']?.S).toBe('other');
  });

  it('never throws on release, even when the table cannot be reached', async () => {
    const table = new FakeLeaseTable();
    const { client } = fakeClient(new DynamoDBClient(TEST_CLIENT_CONFIG), (command) =>
      command.name === 'DeleteItemCommand' ? Promise.reject(connectionRefused()) : table.handle(command),
    );
    const held = await new DynamoDbRedriveLease({
      tableName: 'Orders',
      queueName: 'OrderDLQ',
      client,
      clock,
    }).acquire();
    await expect(held.release()).resolves.toBeUndefined();
  });
});
