import { GetSubscriptionAttributesCommand, ListSubscriptionsByTopicCommand } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { resetEmulator, uniqueResourceNames } from '../../../testkit/src/integration';
import {
  createSnsClient,
  createSqsClient,
  DEFAULT_RESOURCE_NAMES,
  describeResources,
  provisionResources,
  ResourceMissingError,
} from '../../src';

const sns = createSnsClient();
const sqs = createSqsClient();

beforeAll(async () => {
  await resetEmulator();
});

afterAll(() => {
  sns.destroy();
  sqs.destroy();
});

async function subscriptionsOf(topicArn: string) {
  return (await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }))).Subscriptions ?? [];
}

async function queueAttributes(queueUrl: string): Promise<Record<string, string>> {
  return (
    (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }))).Attributes ?? {}
  );
}

describe('provisionResources', () => {
  it('creates the seed-named resources once; running it again changes nothing', async () => {
    const first = await provisionResources();
    const second = await provisionResources();

    expect(first.names).toEqual(DEFAULT_RESOURCE_NAMES);
    expect(first.changes.map((change) => `${change.action} ${change.resource}`)).toEqual([
      'created DynamoDB table "Orders"',
      'created SNS topic "OrderTopic"',
      'created SQS queue "OrderDLQ"',
      'created SQS queue "OrderSubscriptionDLQ"',
      'created SQS queue "OrderQueue"',
      'created SNS subscription "OrderTopic" → "OrderQueue"',
    ]);
    expect(second.changes).toEqual([]);
    const { changes: _first, ...firstResources } = first;
    const { changes: _second, ...secondResources } = second;
    expect(secondResources).toEqual(firstResources);
    expect(first.topicArn).toMatch(/:OrderTopic$/);
    expect(first.queueArn).toMatch(/:OrderQueue$/);
    expect(await subscriptionsOf(first.topicArn)).toHaveLength(1);
  });

  it('sets the redrive policy, the visibility timeout and a queue policy that admits only the topic', async () => {
    const resources = await provisionResources();
    const attributes = await queueAttributes(resources.queueUrl);

    expect(attributes['VisibilityTimeout']).toBe('180');
    const redrive = JSON.parse(attributes['RedrivePolicy'] ?? '{}') as {
      deadLetterTargetArn: string;
      maxReceiveCount: number | string;
    };
    expect(redrive.deadLetterTargetArn).toBe(resources.dlqArn);
    expect(Number(redrive.maxReceiveCount)).toBe(3);

    const policy = JSON.parse(attributes['Policy'] ?? '{}') as { Statement: unknown[] };
    expect(policy.Statement).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: resources.queueArn,
        Condition: { ArnEquals: { 'aws:SourceArn': resources.topicArn } },
      }),
    ]);
    expect((await queueAttributes(resources.dlqUrl))['MessageRetentionPeriod']).toBe(String(14 * 24 * 3600));

    const subscription = await sns.send(
      new GetSubscriptionAttributesCommand({ SubscriptionArn: resources.subscriptionArn }),
    );
    expect(subscription.Attributes?.['RawMessageDelivery']).toBe('false');
  });

  it('gives the subscription a dead-letter queue that admits only the topic, so undeliverable orders are kept', async () => {
    const resources = await provisionResources();
    const subscription = await sns.send(
      new GetSubscriptionAttributesCommand({ SubscriptionArn: resources.subscriptionArn }),
    );
    const dlqAttributes = await queueAttributes(resources.subscriptionDlqUrl);
    expect(JSON.parse(subscription.Attributes?.['RedrivePolicy'] ?? '{}')).toEqual({
      deadLetterTargetArn: dlqAttributes['QueueArn'],
    });
    expect(dlqAttributes['QueueArn']).toMatch(/:OrderSubscriptionDLQ$/);
    expect(dlqAttributes['MessageRetentionPeriod']).toBe(String(14 * 24 * 3600));
    expect(JSON.parse(dlqAttributes['Policy'] ?? '{}')).toMatchObject({
      Statement: [
        {
          Principal: { Service: 'sns.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Condition: { ArnEquals: { 'aws:SourceArn': resources.topicArn } },
        },
      ],
    });
  });

  it('converges changed settings on a re-run, still with a single subscription', async () => {
    const names = uniqueResourceNames('prov');
    const original = await provisionResources({ names });
    const changed = await provisionResources({
      names,
      visibilityTimeoutSeconds: 60,
      maxReceiveCount: 5,
      rawMessageDelivery: true,
    });

    expect(changed.changes.map((change) => [change.action, change.resource, change.detail])).toEqual([
      ['updated', `SQS queue "${names.queueName}"`, 'VisibilityTimeout, RedrivePolicy'],
      ['updated', `SNS subscription "${names.topicName}" → "${names.queueName}"`, 'RawMessageDelivery=true'],
    ]);
    expect(changed.subscriptionArn).toBe(original.subscriptionArn);
    const attributes = await queueAttributes(changed.queueUrl);
    expect(attributes['VisibilityTimeout']).toBe('60');
    expect(
      Number((JSON.parse(attributes['RedrivePolicy'] ?? '{}') as { maxReceiveCount: unknown }).maxReceiveCount),
    ).toBe(5);
    // Changing other attributes must not lose the queue policy (moto drops it unless it is re-sent).
    expect(attributes['Policy']).toContain(changed.topicArn);
    expect(await subscriptionsOf(changed.topicArn)).toHaveLength(1);
  });

  it('refuses settings SQS would reject, before creating anything', async () => {
    await expect(provisionResources({ names: uniqueResourceNames('bad'), maxReceiveCount: 0 })).rejects.toThrow(
      RangeError,
    );
  });
});

describe('describeResources', () => {
  it('finds provisioned resources by name, without creating anything', async () => {
    const names = uniqueResourceNames('find');
    const provisioned = await provisionResources({ names });
    // A lookup finds what consuming needs; the subscription's DLQ is provisioning's business.
    const { changes: _changes, subscriptionDlqUrl: _subscriptionDlqUrl, ...expected } = provisioned;
    await expect(describeResources({ names })).resolves.toEqual(expected);
  });

  it('names every missing resource in one clear sentence', async () => {
    const names = uniqueResourceNames('missing');
    const error = await describeResources({ names }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResourceMissingError);
    expect((error as ResourceMissingError).missing.map((m) => m.name)).toEqual([
      names.tableName,
      names.topicName,
      names.queueName,
      names.dlqName,
    ]);
    expect((error as Error).message).toBe(
      `These resources do not exist: DynamoDB table "${names.tableName}", SNS topic "${names.topicName}", ` +
        `SQS queue "${names.queueName}", SQS queue "${names.dlqName}"; check the names, or create them by giving "orders provision" the same names.`,
    );
  });
});
