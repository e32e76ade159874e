import { createOrderPipeline, InMemoryOrderRepository, type ManualClock } from '@orders/adapters-memory';
import { decodeOrderMessage, silentLogger, type Logger, type MessageStatus, type Order } from '@orders/core';
import { advanceClockWhenIdle } from '@orders/adapters-memory';
import { buildContainer, readEntryConfig, SQS_BATCH_HANDLER, type SqsBatchHandler } from '@orders/lambda-entry';
import { runEventSourceMapping, type EventSourceMappingReport } from '@orders/lambda-local';
import { CountingMetrics } from './counting-metrics';
import { buildDemoWorkload } from './demo-workload';
import { seededRandom } from '@orders/simulation';

export interface DemoOptions {
  readonly orders: number;
  readonly seed: number;
  readonly maxReceiveCount: number;
  readonly logger?: Logger;
}

export interface DeadLetterEntry {
  readonly messageId: string;
  readonly receiveCount: number;
  readonly orderId: string | undefined;
  readonly reason: string;
}

export interface DemoResult {
  readonly published: number;
  readonly orders: readonly Order[];
  readonly deadLetters: readonly DeadLetterEntry[];
  readonly outcomeCounts: Readonly<Record<MessageStatus, number>>;
  readonly runner: EventSourceMappingReport;
  /** Problems with the run itself; empty when every invariant held. */
  readonly violations: readonly string[];
}

/**
 * The whole system in one process on the in-memory adapters: publish to OrderTopic, fan out to
 * OrderQueue, drive the real OrderProcessor handler through a local event source mapping, and
 * let poison messages reach OrderDLQ after maxReceiveCount receives.
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const pipeline = createOrderPipeline({ maxReceiveCount: options.maxReceiveCount });
  const repository = new InMemoryOrderRepository();
  const metrics = new CountingMetrics();
  const config = readEntryConfig({
    ORDERS_REPOSITORY: 'memory',
    ORDERS_MAX_RECEIVE_COUNT: String(options.maxReceiveCount),
  });
  const container = buildContainer(config, {
    repository,
    metrics,
    logger: options.logger ?? silentLogger,
    // Failed retries are paced on the simulator's own queue and clock; seeded jitter keeps a run repeatable.
    visibilityFor: () => pipeline.queue,
    random: seededRandom(options.seed ^ 0x2545f491),
  });
  const handler = container.resolve<SqsBatchHandler>(SQS_BATCH_HANDLER);

  const workload = buildDemoWorkload(options.orders, options.seed);
  await pipeline.topic.publishBatch(workload.messages);

  const runner = await runEventSourceMapping({
    queue: pipeline.queue,
    queueArn: pipeline.queue.arn,
    handler,
    batchSize: 10,
    onIdle: advanceClockWhenIdle(pipeline.queue, pipeline.clock as ManualClock),
  });

  const deadLetters = pipeline.deadLetterQueue.peekAll().map((message): DeadLetterEntry => {
    const decoded = decodeOrderMessage(message.body);
    return {
      messageId: message.messageId,
      receiveCount: message.deadLetterSource?.receiveCount ?? 0,
      orderId: decoded.ok ? decoded.value.order.orderId : decoded.orderId,
      reason: decoded.ok
        ? 'valid order (failed for an infrastructure reason)'
        : decoded.problems.map((p) => `${p.field} ${p.reason} [${p.code}]`).join('; '),
    };
  });

  return {
    published: workload.messages.length,
    orders: repository.all(),
    deadLetters,
    outcomeCounts: metrics.totals,
    runner,
    violations: checkInvariants(workload, repository.all(), deadLetters, options.maxReceiveCount, pipeline.queue.size),
  };
}

function checkInvariants(
  workload: ReturnType<typeof buildDemoWorkload>,
  orders: readonly Order[],
  deadLetters: readonly DeadLetterEntry[],
  maxReceiveCount: number,
  leftInQueue: number,
): string[] {
  const violations: string[] = [];
  if (leftInQueue !== 0) violations.push(`${leftInQueue} messages are still on OrderQueue`);
  if (deadLetters.length !== workload.poisonCount) {
    violations.push(
      `OrderDLQ holds ${deadLetters.length} messages, expected the ${workload.poisonCount} poison messages`,
    );
  }
  for (const entry of deadLetters) {
    if (entry.receiveCount !== maxReceiveCount) {
      violations.push(
        `DLQ message ${entry.messageId} was received ${entry.receiveCount} times, expected ${maxReceiveCount}`,
      );
    }
  }
  const stored = new Map(orders.map((o) => [o.orderId, o]));
  for (const [orderId, expected] of workload.expectedOrders) {
    const actual = stored.get(orderId);
    if (JSON.stringify(actual) !== JSON.stringify(expected))
      violations.push(`order ${orderId} is not at its newest event`);
  }
  if (stored.size !== workload.expectedOrders.size)
    violations.push(`${stored.size} orders stored, expected ${workload.expectedOrders.size}`);
  return violations;
}
