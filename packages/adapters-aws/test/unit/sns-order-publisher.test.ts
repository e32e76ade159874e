import { NotFoundException, SNSClient } from '@aws-sdk/client-sns';
import type { OutboundOrderMessage } from '@orders/core';
import { SnsOrderPublisher, ResourceMissingError } from '../../src';
import { MAX_PUBLISH_BATCH_BYTES } from '../../src/sns-order-publisher';
import { fakeClient, TEST_CLIENT_CONFIG, type FakeHandler } from './support/fake-client';

const TOPIC = 'arn:aws:sns:us-east-1:000000000000:OrderTopic';

function publisherWith(handler: FakeHandler) {
  const fake = fakeClient(new SNSClient(TEST_CLIENT_CONFIG), handler);
  return { ...fake, publisher: new SnsOrderPublisher({ topicArn: TOPIC, client: fake.client }) };
}

const messages = (count: number): OutboundOrderMessage[] =>
  Array.from({ length: count }, (_, i) => ({ body: `{"n":${i}}`, orderId: `O${i}`, status: 'new' }));

type Entry = {
  Id: string;
  Message: string;
  MessageAttributes?: Record<string, { DataType: string; StringValue: string }>;
};

describe('SnsOrderPublisher', () => {
  it('publishes one message with orderId and status as String attributes', async () => {
    const { publisher, inputsOf } = publisherWith(() => ({ MessageId: 'm-1', $metadata: {} }));
    await expect(publisher.publish({ body: '{"orderId":"O1"}', orderId: 'O1', status: 'paid' })).resolves.toEqual({
      messageId: 'm-1',
    });
    expect(inputsOf('PublishCommand')).toEqual([
      {
        TopicArn: TOPIC,
        Message: '{"orderId":"O1"}',
        MessageAttributes: {
          orderId: { DataType: 'String', StringValue: 'O1' },
          status: { DataType: 'String', StringValue: 'paid' },
        },
      },
    ]);
  });

  it('sends no attributes when the message has none', async () => {
    const { publisher, inputsOf } = publisherWith(() => ({ MessageId: 'm-1', $metadata: {} }));
    await publisher.publish({ body: 'x' });
    expect(inputsOf('PublishCommand')[0]).not.toHaveProperty('MessageAttributes');
  });

  it('throws a typed error when the topic does not exist, naming the topic by its name (not its ARN)', async () => {
    const { publisher } = publisherWith(() => {
      throw new NotFoundException({ message: 'Topic does not exist', $metadata: { httpStatusCode: 404 } });
    });
    const failure = publisher.publish({ body: 'x' });
    await expect(failure).rejects.toBeInstanceOf(ResourceMissingError);
    await expect(failure).rejects.toMatchObject({ missing: [{ type: 'SNS topic', name: 'OrderTopic' }] });
  });

  it('publishes 25 messages in batches of 10, 10 and 5 and maps entry failures back to input indexes', async () => {
    const { publisher, inputsOf } = publisherWith((command) => {
      const entries = command.input['PublishBatchRequestEntries'] as Entry[];
      const failing = entries.filter((entry) => entry.Id === '3' || entry.Id === '21');
      return {
        $metadata: {},
        Successful: entries
          .filter((entry) => !failing.includes(entry))
          .map((entry) => ({ Id: entry.Id, MessageId: `m-${entry.Id}` })),
        Failed: failing.map((entry) => ({
          Id: entry.Id,
          Code: 'InvalidParameter',
          Message: 'bad attribute',
          SenderFault: true,
        })),
      };
    });

    const result = await publisher.publishBatch(messages(25));

    expect(
      inputsOf('PublishBatchCommand').map((input) => (input['PublishBatchRequestEntries'] as Entry[]).length),
    ).toEqual([10, 10, 5]);
    expect(result).toEqual({
      published: 23,
      failures: [
        // The entry's own fault (SenderFault): publishing it again would fail again.
        { index: 3, code: 'InvalidParameter', message: 'bad attribute', retryable: false },
        { index: 21, code: 'InvalidParameter', message: 'bad attribute', retryable: false },
      ],
    });
    const first = (inputsOf('PublishBatchCommand')[0]!['PublishBatchRequestEntries'] as Entry[])[0];
    expect(first).toEqual({
      Id: '0',
      Message: '{"n":0}',
      MessageAttributes: {
        orderId: { DataType: 'String', StringValue: 'O0' },
        status: { DataType: 'String', StringValue: 'new' },
      },
    });
  });

  it('keeps each batch under the 256 KiB request limit', async () => {
    const { publisher, inputsOf } = publisherWith((command) => ({
      $metadata: {},
      Successful: (command.input['PublishBatchRequestEntries'] as Entry[]).map((entry) => ({
        Id: entry.Id,
        MessageId: 'm',
      })),
    }));
    const big = 'x'.repeat(100 * 1024);
    const result = await publisher.publishBatch([{ body: big }, { body: big }, { body: big }, { body: 'small' }]);
    expect(result).toEqual({ published: 4, failures: [] });
    const sizes = inputsOf('PublishBatchCommand').map((input) =>
      (input['PublishBatchRequestEntries'] as Entry[]).reduce((sum, entry) => sum + entry.Message.length, 0),
    );
    expect(sizes.every((size) => size <= MAX_PUBLISH_BATCH_BYTES)).toBe(true);
    expect(sizes).toHaveLength(2);
  });

  it('reports every message of a failed call, continues after a transient failure, and stops calling after a fatal one', async () => {
    let call = 0;
    const { publisher, calls } = publisherWith((command) => {
      call++;
      if (call === 1)
        throw Object.assign(new Error('Service unavailable'), {
          name: 'ServiceUnavailable',
          $fault: 'server',
          $metadata: { httpStatusCode: 503 },
        });
      if (call === 2) {
        return {
          $metadata: {},
          Successful: (command.input['PublishBatchRequestEntries'] as Entry[]).map((e) => ({
            Id: e.Id,
            MessageId: 'm',
          })),
        };
      }
      throw new NotFoundException({ message: 'Topic does not exist', $metadata: { httpStatusCode: 404 } });
    });

    const result = await publisher.publishBatch(messages(45));

    // Calls 1 (503), 2 (ok), 3 (missing topic); batches 4 and 5 are never sent.
    expect(calls).toHaveLength(3);
    expect(result.published).toBe(10);
    expect(result.failures.map((f) => f.index)).toEqual([...range(0, 10), ...range(20, 45)]);
    expect(result.failures[0]).toMatchObject({ code: 'aws_server_error', retryable: true });
    expect(result.failures[10]).toMatchObject({ code: 'resource_missing', retryable: false });
    expect(result.failures[44 - 20]?.code).toBe('resource_missing');
  });

  it('publishes nothing, and calls nothing, for an empty list', async () => {
    const { publisher, calls } = publisherWith(() => ({ $metadata: {} }));
    await expect(publisher.publishBatch([])).resolves.toEqual({ published: 0, failures: [] });
    expect(calls).toHaveLength(0);
  });
});

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);
