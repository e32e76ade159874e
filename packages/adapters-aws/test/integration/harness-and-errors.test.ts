import { createServer } from 'node:net';
import { CreateTableCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, ListTopicsCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, ListQueuesCommand } from '@aws-sdk/client-sqs';
import {
  integrationEnvironment,
  resetEmulator,
  selectEndpoint,
  wipeAwsResources,
  type SelectionInputs,
} from '../../../testkit/src/integration';
import { createAwsClients, EndpointUnreachableError, SqsMessageQueue, createSqsClient } from '../../src';

const clients = createAwsClients();

beforeAll(async () => {
  await resetEmulator();
});

afterAll(() => {
  clients.dynamodb.destroy();
  clients.sns.destroy();
  clients.sqs.destroy();
});

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 1));
    });
  });
}

describe('the integration harness', () => {
  it('exported the chosen endpoint and test credentials to this worker', () => {
    const environment = integrationEnvironment();
    expect(environment.endpoint).toMatch(/^https?:\/\//);
    expect(['moto', 'moto-container', 'localstack', 'external']).toContain(environment.kind);
    expect(process.env['AWS_REGION']).toBeTruthy();
    expect(process.env['AWS_ACCESS_KEY_ID']).toBeTruthy();
  });

  it('resets the emulator: tables, queues and topics are gone afterwards', async () => {
    await clients.dynamodb.send(
      new CreateTableCommand({
        TableName: 'ResetMe',
        AttributeDefinitions: [{ AttributeName: 'k', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'k', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await clients.sqs.send(new CreateQueueCommand({ QueueName: 'ResetMe' }));
    await clients.sns.send(new CreateTopicCommand({ Name: 'ResetMe' }));

    const report = await resetEmulator();

    expect(report.method).not.toBe('none');
    expect((await clients.dynamodb.send(new ListTablesCommand({}))).TableNames ?? []).toEqual([]);
    expect((await clients.sqs.send(new ListQueuesCommand({}))).QueueUrls ?? []).toEqual([]);
    expect((await clients.sns.send(new ListTopicsCommand({}))).Topics ?? []).toEqual([]);
  });

  it('can wipe an emulator resource by resource, for LocalStack without a reset API', async () => {
    const { endpoint, region } = integrationEnvironment();
    await clients.sqs.send(new CreateQueueCommand({ QueueName: 'WipeMe-1' }));
    await clients.sqs.send(new CreateQueueCommand({ QueueName: 'WipeMe-2' }));
    await clients.sns.send(new CreateTopicCommand({ Name: 'WipeMe' }));
    await clients.dynamodb.send(
      new CreateTableCommand({
        TableName: 'WipeMe',
        AttributeDefinitions: [{ AttributeName: 'k', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'k', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );

    await expect(wipeAwsResources(endpoint, region)).resolves.toEqual({ tables: 1, queues: 2, topics: 1 });
    expect((await clients.sqs.send(new ListQueuesCommand({}))).QueueUrls ?? []).toEqual([]);
    expect((await clients.sns.send(new ListTopicsCommand({}))).Topics ?? []).toEqual([]);
    expect((await clients.dynamodb.send(new ListTablesCommand({}))).TableNames ?? []).toEqual([]);
  });

  it('refuses to wipe AWS itself', async () => {
    await expect(wipeAwsResources('https://dynamodb.us-east-1.amazonaws.com', 'us-east-1')).rejects.toThrow(/Refusing/);
  });

  it('refuses an AWS_ENDPOINT_URL where nothing answers, instead of trying something else', async () => {
    const port = await closedPort();
    const never = async (): Promise<never> => {
      throw new Error('must not be tried');
    };
    // The order of the other paths, and how each falls through, is unit-tested
    // (packages/testkit/test/unit/endpoint-selection.test.ts); this one needs a real closed port.
    const inputs: SelectionInputs = {
      awsEndpointUrl: `http://127.0.0.1:${port}`,
      python: 'python3',
      localstackImage: 'x',
      motoImage: 'y',
      pullTimeoutMs: 1_000,
      connectEngine: never,
      startLocalStack: never,
      startMotoContainer: never,
      startMotoServer: never,
      log: () => undefined,
    };
    const error = (await selectEndpoint(inputs).catch((e: unknown) => e)) as Error;
    expect(error.message).toContain(`AWS_ENDPOINT_URL is set to http://127.0.0.1:${port}, but nothing answers there.`);
  });
});

describe('an unreachable endpoint', () => {
  it('is a typed, one-sentence error naming the endpoint', async () => {
    const port = await closedPort();
    const client = createSqsClient({
      endpoint: `http://127.0.0.1:${port}`,
      maxAttempts: 1,
      connectionTimeoutMs: 1_000,
    });
    const queue = new SqsMessageQueue({ queueUrl: `http://127.0.0.1:${port}/000000000000/OrderQueue`, client });
    const error = await queue.receive({ maxMessages: 1, waitTimeSeconds: 0 }).catch((e: unknown) => e);
    client.destroy();
    expect(error).toBeInstanceOf(EndpointUnreachableError);
    expect((error as Error).message).toBe(
      `Could not reach the AWS endpoint 127.0.0.1:${port}; check that the emulator or service there is running.`,
    );
  });
});
