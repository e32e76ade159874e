import type { Clock } from '@orders/core';
import { IdSequence } from './id-sequence';
import { InMemoryQueue } from './in-memory-queue';
import { InMemoryTopic } from './in-memory-topic';
import { ManualClock } from './manual-clock';

export interface OrderPipelineOptions {
  readonly clock?: Clock;
  readonly maxReceiveCount?: number;
  readonly visibilityTimeoutSeconds?: number;
  readonly rawMessageDelivery?: boolean;
  readonly names?: { readonly topic?: string; readonly queue?: string; readonly deadLetterQueue?: string };
}

/** The seed's messaging, wired in memory: OrderTopic → OrderQueue, with OrderDLQ after K receives. */
export interface OrderPipeline {
  readonly clock: Clock;
  readonly topic: InMemoryTopic;
  readonly queue: InMemoryQueue;
  readonly deadLetterQueue: InMemoryQueue;
}

export function createOrderPipeline(options: OrderPipelineOptions = {}): OrderPipeline {
  const clock = options.clock ?? new ManualClock();
  // One id sequence for both queues: a message keeps its id when it moves between them.
  const ids = new IdSequence();
  const deadLetterQueue = new InMemoryQueue({ name: options.names?.deadLetterQueue ?? 'OrderDLQ', clock, ids });
  const queue = new InMemoryQueue({
    name: options.names?.queue ?? 'OrderQueue',
    clock,
    ids,
    visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 180,
    redrive: { deadLetterQueue, maxReceiveCount: options.maxReceiveCount ?? 3 },
  });
  const topic = new InMemoryTopic(options.names?.topic ?? 'OrderTopic', clock);
  topic.subscribe(queue, { rawMessageDelivery: options.rawMessageDelivery ?? false });
  return { clock, topic, queue, deadLetterQueue };
}
