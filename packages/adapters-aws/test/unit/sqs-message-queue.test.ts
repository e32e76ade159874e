import { QueueDoesNotExist, SQSClient } from '@aws-sdk/client-sqs';
import { ResourceMissingError, SqsMessageQueue } from '../../src';
import { queueNameFromUrl, toReceivedMessage } from '../../src/sqs-message-queue';
import { connectionRefused, fakeClient, TEST_CLIENT_CONFIG, type FakeHandler } from './support/fake-client';

const QUEUE_URL = 'http://sqs.us-east-1.localhost.localstack.cloud:4566/000000000000/OrderQueue';

function queueWith(handler: FakeHandler) {
  const fake = fakeClient(new SQSClient(TEST_CLIENT_CONFIG), handler);
  return { ...fake, queue: new SqsMessageQueue({ queueUrl: QUEUE_URL, client: fake.client }) };
}

type Entry = { Id: string; ReceiptHandle: string };

describe('SqsMessageQueue.receive', () => {
  it('long-polls with the system attributes and maps messages to the port', async () => {
    const { queue, inputsOf } = queueWith(() => ({
      $metadata: {},
      Messages: [
        {
          MessageId: 'm-1',
          ReceiptHandle: 'rh-1',
          Body: '{"orderId":"O1"}',
          Attributes: {
            ApproximateReceiveCount: '2',
            SentTimestamp: '1746273601000',
            ApproximateFirstReceiveTimestamp: '1746273601500',
          },
        },
        // Incomplete: no receipt handle means it can be neither acknowledged nor extended.
        { MessageId: 'm-2', Body: 'x' },
      ],
    }));

    const received = await queue.receive({ maxMessages: 10, waitTimeSeconds: 20, visibilityTimeoutSeconds: 45 });

    expect(inputsOf('ReceiveMessageCommand')).toEqual([
      {
        QueueUrl: QUEUE_URL,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 20,
        VisibilityTimeout: 45,
        // With the trace context processing continues: X-Ray's system attribute, and the W3C attributes raw delivery carries.
        MessageSystemAttributeNames: [
          'ApproximateReceiveCount',
          'SentTimestamp',
          'ApproximateFirstReceiveTimestamp',
          'AWSTraceHeader',
        ],
        MessageAttributeNames: ['traceparent', 'tracestate'],
      },
    ]);
    expect(received).toEqual([
      {
        messageId: 'm-1',
        receiptHandle: 'rh-1',
        body: '{"orderId":"O1"}',
        receiveCount: 2,
        sentTimestamp: 1746273601000,
        firstReceiveTimestamp: 1746273601500,
        queueName: 'OrderQueue',
      },
    ]);
  });

  it('refuses options SQS would reject, before calling it', async () => {
    const { queue, calls } = queueWith(() => ({ $metadata: {} }));
    await expect(queue.receive({ maxMessages: 11, waitTimeSeconds: 0 })).rejects.toThrow(RangeError);
    await expect(queue.receive({ maxMessages: 1, waitTimeSeconds: 21 })).rejects.toThrow(RangeError);
    expect(calls).toHaveLength(0);
  });

  /** A queue whose `send`, like the SDK's, rejects when its abortSignal fires, and otherwise answers after `answerAfterMs`. */
  function slowQueue(answerAfterMs: number) {
    const state: { sdkSignal?: AbortSignal } = {};
    const fake = fakeClient(new SQSClient(TEST_CLIENT_CONFIG), () => ({ $metadata: {} }));
    (fake.client as { send: unknown }).send = (_command: unknown, options?: { abortSignal?: AbortSignal }) =>
      new Promise((resolve, reject) => {
        state.sdkSignal = options?.abortSignal;
        const timer = setTimeout(
          () =>
            resolve({
              $metadata: {},
              Messages: [
                { MessageId: 'm-1', ReceiptHandle: 'rh-1', Body: 'b', Attributes: { ApproximateReceiveCount: '1' } },
              ],
            }),
          answerAfterMs,
        );
        state.sdkSignal?.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(Object.assign(new Error('Request aborted'), { name: 'AbortError' }));
        });
      });
    return { state, queue: new SqsMessageQueue({ queueUrl: QUEUE_URL, client: fake.client, abortGraceMs: 50 }) };
  }

  it('cuts off an idle long poll shortly after the signal aborts, and returns no messages', async () => {
    const { state, queue } = slowQueue(60_000);
    const controller = new AbortController();
    const receiving = queue.receive({ maxMessages: 10, waitTimeSeconds: 20, signal: controller.signal });
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    expect(state.sdkSignal?.aborted).toBe(false);

    await expect(receiving).resolves.toEqual([]);
    expect(state.sdkSignal?.aborted).toBe(true);
  });

  it('lets a receive that is being answered finish within the grace, so its messages are not left in flight', async () => {
    const { state, queue } = slowQueue(10);
    const controller = new AbortController();
    const receiving = queue.receive({ maxMessages: 10, waitTimeSeconds: 20, signal: controller.signal });
    controller.abort();

    await expect(receiving).resolves.toMatchObject([{ messageId: 'm-1', receiptHandle: 'rh-1' }]);
    expect(state.sdkSignal?.aborted).toBe(false);
  });

  it('does not start a long poll once the signal has aborted', async () => {
    const { queue, calls } = queueWith(() => ({ $metadata: {} }));
    const controller = new AbortController();
    controller.abort();
    await expect(queue.receive({ maxMessages: 1, waitTimeSeconds: 20, signal: controller.signal })).resolves.toEqual(
      [],
    );
    expect(calls).toHaveLength(0);
  });

  it('throws a typed error when the queue is missing', async () => {
    const { queue } = queueWith(() => {
      throw new QueueDoesNotExist({
        message: 'The specified queue does not exist.',
        $metadata: { httpStatusCode: 400 },
      });
    });
    const error = await queue.receive({ maxMessages: 1, waitTimeSeconds: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResourceMissingError);
    expect((error as Error).message).toContain('"OrderQueue"');
  });
});

