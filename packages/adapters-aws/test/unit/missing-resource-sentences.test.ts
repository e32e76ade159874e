import { DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { QueueDoesNotExist, SQSClient } from '@aws-sdk/client-sqs';
import { RepositoryUnavailableError } from '@orders/core';
import {
  AwsRequestError,
  describeMissingResources,
  DynamoDbOrderRepository,
  describeResources,
  EndpointUnreachableError,
  type MissingResource,
  ResourceMissingError,
  withSimilarNames,
} from '../../src';
import { similarNames } from '../../src/similar-resource-names';
import { fakeClient, TEST_CLIENT_CONFIG, type FakeHandler } from './support/fake-client';

// Each error names what the user actually did and what to do, once, in one sentence: a name that
// is not the default is never answered with "run orders provision" (which would create the typo).

const queue = (name: string, similar?: readonly string[]): MissingResource => ({
  type: 'SQS queue',
  name,
  ...(similar === undefined ? {} : { similar }),
});

describe('EndpointUnreachableError names only what did not answer', () => {
  it.each([
    [
      '127.0.0.1:5999',
      'Could not reach the AWS endpoint 127.0.0.1:5999; check that the emulator or service there is running.',
    ],
    [
      'sts.us-east-1.amazonaws.com',
      "Could not reach AWS at sts.us-east-1.amazonaws.com; check this machine's network access.",
    ],
    [undefined, 'Could not reach the AWS endpoint; check that the emulator or service it names is running.'],
  ])('%s', (endpoint, sentence) => {
    // Not "check AWS_ENDPOINT_URL": the adapter cannot know whether that variable, --endpoint or nothing chose it.
    expect(new EndpointUnreachableError(endpoint).message).toBe(sentence);
  });
});

describe('describeMissingResources', () => {
  it('tells to provision a default name', () => {
    expect(describeMissingResources([queue('OrderQueue')])).toBe(
      'The SQS queue "OrderQueue" does not exist; run "orders provision" to create it.',
    );
    expect(describeMissingResources([queue('OrderQueue', ['orderqueue'])])).toBe(
      'The SQS queue "OrderQueue" does not exist ("orderqueue" does); run "orders provision" to create it.',
    );
  });

  it('points a typo at the names that exist, and says that provisioning would create the typo', () => {
    expect(describeMissingResources([queue('OrderQeue', ['OrderQueue'])])).toBe(
      'The SQS queue "OrderQeue" does not exist, but "OrderQueue" does: check the name, as "orders provision" would create "OrderQeue" as given.',
    );
    expect(describeMissingResources([queue('OrderQ', ['OrderDLQ', 'OrderQueue'])])).toBe(
      'The SQS queue "OrderQ" does not exist, but "OrderDLQ" and "OrderQueue" do: check the name, as "orders provision" would create "OrderQ" as given.',
    );
  });

  it('says that no similar name exists only when the names were looked up', () => {
    expect(describeMissingResources([queue('MyQueue', [])])).toBe(
      'The SQS queue "MyQueue" does not exist, nor any with a similar name: check the name, or create "MyQueue" by giving "orders provision" the same names.',
    );
    expect(describeMissingResources([queue('MyQueue')])).toBe(
      'The SQS queue "MyQueue" does not exist: check the name, or create "MyQueue" by giving "orders provision" the same names.',
    );
  });

  it('says where it looked, once when all share the place', () => {
    const where = () => 'at http://127.0.0.1:5000 (us-east-1)';
    expect(describeMissingResources([queue('OrderQueue')], where)).toBe(
      'The SQS queue "OrderQueue" does not exist at http://127.0.0.1:5000 (us-east-1); run "orders provision" to create it.',
    );
    expect(describeMissingResources([{ type: 'DynamoDB table', name: 'Orders' }, queue('OrderDLQ')], where)).toBe(
      'These resources do not exist at http://127.0.0.1:5000 (us-east-1): DynamoDB table "Orders", SQS queue "OrderDLQ"; run "orders provision" to create them.',
    );
    const perService = (resource: MissingResource) =>
      resource.type === 'SQS queue' ? 'at http://127.0.0.1:5001' : 'at http://127.0.0.1:5000';
    expect(describeMissingResources([{ type: 'DynamoDB table', name: 'Orders' }, queue('OrderDLQ')], perService)).toBe(
      'These resources do not exist: DynamoDB table "Orders" at http://127.0.0.1:5000, SQS queue "OrderDLQ" at http://127.0.0.1:5001; run "orders provision" to create them.',
    );
  });

  it('with several missing, asks to check the names that are not defaults before provisioning', () => {
    expect(
      describeMissingResources([
        { type: 'DynamoDB table', name: 'Orders', similar: [] },
        queue('OrderQeue', ['OrderQueue']),
      ]),
    ).toBe(
      'These resources do not exist: DynamoDB table "Orders", SQS queue "OrderQeue" (similar: "OrderQueue"); check "OrderQeue" first, as "orders provision" would create it as given.',
    );
  });

  it('with several names of its own and none alike, offers to create them under those names', () => {
    expect(
      describeMissingResources([
        { type: 'DynamoDB table', name: 'Orders-dev', similar: [] },
        queue('OrderQueue-dev', []),
      ]),
    ).toBe(
      'These resources do not exist: DynamoDB table "Orders-dev", SQS queue "OrderQueue-dev"; check the names, or create them by giving "orders provision" the same names.',
    );
  });

  it('is the message of ResourceMissingError', () => {
    expect(new ResourceMissingError([queue('OrderQeue', ['OrderQueue'])]).message).toBe(
      describeMissingResources([queue('OrderQeue', ['OrderQueue'])]),
    );
  });
});

describe('similarNames', () => {
  const existing = ['OrderQueue', 'OrderDLQ', 'OrderSubscriptionDLQ', 'OrderQueue-3f9a', 'OrderDLQ-dev', 'Payments'];

  it.each([
    ['OrderQeue', ['OrderQueue']], // a dropped letter
    ['OrdreQueue', ['OrderQueue']], // swapped neighbours
    ['orderqueue', ['OrderQueue']], // letter case
    ['OrderDL', ['OrderDLQ']],
    ['OrderQueue-3f9b', ['OrderQueue-3f9a']],
    ['OrderQeue-dev', []], // a shared suffix is not a likeness either: OrderDLQ-dev is 4 edits away
    ['Invoices', []],
    ['Order', []], // a shared prefix alone is not a likeness
  ])('%s → %p', (name, expected) => {
    expect(similarNames(name, existing)).toEqual(expected);
  });

  it('never offers the name itself, and at most three, closest first', () => {
    expect(similarNames('Q1', ['Q1', 'Q2', 'Q3', 'Q4', 'Q5', 'Q12'])).toEqual(['Q12', 'Q2', 'Q3']);
  });
});

describe('withSimilarNames', () => {
  const sqsListing =
    (urls: readonly string[]): FakeHandler =>
    (command) => {
      if (command.name === 'ListQueuesCommand') return { $metadata: {}, QueueUrls: urls };
      throw new Error(`unexpected ${command.name}`);
    };

  it('adds the existing names alike, from one listing per resource type', async () => {
    const sqs = fakeClient(
      new SQSClient(TEST_CLIENT_CONFIG),
      sqsListing(['http://127.0.0.1:5000/000000000000/OrderQueue', 'http://127.0.0.1:5000/000000000000/OrderDLQ']),
    );
    const error = await withSimilarNames(new ResourceMissingError([queue('OrderQeue'), queue('OrderDL')]), {
      clients: { sqs: sqs.client },
    });
    expect(error).toBeInstanceOf(ResourceMissingError);
    expect((error as ResourceMissingError).missing).toEqual([
      queue('OrderQeue', ['OrderQueue']),
      queue('OrderDL', ['OrderDLQ']),
    ]);
    expect(sqs.calls.map((call) => call.name)).toEqual(['ListQueuesCommand']);
  });

  it('leaves the error as it was when the listing fails', async () => {
    const sqs = fakeClient(new SQSClient(TEST_CLIENT_CONFIG), () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:5000');
    });
    const original = new ResourceMissingError([queue('OrderQeue')]);
    const error = (await withSimilarNames(original, { clients: { sqs: sqs.client } })) as ResourceMissingError;
    expect(error.missing).toEqual([queue('OrderQeue')]);
    expect(error.message).toBe(original.message);
  });

  it('unwraps a repository failure caused by a missing table, and passes any other error through', async () => {
    const dynamodb = fakeClient(new DynamoDBClient(TEST_CLIENT_CONFIG), (command) => {
      if (command.name === 'ListTablesCommand') return { $metadata: {}, TableNames: ['Orders', 'Payments'] };
      throw new ResourceNotFoundException({ message: 'Requested resource not found', $metadata: {} });
    });
    const repository = new DynamoDbOrderRepository({ tableName: 'Ordrs', client: dynamodb.client });
    const failure = await repository.findStored('O-1').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RepositoryUnavailableError);
    const error = await withSimilarNames(failure, { clients: { dynamodb: dynamodb.client } });
    expect(error).toBeInstanceOf(ResourceMissingError);
    expect((error as ResourceMissingError).message).toBe(
      'The DynamoDB table "Ordrs" does not exist, but "Orders" does: check the name, as "orders provision" would create "Ordrs" as given.',
    );
    const other = new AwsRequestError('access_denied', 'denied', {
      service: 'SQS',
      operation: 'GetQueueUrl',
      awsErrorName: 'AccessDenied',
      retryable: false,
    });
    await expect(withSimilarNames(other, { clients: {} })).resolves.toBe(other);
  });
});

