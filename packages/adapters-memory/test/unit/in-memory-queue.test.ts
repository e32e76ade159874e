import { InMemoryQueue, ManualClock } from '@orders/adapters-memory';

function queues(maxReceiveCount = 3, visibilityTimeoutSeconds = 30) {
  const clock = new ManualClock();
  const deadLetterQueue = new InMemoryQueue({ name: 'OrderDLQ', clock });
  const queue = new InMemoryQueue({
    name: 'OrderQueue',
    clock,
    visibilityTimeoutSeconds,
    redrive: { deadLetterQueue, maxReceiveCount },
  });
  return { clock, queue, deadLetterQueue };
}

describe('InMemoryQueue', () => {
  it('hides a received message for the visibility timeout, then hands it out again with a higher receive count', () => {
    const { clock, queue } = queues();
    queue.send('m');
    const [first] = queue.receiveNow({ maxMessages: 10 });
    expect(first?.receiveCount).toBe(1);
    expect(queue.receiveNow({ maxMessages: 10 })).toEqual([]);
    clock.advance(29_999);
    expect(queue.receiveNow({ maxMessages: 10 })).toEqual([]);
    clock.advance(1);
    const [second] = queue.receiveNow({ maxMessages: 10 });
    expect(second?.messageId).toBe(first?.messageId);
    expect(second?.receiveCount).toBe(2);
    expect(second?.receiptHandle).not.toBe(first?.receiptHandle);
  });

  it('deletes only with the latest receipt handle and reports the others', () => {
    const { clock, queue } = queues();
    queue.send('m');
    const [first] = queue.receiveNow({ maxMessages: 1 });
    clock.advance(30_000);
    const [second] = queue.receiveNow({ maxMessages: 1 });
    expect(queue.deleteNow([first!.receiptHandle])).toEqual([
      expect.objectContaining({ code: 'ReceiptHandleIsInvalid' }),
    ]);
    expect(queue.size).toBe(1);
    expect(queue.deleteNow([second!.receiptHandle])).toEqual([]);
    expect(queue.size).toBe(0);
  });

  it('moves a message to the DLQ on the receive after its maxReceiveCount-th delivery', () => {
    const { clock, queue, deadLetterQueue } = queues(3);
    const id = queue.send('poison');
    for (let receive = 1; receive <= 3; receive++) {
      expect(queue.receiveNow({ maxMessages: 10 }).map((m) => m.receiveCount)).toEqual([receive]);
      clock.advance(30_000);
    }
    expect(queue.receiveNow({ maxMessages: 10 })).toEqual([]);
    expect(queue.size).toBe(0);
    const [dead] = deadLetterQueue.peekAll();
    expect(dead).toMatchObject({
      messageId: id,
      body: 'poison',
      deadLetterSource: { queueName: 'OrderQueue', receiveCount: 3 },
    });
  });

  it('redrives DLQ messages back with a fresh receive count and the same ids', () => {
    const { clock, queue, deadLetterQueue } = queues(1);
    const id = queue.send('x');
    queue.receiveNow({ maxMessages: 1 });
    clock.advance(30_000);
    queue.receiveNow({ maxMessages: 1 });
    expect(deadLetterQueue.size).toBe(1);
    expect(deadLetterQueue.redriveTo(queue)).toBe(1);
    expect(deadLetterQueue.size).toBe(0);
    expect(queue.receiveNow({ maxMessages: 1 })).toEqual([expect.objectContaining({ messageId: id, receiveCount: 1 })]);
  });

  it('extends visibility for the latest handle of an in-flight message only', async () => {
    const { clock, queue } = queues();
    queue.send('slow');
    const [message] = queue.receiveNow({ maxMessages: 1 });
    await queue.changeVisibility(message!.receiptHandle, 120);
    clock.advance(60_000);
    expect(queue.receiveNow({ maxMessages: 1 })).toEqual([]);
    clock.advance(60_000);
    expect(queue.receiveNow({ maxMessages: 1 })).toHaveLength(1);
    await expect(queue.changeVisibility(message!.receiptHandle, 10)).rejects.toThrow(/MessageNotInflight/);
  });

  it('reports depth, the next visibility time, and refuses SQS-invalid batch sizes', () => {
    const { clock, queue } = queues();
    queue.send('a');
    queue.send('b');
    queue.receiveNow({ maxMessages: 1 });
    expect(queue.depth()).toEqual({ visible: 1, inFlight: 1 });
    queue.receiveNow({ maxMessages: 1 });
    expect(queue.nextVisibleAt()).toBe(clock.now() + 30_000);
    expect(() => queue.receiveNow({ maxMessages: 11 })).toThrow(RangeError);
    expect(() => queue.receiveNow({ maxMessages: 0 })).toThrow(RangeError);
  });

  it('hands messages out in a deterministic order and stays fast with many messages', () => {
    const { queue } = queues();
    for (let i = 0; i < 50_000; i++) queue.send(String(i));
    let received = 0;
    for (
      let batch = queue.receiveNow({ maxMessages: 10 });
      batch.length > 0;
      batch = queue.receiveNow({ maxMessages: 10 })
    ) {
      expect(batch[0]?.body).toBe(String(received));
      queue.deleteNow(batch.map((m) => m.receiptHandle));
      received += batch.length;
    }
    expect(received).toBe(50_000);
  });
});