describe('SqsMessageQueue.deleteBatch', () => {
  it('deletes in batches of 10 and reports the entries SQS refused, by receipt handle', async () => {
    const handles = Array.from({ length: 23 }, (_, i) => `rh-${i}`);
    const { queue, inputsOf } = queueWith((command) => {
      const entries = command.input['Entries'] as Entry[];
      const bad = entries.filter((entry) => entry.ReceiptHandle === 'rh-4' || entry.ReceiptHandle === 'rh-22');
      return {
        $metadata: {},
        Successful: entries.filter((entry) => !bad.includes(entry)).map((entry) => ({ Id: entry.Id })),
        Failed: bad.map((entry) => ({
          Id: entry.Id,
          Code: 'ReceiptHandleIsInvalid',
          Message: 'invalid handle',
          SenderFault: true,
        })),
      };
    });

    const failures = await queue.deleteBatch(handles);

    expect(inputsOf('DeleteMessageBatchCommand').map((input) => (input['Entries'] as Entry[]).length)).toEqual([
      10, 10, 3,
    ]);
    expect(failures).toEqual([
      { receiptHandle: 'rh-4', code: 'ReceiptHandleIsInvalid', message: 'invalid handle' },
      { receiptHandle: 'rh-22', code: 'ReceiptHandleIsInvalid', message: 'invalid handle' },
    ]);
  });

  it('gives the same receipt handle twice distinct entry ids', async () => {
    const { queue, inputsOf } = queueWith((command) => ({
      $metadata: {},
      Successful: (command.input['Entries'] as Entry[]).map((entry) => ({ Id: entry.Id })),
    }));
    await expect(queue.deleteBatch(['same', 'same'])).resolves.toEqual([]);
    expect((inputsOf('DeleteMessageBatchCommand')[0]!['Entries'] as Entry[]).map((entry) => entry.Id)).toEqual([
      '0',
      '1',
    ]);
  });

  it('reports every entry of a call that failed as a whole instead of throwing, and carries on', async () => {
    let call = 0;
    const { queue } = queueWith((command) => {
      call++;
      if (call === 1) throw connectionRefused();
      return { $metadata: {}, Successful: (command.input['Entries'] as Entry[]).map((entry) => ({ Id: entry.Id })) };
    });
    const handles = Array.from({ length: 12 }, (_, i) => `rh-${i}`);
    const failures = await queue.deleteBatch(handles);
    expect(failures.map((failure) => failure.receiptHandle)).toEqual(handles.slice(0, 10));
    expect(failures.every((failure) => failure.code === 'endpoint_unreachable')).toBe(true);
  });

  it('makes no call for an empty list', async () => {
    const { queue, calls } = queueWith(() => ({ $metadata: {} }));
    await expect(queue.deleteBatch([])).resolves.toEqual([]);
    expect(calls).toHaveLength(0);
  });
});

