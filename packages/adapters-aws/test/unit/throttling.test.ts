import { Readable } from 'node:stream';
import {
  DynamoDBClient,
  type DynamoDBClientConfig,
  ProvisionedThroughputExceededException,
  RequestLimitExceeded,
  ThrottlingException,
} from '@aws-sdk/client-dynamodb';
import {
  describeError,
  isThrottled,
  parseRfc3339Instant,
  ProcessOrderBatch,
  RepositoryUnavailableError,
  type TimedOrder,
} from '@orders/core';
import { rawBody, sampleOrder } from '@orders/testkit';
import { AwsRequestError, DynamoDbOrderRepository } from '../../src';
import { isThrottlingError, toInfrastructureError } from '../../src/aws-error-translation';
import { fakeClient, TEST_CLIENT_CONFIG } from './support/fake-client';

const put = { service: 'DynamoDB', operation: 'PutItem' } as const;

const timed = (orderId = 'O1'): TimedOrder => {
  const order = sampleOrder({ orderId });
  const parsed = parseRfc3339Instant(order.timestamp);
  if (!parsed.ok) throw new Error(parsed.problem.reason);
  return { order, instant: parsed.instant };
};

const hotKey = [
  { reason: 'TableWriteKeyRangeThroughputExceeded', resource: 'arn:aws:dynamodb:us-east-1:1:table/Orders' },
];

/** Each way DynamoDB says "too much, slow down", as the SDK hands it over (400, client fault). */
const THROTTLES: readonly [string, () => Error][] = [
  [
    'ProvisionedThroughputExceededException',
    () =>
      new ProvisionedThroughputExceededException({
        message: 'The level of configured provisioned throughput for the table was exceeded.',
        $metadata: { httpStatusCode: 400 },
      }),
  ],
  [
    'ThrottlingException',
    () => new ThrottlingException({ message: 'Throughput exceeds the limit.', $metadata: { httpStatusCode: 400 } }),
  ],
  [
    'RequestLimitExceeded',
    () =>
      new RequestLimitExceeded({
        message: 'Throughput exceeds the current throughput quota for your account.',
        $metadata: { httpStatusCode: 400 },
      }),
  ],
  [
    'ThrottlingException with reason KeyRangeThroughputExceeded (a hot key)',
    () =>
      new ThrottlingException({
        message: 'Throughput exceeds the limit.',
        $metadata: { httpStatusCode: 400 },
        throttlingReasons: hotKey,
      }),
  ],
  [
    'ProvisionedThroughputExceededException with reason KeyRangeThroughputExceeded',
    () =>
      new ProvisionedThroughputExceededException({
        message: 'Throughput exceeds the limit.',
        $metadata: { httpStatusCode: 400 },
        ThrottlingReasons: hotKey,
      }),
  ],
  // Named after its reason (a proxy, an emulator or another SDK spelling it so): still a throttle.
  [
    'KeyRangeThroughputExceeded (by name)',
    () =>
      Object.assign(new Error('Throughput exceeds the limit for this key.'), {
        name: 'KeyRangeThroughputExceeded',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
      }),
  ],
  [
    'TableWriteKeyRangeThroughputExceeded (by name)',
    () =>
      Object.assign(new Error('Throughput exceeds the limit for this key.'), {
        name: 'TableWriteKeyRangeThroughputExceeded',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
      }),
  ],
  // An exception this SDK does not know, carrying DynamoDB's throttling reasons: a throttle all the same.
  [
    'an unknown exception with throttling reasons',
    () =>
      Object.assign(new Error('Slow down.'), {
        name: 'SomeNewThrottleException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        ThrottlingReasons: [{ reason: 'TableWriteSomeNewLimitExceeded' }],
      }),
  ],
];

describe('DynamoDB throttling is transient, whichever way it is spelled', () => {
  it.each(THROTTLES)('%s → throttled, retryable, transient', (_, make) => {
    const error = toInfrastructureError(make(), put);
    expect(error).toBeInstanceOf(AwsRequestError);
    expect(error).toMatchObject({ code: 'throttled', retryable: true, failureClass: 'transient' });
    expect(isThrottlingError(make())).toBe(true);
  });

  it.each(THROTTLES)(
    '%s → through the repository: a transient `throttled` failure the use case reads as pressure',
    async (_, make) => {
      const { client } = fakeClient(new DynamoDBClient(TEST_CLIENT_CONFIG), () => {
        throw make();
      });
      const repository = new DynamoDbOrderRepository({ client, tableName: 'Orders' });
      const error = await repository.save(timed()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RepositoryUnavailableError);
      const description = describeError(error);
      expect(description).toMatchObject({ code: 'throttled', failureClass: 'transient' });
      expect(isThrottled(description)).toBe(true);
    },
  );

  it('names the reason in the message, so a hot key reads as one', () => {
    const error = toInfrastructureError(
      new ThrottlingException({ message: 'x', $metadata: { httpStatusCode: 400 }, throttlingReasons: hotKey }),
      put,
    );
    expect(error.message).toBe(
      'DynamoDB PutItem failed: still throttled after retries (ThrottlingException: TableWriteKeyRangeThroughputExceeded).',
    );
  });

  it.each([
    ['ValidationException', 400],
    ['ConditionalCheckFailedException', 400],
    ['AccessDeniedException', 400],
  ])('%s is not throttling', (name, status) => {
    const error = Object.assign(new Error('no'), { name, $fault: 'client', $metadata: { httpStatusCode: status } });
    expect(isThrottlingError(error)).toBe(false);
    expect(toInfrastructureError(error, put).code).not.toBe('throttled');
  });
});

