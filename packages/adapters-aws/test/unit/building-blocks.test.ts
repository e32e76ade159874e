import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { awsClientConfig, DEFAULT_DYNAMODB_MAX_ATTEMPTS } from '../../src/aws-client-config';
import { chunkForBatch } from '../../src/batching';
import { createSqsClient } from '../../src';
import { redrivePolicy, sameJsonAttribute, topicToQueuePolicy } from '../../src/queue-policies';

describe('chunkForBatch', () => {
  it('splits by count, keeping input indexes', () => {
    const batches = chunkForBatch(['a', 'b', 'c', 'd', 'e'], 2);
    expect(batches.map((batch) => batch.map((entry) => `${entry.index}:${entry.item}`))).toEqual([
      ['0:a', '1:b'],
      ['2:c', '3:d'],
      ['4:e'],
    ]);
  });

  it('splits by size too, and gives an oversized item a batch of its own', () => {
    const sizes = [4, 4, 9, 1, 1];
    const batches = chunkForBatch(sizes, 10, 8, (size) => size);
    expect(batches.map((batch) => batch.map((entry) => entry.item))).toEqual([[4, 4], [9], [1, 1]]);
  });

  it('returns no batch for no items and refuses a silly batch size', () => {
    expect(chunkForBatch([], 10)).toEqual([]);
    expect(() => chunkForBatch([1], 0)).toThrow(RangeError);
  });
});

describe('queue policies', () => {
  it('admits only sns.amazonaws.com, only SendMessage, only from the topic', () => {
    const policy = JSON.parse(
      topicToQueuePolicy('arn:aws:sqs:us-east-1:1:OrderQueue', 'arn:aws:sns:us-east-1:1:OrderTopic'),
    );
    expect(policy.Statement).toEqual([
      {
        Sid: 'AllowOrderTopicSendMessage',
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: 'arn:aws:sqs:us-east-1:1:OrderQueue',
        Condition: { ArnEquals: { 'aws:SourceArn': 'arn:aws:sns:us-east-1:1:OrderTopic' } },
      },
    ]);
  });

  it('compares JSON attributes by meaning, not by spelling', () => {
    const ours = redrivePolicy('arn:dlq', 3);
    expect(sameJsonAttribute(ours, '{"maxReceiveCount":"3","deadLetterTargetArn":"arn:dlq"}')).toBe(true);
    expect(sameJsonAttribute(ours, '{ "deadLetterTargetArn": "arn:dlq", "maxReceiveCount": 3 }')).toBe(true);
    expect(sameJsonAttribute(ours, '{"deadLetterTargetArn":"arn:dlq","maxReceiveCount":5}')).toBe(false);
    expect(sameJsonAttribute('180', '180')).toBe(true);
    expect(sameJsonAttribute(undefined, '180')).toBe(false);
  });
});

describe('client configuration', () => {
  it('only overrides what it is given, and keeps AWS_MAX_ATTEMPTS in charge when set', () => {
    expect(awsClientConfig({}, DEFAULT_DYNAMODB_MAX_ATTEMPTS, {})).toEqual({
      maxAttempts: 4,
      requestHandler: {
        connectionTimeout: 5000,
        requestTimeout: 5000,
        throwOnRequestTimeout: true,
        socketTimeout: 5000,
        httpAgent: { maxSockets: 50 },
        httpsAgent: { maxSockets: 50 },
      },
    });
    expect(awsClientConfig({}, 4, { AWS_MAX_ATTEMPTS: '7' })).not.toHaveProperty('maxAttempts');
    expect(
      awsClientConfig({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:4566', maxAttempts: 2 }, 4, {}),
    ).toMatchObject({
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:4566',
      maxAttempts: 2,
    });
  });

  /** Captures where a request would go, after every endpoint rule ran, without sending it. */
  async function targetOf(client: SQSClient, queueUrl: string): Promise<string> {
    let target = '';
    client.middlewareStack.add(
      () => async (args) => {
        const request = args.request as { hostname?: string; port?: number };
        target = `${request.hostname ?? ''}:${request.port ?? ''}`;
        throw new Error('captured');
      },
      { step: 'finalizeRequest', priority: 'low' },
    );
    await client
      .send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))
      .catch(() => undefined);
    return target;
  }

  it('sends SQS calls to the configured endpoint, never to the host inside a queue URL', async () => {
    const client = createSqsClient({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:4566',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    await expect(targetOf(client, 'http://localhost.localstack.cloud:9999/000000000000/OrderQueue')).resolves.toBe(
      '127.0.0.1:4566',
    );
  });

  it('does so for an endpoint that comes from AWS_ENDPOINT_URL as well (where the SDK default would follow the queue URL)', async () => {
    const saved = process.env['AWS_ENDPOINT_URL'];
    process.env['AWS_ENDPOINT_URL'] = 'http://127.0.0.1:4567';
    try {
      const ours = createSqsClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
      await expect(targetOf(ours, 'http://elsewhere.invalid:9999/000000000000/OrderQueue')).resolves.toBe(
        '127.0.0.1:4567',
      );
      // The SDK default, for contrast: this is what the adapter protects against.
      const plain = new SQSClient({
        region: 'us-east-1',
        credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
        logger: silentSdkLogger,
      });
      await expect(targetOf(plain, 'http://elsewhere.invalid:9999/000000000000/OrderQueue')).resolves.toBe(
        'elsewhere.invalid:9999',
      );
    } finally {
      if (saved === undefined) delete process.env['AWS_ENDPOINT_URL'];
      else process.env['AWS_ENDPOINT_URL'] = saved;
    }
  });
});

const silentSdkLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
