import { SQSClient } from '@aws-sdk/client-sqs';
import { ClientSettingError, createSqsClient, DlqTools, SqsMessageQueue } from '../../src';
import {
  DEFAULT_REQUEST_TIMEOUT_MS,
  dynamoDbClientConfig,
  longPollRequestTimeoutMs,
  sqsClientConfig,
} from '../../src/aws-client-config';
import { fakeClient, TEST_CLIENT_CONFIG } from './support/fake-client';

describe('every client has a request timeout and bounded retries, set in one place', () => {
  it('takes its timeouts from code options, then the environment, then the service default', () => {
    expect(dynamoDbClientConfig({}, {})).toMatchObject({
      maxAttempts: 4,
      requestHandler: {
        requestTimeout: 3000,
        socketTimeout: 3000,
        connectionTimeout: 5000,
        throwOnRequestTimeout: true,
      },
    });
    const env = { ORDERS_AWS_REQUEST_TIMEOUT_MS: '800', ORDERS_AWS_CONNECTION_TIMEOUT_MS: '1500' };
    expect(dynamoDbClientConfig({}, env).requestHandler).toMatchObject({
      requestTimeout: 800,
      socketTimeout: 800,
      connectionTimeout: 1500,
    });
    expect(dynamoDbClientConfig({ requestTimeoutMs: 250 }, env).requestHandler).toMatchObject({ requestTimeout: 250 });
  });

  it('leaves the attempts to AWS_MAX_ATTEMPTS when it is set, and refuses a retry bound out of range', () => {
    expect(dynamoDbClientConfig({}, { AWS_MAX_ATTEMPTS: '6' })).not.toHaveProperty('maxAttempts');
    expect(() => dynamoDbClientConfig({ maxAttempts: 0 }, {})).toThrow(RangeError);
  });

  it('refuses an unusable environment value with a sentence that names the variable', () => {
    for (const bad of ['abc', '0', '99', '1.5', '900000']) {
      expect(() => dynamoDbClientConfig({}, { ORDERS_AWS_REQUEST_TIMEOUT_MS: bad })).toThrow(
        new ClientSettingError(
          `ORDERS_AWS_REQUEST_TIMEOUT_MS must be a whole number of milliseconds from 100 to 300000, got "${bad}"`,
        ),
      );
    }
    expect(() => createSqsClient({}).destroy()).not.toThrow();
  });

  it('lets SQS sockets stay silent through the longest long poll, and every other SQS call only its request timeout', () => {
    const config = sqsClientConfig({}, {});
    expect(config.requestHandler.requestTimeout).toBe(DEFAULT_REQUEST_TIMEOUT_MS);
    expect(config.requestHandler.socketTimeout).toBe(20_000 + DEFAULT_REQUEST_TIMEOUT_MS);
    expect(config.useQueueUrlAsEndpoint).toBe(false);
    expect(longPollRequestTimeoutMs(20, 5000)).toBe(25_000);
  });
});

describe('long polls get a timeout longer than their wait, per call', () => {
  it('SqsMessageQueue.receive', async () => {
    const { client, calls } = fakeClient(new SQSClient(TEST_CLIENT_CONFIG), () => ({ $metadata: {} }));
    const queue = new SqsMessageQueue({ queueUrl: 'http://q/000000000000/OrderQueue', client });
    await queue.receive({ maxMessages: 10, waitTimeSeconds: 20 });
    await queue.receive({ maxMessages: 10, waitTimeSeconds: 0 });
    expect(calls.map((call) => call.options?.['requestTimeout'])).toEqual([25_000, 5_000]);
  });

  it('SqsMessageQueue.receive, with the request timeout the environment or options set', async () => {
    const { client, calls } = fakeClient(new SQSClient(TEST_CLIENT_CONFIG), () => ({ $metadata: {} }));
    const queue = new SqsMessageQueue({
      queueUrl: 'http://q/000000000000/OrderQueue',
      client,
      clientOptions: { requestTimeoutMs: 700 },
    });
    await queue.receive({ maxMessages: 1, waitTimeSeconds: 2 });
    expect(calls[0]?.options?.['requestTimeout']).toBe(2_700);
  });

  it('the DLQ tools', async () => {
    const { client, calls } = fakeClient(new SQSClient(TEST_CLIENT_CONFIG), () => ({ $metadata: {} }));
    const tools = new DlqTools({ dlqUrl: 'http://q/0/OrderDLQ', sourceQueueUrl: 'http://q/0/OrderQueue', client });
    await tools.list({ waitTimeSeconds: 3 });
    expect(calls.find((call) => call.name === 'ReceiveMessageCommand')?.options?.['requestTimeout']).toBe(8_000);
  });
});
