import { type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  createDynamoDbClient,
  DEFAULT_MAX_SOCKETS,
  dynamoDbClientConfig,
  maxSocketsFor,
  sqsClientConfig,
  type AwsClientOptions,
} from '../../src/aws-client-config';
import { startSlowEndpoint, type SlowEndpoint } from './support/slow-endpoint';

describe("a client's socket pool", () => {
  it("is the SDK's 50 unless set, on the agent of either scheme, and one sized for N calls holds N", () => {
    expect(dynamoDbClientConfig({}, {}).requestHandler).toMatchObject({
      httpAgent: { maxSockets: DEFAULT_MAX_SOCKETS },
      httpsAgent: { maxSockets: DEFAULT_MAX_SOCKETS },
    });
    expect(sqsClientConfig({ maxSockets: 300 }, {}).requestHandler).toMatchObject({
      httpAgent: { maxSockets: 300 },
      httpsAgent: { maxSockets: 300 },
    });
    for (const calls of [0, 1, 60, 10_000]) expect(maxSocketsFor(calls)).toBeGreaterThanOrEqual(calls);
    expect(() => maxSocketsFor(-1)).toThrow(RangeError);
    expect(() => dynamoDbClientConfig({ maxSockets: 0 }, {})).toThrow(RangeError);
    expect(() => dynamoDbClientConfig({ maxSockets: 1.5 }, {})).toThrow(RangeError);
  });
});

/**
 * Slow writes (every answer takes SERVER_DELAY_MS) and more calls at once than the SDK's 50 sockets,
 * with a request timeout shorter than two answers: a call that has to wait for a socket cannot be
 * answered within it, because the SDK starts its request timeout before it has a socket.
 */
describe('more calls at once than the SDK default pool, against slow writes (loopback)', () => {
  const SERVER_DELAY_MS = 2_000;
  const REQUEST_TIMEOUT_MS = 3_000;
  const CALLS = 60;
  const JEST_TIMEOUT_MS = 60_000;
  let endpoint: SlowEndpoint;
  let client: DynamoDBClient | undefined;

  beforeEach(async () => {
    endpoint = await startSlowEndpoint(SERVER_DELAY_MS, (body) => {
      const item = body['Item'] as Record<string, { S?: string }> | undefined;
      return item?.['id']?.S ?? '(none)';
    });
  });

  afterEach(async () => {
    client?.destroy();
    client = undefined;
    await endpoint.close();
  });

  const clientWith = (options: AwsClientOptions): DynamoDBClient =>
    createDynamoDbClient({
      endpoint: endpoint.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      ...options,
    });

  const putAll = (dynamodb: DynamoDBClient) =>
    Promise.allSettled(
      Array.from({ length: CALLS }, (_, i) =>
        dynamodb.send(new PutItemCommand({ TableName: 'Orders', Item: { id: { S: `k${i}` } } })),
      ),
    );

  it(
    "with the SDK's 50 sockets, a call that waited for one times out after its write landed (the finding in aws-client-config.ts)",
    async () => {
      client = clientWith({ maxAttempts: 1 });
      const results = await putAll(client);
      const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as Error] : []));
      // Every write reached the endpoint exactly once...
      expect(endpoint.received.size).toBe(CALLS);
      expect([...endpoint.received.values()].every((count) => count === 1)).toBe(true);
      // ...yet the calls that queued for a socket were reported timed out, as the SDK's own TimeoutError.
      expect(failures.length).toBeGreaterThan(0);
      expect(failures.length).toBeLessThanOrEqual(CALLS - DEFAULT_MAX_SOCKETS);
      expect(failures.map((error) => error.name)).toEqual(failures.map(() => 'TimeoutError'));
    },
    JEST_TIMEOUT_MS,
  );

  it(
    'with a pool sized for them, every call gets a socket at once: none times out, none is sent twice',
    async () => {
      client = clientWith({ maxSockets: maxSocketsFor(CALLS) });
      const results = await putAll(client);
      expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
      expect(
        results.map((result) => (result.status === 'fulfilled' ? result.value.$metadata.attempts : undefined)),
      ).toEqual(results.map(() => 1));
      expect(endpoint.requests()).toBe(CALLS);
      expect([...endpoint.received.values()].every((count) => count === 1)).toBe(true);
      // More than the SDK's default pool were on the wire together.
      expect(endpoint.mostAtOnce()).toBeGreaterThan(DEFAULT_MAX_SOCKETS);
    },
    JEST_TIMEOUT_MS,
  );
});
