import { DEFAULT_MAX_SOCKETS } from '@orders/adapters-aws';
import { dynamoDbClientConfig, sqsClientConfig } from '../../../adapters-aws/src/aws-client-config';
import { consumerClientOptions, consumerMaxInFlight, consumerSocketPools } from '../../src/consume/consumer-sockets';

describe('orders consume: a socket for every call the consumer can have in flight', () => {
  it("resolves the in-flight limit it sizes for (QueueConsumer's default: 3 batches of 10 per poller)", () => {
    expect(consumerMaxInFlight({ pollers: 2 })).toBe(60);
    expect(consumerMaxInFlight({ pollers: 5, maxInFlight: undefined })).toBe(150);
    expect(consumerMaxInFlight({ pollers: 2, maxInFlight: 500 })).toBe(500);
  });

  it('by default holds more messages than the SDK default pool: the pools are what keep calls from queuing', () => {
    expect(consumerMaxInFlight({ pollers: 2 })).toBeGreaterThan(DEFAULT_MAX_SOCKETS);
  });

  it.each([
    { pollers: 1, maxInFlight: 10 },
    { pollers: 2, maxInFlight: undefined },
    { pollers: 2, maxInFlight: 60 },
    { pollers: 64, maxInFlight: 10 },
    { pollers: 8, maxInFlight: 10_000 },
  ])('sizes both clients for %o', (load) => {
    const maxInFlight = consumerMaxInFlight(load);
    const pools = consumerSocketPools(load);
    // DynamoDB: one save per message in hand, plus the batches given up on that still run.
    expect(pools.dynamodb).toBeGreaterThanOrEqual(maxInFlight + 2 * load.pollers * 10);
    // SQS: a receive per poller, a delete and a visibility change per message, the depth probe.
    expect(pools.sqs).toBeGreaterThanOrEqual(load.pollers + 2 * maxInFlight + 1);
  });

  it('builds the clients with those pools, on the target the command resolved', () => {
    const target = { endpoint: 'http://127.0.0.1:4566', region: 'eu-west-1', requestTimeoutMs: 900 };
    const options = consumerClientOptions(target, { pollers: 3, maxInFlight: 400 });
    expect(options.dynamodb).toMatchObject(target);
    expect(options.sqs).toMatchObject(target);
    const dynamodb = dynamoDbClientConfig(options.dynamodb, {}).requestHandler;
    const sqs = sqsClientConfig(options.sqs, {}).requestHandler;
    for (const agent of [dynamodb.httpAgent, dynamodb.httpsAgent])
      expect(agent.maxSockets).toBeGreaterThanOrEqual(400 + 3);
    for (const agent of [sqs.httpAgent, sqs.httpsAgent]) expect(agent.maxSockets).toBeGreaterThanOrEqual(3 + 2 * 400);
  });
});