/**
 * A real DynamoDBClient whose HTTP layer answers from a script: `throttles` throttled answers (400
 * ThrottlingException, a hot key), then 200. Its retry strategy waits 0 ms between attempts (the
 * SDK's own waits a second or more after a throttle); what is under test is which attempts the
 * repository sees, through the SDK's real retry middleware.
 */
function scriptedClient(throttles: number, maxAttempts = 4): { client: DynamoDBClient; requests: () => number } {
  let requests = 0;
  const body = (text: string) => Readable.from([Buffer.from(text)]);
  const requestHandler = {
    handle: async () => {
      requests++;
      const throttled = requests <= throttles;
      return {
        response: {
          statusCode: throttled ? 400 : 200,
          headers: { 'content-type': 'application/x-amz-json-1.0' },
          body: body(
            throttled
              ? JSON.stringify({
                  __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException',
                  message: 'Throughput exceeds the limit.',
                  throttlingReasons: hotKey,
                })
              : '{}',
          ),
        },
      };
    },
  };
  const retryStrategy = {
    mode: 'standard',
    acquireInitialRetryToken: async () => ({ getRetryCount: () => 0, getRetryDelay: () => 0 }),
    refreshRetryTokenForRetry: async (
      token: { getRetryCount: () => number },
      info: { error: unknown },
    ): Promise<{ getRetryCount: () => number; getRetryDelay: () => number }> => {
      const count = token.getRetryCount() + 1;
      if (count >= maxAttempts) throw info.error;
      return { getRetryCount: () => count, getRetryDelay: () => 0 };
    },
    recordSuccess: () => undefined,
  };
  const config = { ...TEST_CLIENT_CONFIG, requestHandler, retryStrategy } as unknown as DynamoDBClientConfig;
  return { client: new DynamoDBClient(config), requests: () => requests };
}

describe('DynamoDbOrderRepository reports each throttled attempt, the ones the SDK retried past too', () => {
  it('a save the SDK got through after two throttled attempts: created, and two throttled attempts told', async () => {
    const { client, requests } = scriptedClient(2);
    const repository = new DynamoDbOrderRepository({ client, tableName: 'Orders' });
    let told = 0;
    await expect(repository.save(timed(), { onThrottledAttempt: () => told++ })).resolves.toEqual({
      outcome: 'created',
    });
    expect(requests()).toBe(3);
    expect(told).toBe(2);
  });

  it('a save throttled on every attempt: fails as throttled, each attempt told', async () => {
    const { client, requests } = scriptedClient(10);
    const repository = new DynamoDbOrderRepository({ client, tableName: 'Orders' });
    let told = 0;
    const error = await repository.save(timed(), { onThrottledAttempt: () => told++ }).catch((e: unknown) => e);
    expect(describeError(error)).toMatchObject({ code: 'throttled', failureClass: 'transient' });
    expect(requests()).toBe(4);
    expect(told).toBe(4);
  });

  it('a save never throttled tells nothing', async () => {
    const { client } = scriptedClient(0);
    let told = 0;
    await new DynamoDbOrderRepository({ client, tableName: 'Orders' }).save(timed(), {
      onThrottledAttempt: () => told++,
    });
    expect(told).toBe(0);
  });

  it('in the use case: the record is acknowledged, the save counted as throttled and the write limit cut', async () => {
    const { client } = scriptedClient(1);
    const useCase = new ProcessOrderBatch({ repository: new DynamoDbOrderRepository({ client, tableName: 'Orders' }) });
    const result = await useCase.execute([{ messageId: 'm1', body: rawBody(sampleOrder({ orderId: 'O1' })) }]);
    expect(result.outcomes[0]).toMatchObject({ status: 'created' });
    expect(result.failedMessageIds).toEqual([]);
    expect(result.throttledSaves).toBe(1);
    expect(result.writeConcurrency).toBe(1);
  });
});