describe('SqsMessageQueue helpers', () => {
  it('changes visibility of one message', async () => {
    const { queue, inputsOf } = queueWith(() => ({ $metadata: {} }));
    await queue.changeVisibility('rh-1', 90);
    expect(inputsOf('ChangeMessageVisibilityCommand')).toEqual([
      { QueueUrl: QUEUE_URL, ReceiptHandle: 'rh-1', VisibilityTimeout: 90 },
    ]);
  });

  it('reads the queue depth from the approximate counters', async () => {
    const { queue } = queueWith(() => ({
      $metadata: {},
      Attributes: {
        ApproximateNumberOfMessages: '7',
        ApproximateNumberOfMessagesNotVisible: '2',
        ApproximateNumberOfMessagesDelayed: '0',
      },
    }));
    await expect(queue.depth()).resolves.toEqual({ visible: 7, inFlight: 2, delayed: 0 });
  });

  it('sends a raw body with string attributes', async () => {
    const { queue, inputsOf } = queueWith(() => ({ $metadata: {}, MessageId: 'm-9' }));
    await expect(queue.sendRaw('not json', { attributes: { source: 'test' } })).resolves.toEqual({ messageId: 'm-9' });
    expect(inputsOf('SendMessageCommand')).toEqual([
      {
        QueueUrl: QUEUE_URL,
        MessageBody: 'not json',
        MessageAttributes: { source: { DataType: 'String', StringValue: 'test' } },
      },
    ]);
  });
});

describe('message mapping', () => {
  it('carries the String message attributes and AWSTraceHeader, for the record to continue its trace', () => {
    expect(
      toReceivedMessage(
        {
          MessageId: 'm',
          ReceiptHandle: 'r',
          Body: 'b',
          Attributes: { AWSTraceHeader: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1' },
          MessageAttributes: {
            traceparent: { DataType: 'String', StringValue: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
            custom: { DataType: 'String.note', StringValue: 'kept' },
            count: { DataType: 'Number', StringValue: '3' },
            blob: { DataType: 'Binary', BinaryValue: new Uint8Array([1]) },
          },
        },
        'OrderQueue',
      ),
    ).toMatchObject({
      queueName: 'OrderQueue',
      messageAttributes: {
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
        custom: 'kept',
      },
      awsTraceHeader: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
    });
    expect(
      toReceivedMessage({ MessageId: 'm', ReceiptHandle: 'r', Body: 'b', MessageAttributes: {} }),
    ).not.toHaveProperty('messageAttributes');
  });

  it('counts a delivery without a receive count as the first', () => {
    expect(toReceivedMessage({ MessageId: 'm', ReceiptHandle: 'r', Body: 'b' })).toEqual({
      messageId: 'm',
      receiptHandle: 'r',
      body: 'b',
      receiveCount: 1,
      sentTimestamp: 0,
    });
  });

  it('takes a queue name from its URL', () => {
    expect(queueNameFromUrl(QUEUE_URL)).toBe('OrderQueue');
    expect(queueNameFromUrl('http://localhost:5000/123456789012/OrderDLQ/')).toBe('OrderDLQ');
  });
});
