import { QueueDoesNotExist, SQSClient } from '@aws-sdk/client-sqs';
import { lookUpConsumeQueue, ResourceMissingError } from '../../src';
import { maxReceiveCountOf } from '../../src/consume-queue-lookup';
import { fakeClient, TEST_CLIENT_CONFIG, type FakeHandler } from './support/fake-client';

const QUEUE_URL = 'http://127.0.0.1:5000/000000000000/OrderQueue';

function sqsWith(handler: FakeHandler) {
  return fakeClient(new SQSClient(TEST_CLIENT_CONFIG), handler);
}

describe('lookUpConsumeQueue (the consumer start-up)', () => {
  it('takes two requests: the queue URL, then its visibility timeout and redrive policy in one GetQueueAttributes', async () => {
    const sqs = sqsWith((command) =>
      command.name === 'GetQueueUrlCommand'
        ? { $metadata: {}, QueueUrl: QUEUE_URL }
        : {
            $metadata: {},
            Attributes: {
              VisibilityTimeout: '180',
              RedrivePolicy:
                '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:OrderDLQ","maxReceiveCount":"3"}',
            },
          },
    );
    await expect(lookUpConsumeQueue(sqs.client, 'OrderQueue')).resolves.toEqual({
      queueUrl: QUEUE_URL,
      visibilityTimeoutSeconds: 180,
      maxReceiveCount: 3,
    });
    expect(sqs.calls.map((call) => call.name)).toEqual(['GetQueueUrlCommand', 'GetQueueAttributesCommand']);
    expect(sqs.inputsOf('GetQueueAttributesCommand')).toEqual([
      { QueueUrl: QUEUE_URL, AttributeNames: ['VisibilityTimeout', 'RedrivePolicy'] },
    ]);
  });

  it('leaves maxReceiveCount unknown for a queue without a redrive policy', async () => {
    const sqs = sqsWith((command) =>
      command.name === 'GetQueueUrlCommand'
        ? { $metadata: {}, QueueUrl: QUEUE_URL }
        : { $metadata: {}, Attributes: { VisibilityTimeout: '30' } },
    );
    await expect(lookUpConsumeQueue(sqs.client, 'OrderQueue')).resolves.toEqual({
      queueUrl: QUEUE_URL,
      visibilityTimeoutSeconds: 30,
    });
  });

  it('names a missing queue in one sentence, with the queues of a similar name (never "provision" for a typo)', async () => {
    const sqs = sqsWith((command) => {
      if (command.name === 'ListQueuesCommand') return { $metadata: {}, QueueUrls: [QUEUE_URL] };
      throw new QueueDoesNotExist({ message: 'The specified queue does not exist.', $metadata: {} });
    });
    const failure = lookUpConsumeQueue(sqs.client, 'OrderQeue');
    await expect(failure).rejects.toThrow(ResourceMissingError);
    await expect(failure).rejects.toThrow(
      'The SQS queue "OrderQeue" does not exist, but "OrderQueue" does: check the name, as "orders provision" would create "OrderQeue" as given.',
    );
    expect(sqs.calls.map((call) => call.name)).toEqual(['GetQueueUrlCommand', 'ListQueuesCommand']);
  });

  it.each([
    ['{"maxReceiveCount":"5"}', 5],
    ['{"maxReceiveCount":7}', 7],
    ['{"maxReceiveCount":"0"}', undefined],
    ['{"deadLetterTargetArn":"x"}', undefined],
    ['not json', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('reads maxReceiveCount from the redrive policy %p as %p', (policy, expected) => {
    expect(maxReceiveCountOf(policy)).toBe(expected);
  });
});
