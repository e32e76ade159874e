import { decodeOrderMessage, serializeOrder, type ReceivedMessage } from '@orders/core';
import { createOrderGenerator, SEED_DUMMY_ORDER } from '@orders/simulation';
import { resetEmulator, uniqueResourceNames } from '../../../testkit/src/integration';
import {
  createSnsClient,
  createSqsClient,
  provisionResources,
  SnsOrderPublisher,
  SqsMessageQueue,
  type ProvisionResult,
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

/** Receives until `count` messages arrived or a receive comes back empty. */
async function receiveAll(queue: SqsMessageQueue, count: number): Promise<ReceivedMessage[]> {
  const received: ReceivedMessage[] = [];
  while (received.length < count) {
    const batch = await queue.receive({ maxMessages: 10, waitTimeSeconds: 1 });
    if (batch.length === 0) break;
    received.push(...batch);
  }
  return received;
}

function adaptersFor(resources: ProvisionResult) {
  return {
    publisher: new SnsOrderPublisher({ topicArn: resources.topicArn, client: sns }),
    queue: new SqsMessageQueue({ queueUrl: resources.queueUrl, client: sqs }),
  };
}

describe('SNS → SQS delivery', () => {
  it('delivers the seed order inside an SNS envelope, with orderId and status as attributes', async () => {
    const resources = await provisionResources({ names: uniqueResourceNames('envelope') });
    const { publisher, queue } = adaptersFor(resources);

    const { messageId } = await publisher.publish({
      body: serializeOrder(SEED_DUMMY_ORDER),
      orderId: 'O1234',
      status: 'new',
    });
    const [message, ...rest] = await receiveAll(queue, 1);

    expect(rest).toEqual([]);
    expect(message?.receiveCount).toBe(1);
    const envelope = JSON.parse(message?.body ?? '{}') as {
      Type: string;
      MessageId: string;
      TopicArn: string;
      MessageAttributes?: Record<string, { Value: string }>;
    };
    expect(envelope).toMatchObject({ Type: 'Notification', MessageId: messageId, TopicArn: resources.topicArn });
    expect(envelope.MessageAttributes?.['orderId']?.Value).toBe('O1234');
    expect(envelope.MessageAttributes?.['status']?.Value).toBe('new');

    const decoded = decodeOrderMessage(message?.body ?? '');
    expect(decoded).toMatchObject({ ok: true, delivery: 'sns-envelope', snsMessageId: messageId });
    expect(decoded.ok && decoded.value.order).toEqual(SEED_DUMMY_ORDER);
  });

  it('delivers the order JSON itself with raw message delivery', async () => {
    const resources = await provisionResources({ names: uniqueResourceNames('raw'), rawMessageDelivery: true });
    const { publisher, queue } = adaptersFor(resources);

    await publisher.publish({ body: serializeOrder(SEED_DUMMY_ORDER), orderId: 'O1234', status: 'new' });
    const [message] = await receiveAll(queue, 1);

    expect(message?.body).toBe(serializeOrder(SEED_DUMMY_ORDER));
    const decoded = decodeOrderMessage(message?.body ?? '');
    expect(decoded).toMatchObject({ ok: true, delivery: 'raw' });
    expect(decoded.ok && decoded.value.order).toEqual(SEED_DUMMY_ORDER);
  });

  it('publishes 25 orders in batches; all arrive, decode, and are deleted', async () => {
    const resources = await provisionResources({ names: uniqueResourceNames('batch') });
    const { publisher, queue } = adaptersFor(resources);
    const generator = createOrderGenerator(7);
    const orders = Array.from({ length: 25 }, () => generator.next());

    const result = await publisher.publishBatch(
      orders.map((order) => ({ body: serializeOrder(order), orderId: order.orderId, status: order.status })),
    );
    expect(result).toEqual({ published: 25, failures: [] });

    const received = await receiveAll(queue, 25);
    const decodedIds = received.map((message) => {
      const decoded = decodeOrderMessage(message.body);
      return decoded.ok ? decoded.value.order.orderId : 'undecodable';
    });
    expect(decodedIds.sort()).toEqual(orders.map((order) => order.orderId).sort());

    await expect(queue.deleteBatch(received.map((message) => message.receiptHandle))).resolves.toEqual([]);
    await expect(queue.depth()).resolves.toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });
});
