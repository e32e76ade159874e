import { createOrderPipeline, InMemoryQueue, InMemoryTopic, ManualClock } from '@orders/adapters-memory';
import { decodeOrderMessage, serializeOrder } from '@orders/core';
import { SEED_DUMMY_ORDER } from '@orders/simulation';

describe('InMemoryTopic', () => {
  it('wraps each message in an SNS notification envelope with orderId and status attributes', async () => {
    const { topic, queue } = createOrderPipeline();
    const { messageId } = await topic.publish({
      body: serializeOrder(SEED_DUMMY_ORDER),
      orderId: 'O1234',
      status: 'new',
    });
    const [delivered] = queue.receiveNow({ maxMessages: 1 });
    const envelope = JSON.parse(delivered!.body) as Record<string, unknown>;
    expect(envelope).toMatchObject({
      Type: 'Notification',
      MessageId: messageId,
      TopicArn: topic.arn,
      Message: serializeOrder(SEED_DUMMY_ORDER),
      MessageAttributes: { orderId: { Type: 'String', Value: 'O1234' }, status: { Type: 'String', Value: 'new' } },
    });
    expect(decodeOrderMessage(delivered!.body)).toMatchObject({
      ok: true,
      delivery: 'sns-envelope',
      snsMessageId: messageId,
    });
  });

  it('delivers the message itself with raw message delivery', async () => {
    const { topic, queue } = createOrderPipeline({ rawMessageDelivery: true });
    await topic.publish({ body: serializeOrder(SEED_DUMMY_ORDER) });
    expect(queue.receiveNow({ maxMessages: 1 })[0]?.body).toBe(serializeOrder(SEED_DUMMY_ORDER));
  });

  it('fans out to every subscribed queue once, even if subscribed twice', async () => {
    const clock = new ManualClock();
    const topic = new InMemoryTopic('OrderTopic', clock);
    const a = new InMemoryQueue({ name: 'a', clock });
    const b = new InMemoryQueue({ name: 'b', clock });
    topic.subscribe(a);
    topic.subscribe(a);
    topic.subscribe(b, { rawMessageDelivery: true });
    await expect(topic.publishBatch([{ body: '1' }, { body: '2' }])).resolves.toEqual({ published: 2, failures: [] });
    expect(a.size).toBe(2);
    expect(b.peekAll().map((m) => m.body)).toEqual(['1', '2']);
  });
});
