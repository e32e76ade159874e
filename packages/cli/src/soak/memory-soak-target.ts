import {
  createOrderPipeline,
  InMemoryOrderRepository,
  InMemoryQueue,
  type InMemoryTopic,
  type ManualClock,
} from '@orders/adapters-memory';
import { advanceClockWhenIdle } from '@orders/adapters-memory';
import { outboundMessage, producerBody, publishedAs } from './planned-message';
import type { DeadLetterRecord, PublishedMessage } from './soak-invariants';
import type { SoakOptions } from './soak-options';
import type { SoakTarget } from './soak-target';
import type { PlannedMessage, ValidPlanned } from './soak-workload';

/**
 * The in-memory topic → queue → DLQ simulator on a manual clock: one thread of delivery and no
 * real waiting, so a run is deterministic for its seed and 100,000 messages take seconds.
 * Message ids never change here (the simulator's redrive keeps them), so what the ledger saw
 * needs no translation.
 */
export async function createMemorySoakTarget(options: SoakOptions): Promise<SoakTarget> {
  const pipeline = createOrderPipeline({
    maxReceiveCount: options.maxReceiveCount,
    rawMessageDelivery: options.rawDelivery,
  });
  const clock = pipeline.clock as ManualClock;
  const store = new InMemoryOrderRepository();
  let published: readonly PublishedMessage[] = [];

  return {
    kind: 'memory',
    deterministic: true,
    entryEnvironment: { ORDERS_REPOSITORY: 'memory', ORDERS_MAX_RECEIVE_COUNT: String(options.maxReceiveCount) },
    store,
    queue: pipeline.queue,
    queueArn: pipeline.queue.arn,
    now: () => clock.now(),
    waitTimeSeconds: 0,
    onIdle: advanceClockWhenIdle(pipeline.queue, clock),
    publish: async (messages) => {
      published = publish(pipeline.topic, pipeline.queue, clock, messages, options.rawDelivery);
    },
    counts: () => ({ onQueue: pipeline.queue.size, inDeadLetterQueue: pipeline.deadLetterQueue.size }),
    deadLetters: async () => deadLetters(pipeline.deadLetterQueue),
    redrive: async () => pipeline.deadLetterQueue.redriveTo(pipeline.queue),
    storedOrders: async () => new Map(store.all().map((o) => [o.orderId, o])),
    identify: (observed) => ({ ...observed, published }),
    describe: () => undefined,
    close: async () => undefined,
  };
}

/**
 * Publishes the planned messages in order and returns them by SQS message id. Producer messages
 * go through OrderTopic; an `sns-redelivery` copy is SNS delivering the same notification again,
 * so the exact body the topic delivered the first time is sent to OrderQueue once more. A tap
 * queue subscribed like OrderQueue shows that body (the topic itself keeps no record).
 */
function publish(
  topic: InMemoryTopic,
  queue: InMemoryQueue,
  clock: ManualClock,
  messages: readonly PlannedMessage[],
  rawDelivery: boolean,
): PublishedMessage[] {
  const tap = new InMemoryQueue({ name: 'SoakTap', clock });
  topic.subscribe(tap, { rawMessageDelivery: rawDelivery });
  const delivered = new Map<ValidPlanned, string>();
  for (const message of messages) {
    if (message.kind === 'valid' && message.duplicate?.kind === 'sns-redelivery') {
      const body = delivered.get(message.duplicate.of);
      if (body === undefined) throw new Error('soak bug: an SNS redelivery came before the delivery it repeats');
      queue.send(body);
      continue;
    }
    topic.publishNow(outboundMessage(message));
    const [copy] = tap.receiveNow({ maxMessages: 1 });
    if (copy === undefined) throw new Error('soak bug: the tap queue missed a notification');
    tap.deleteNow([copy.receiptHandle]);
    if (message.kind === 'valid' && message.bodyNeeded) delivered.set(message, copy.body);
  }

  const onQueue = queue.peekAll();
  if (onQueue.length !== messages.length) {
    throw new Error(`soak bug: ${messages.length} messages published but ${onQueue.length} reached OrderQueue`);
  }
  return messages.map((message, index): PublishedMessage => {
    const { messageId, body } = onQueue[index] as (typeof onQueue)[number];
    if (rawDelivery && body !== producerBody(message)) {
      throw new Error(`soak bug: message ${messageId} on OrderQueue is not the one published in position ${index}`);
    }
    return publishedAs(messageId, message);
  });
}

function deadLetters(queue: InMemoryQueue): DeadLetterRecord[] {
  return queue.peekAll().map((m) => ({ messageId: m.messageId, receiveCount: m.deadLetterSource?.receiveCount ?? 0 }));
}