describe('describeResources names the similar resources that exist', () => {
  it('for a queue typo, the queues alike; nothing is created', async () => {
    const queueUrl = (name: string) => `http://127.0.0.1:5000/000000000000/${name}`;
    const sqs = fakeClient(new SQSClient(TEST_CLIENT_CONFIG), (command) => {
      if (command.name === 'GetQueueUrlCommand') {
        const name = command.input['QueueName'] as string;
        if (name === 'OrderDLQ') return { $metadata: {}, QueueUrl: queueUrl(name) };
        throw new QueueDoesNotExist({ message: 'The specified queue does not exist.', $metadata: {} });
      }
      if (command.name === 'ListQueuesCommand')
        return { $metadata: {}, QueueUrls: [queueUrl('OrderQueue'), queueUrl('OrderDLQ')] };
      throw new Error(`unexpected ${command.name}`);
    });
    const sns = fakeClient(new SNSClient(TEST_CLIENT_CONFIG), () => ({
      $metadata: {},
      Topics: [{ TopicArn: 'arn:aws:sns:us-east-1:000000000000:OrderTopic' }],
    }));
    const dynamodb = fakeClient(new DynamoDBClient(TEST_CLIENT_CONFIG), () => ({
      $metadata: {},
      Table: { TableArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/Orders', TableStatus: 'ACTIVE' },
    }));
    const failure = describeResources({
      names: { queueName: 'OrderQeue' },
      clients: { sqs: sqs.client, sns: sns.client, dynamodb: dynamodb.client },
    });
    await expect(failure).rejects.toThrow(
      'The SQS queue "OrderQeue" does not exist, but "OrderQueue" does: check the name, as "orders provision" would create "OrderQeue" as given.',
    );
    expect(sqs.calls.map((call) => call.name).filter((name) => name.startsWith('Create'))).toEqual([]);
  });
});
