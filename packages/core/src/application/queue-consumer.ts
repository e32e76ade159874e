import type { Logger } from '../ports/logger';
import { silentLogger } from '../ports/logger';
import type { AbortSignalLike, MessageQueue, ReceivedMessage } from '../ports/message-queue';
import type { Scheduler } from '../ports/scheduler';
import { describeError } from '../errors/infrastructure-error';
import type { ProcessOrderBatch } from './process-order-batch';

export interface QueueDepthSnapshot {
  readonly visible: number;
  readonly inFlight: number;
  /** Sent with a delay and not yet visible (SQS DelaySeconds); they still have to be consumed. */
  readonly delayed?: number;
}

export interface QueueConsumerDependencies {
  readonly queue: MessageQueue;
  readonly processOrderBatch: ProcessOrderBatch;
  readonly scheduler: Scheduler;
  readonly logger?: Logger;
}

export interface QueueConsumerOptions {
  /** The queue's visibility timeout: heartbeats extend in-flight messages by this much. */
  readonly visibilityTimeoutSeconds: number;
  /** Messages per receive, 1–10. */
  readonly batchSize?: number;
  /** Receive loops running at once; each processes its batch with the use case's own bound. */
  readonly pollers?: number;
  /** Long-poll wait per receive (SQS allows 0–20). */
  readonly waitTimeSeconds?: number;
  /** Extend visibility while a batch is still being processed (default on). */
  readonly heartbeat?: boolean;
  /**
   * When set, a failed message is made visible again after this many seconds instead of after
   * the whole visibility timeout: retries (and the trip to the DLQ) come sooner.
   */
  readonly retryDelaySeconds?: number;
  /** When set, the consumer stops once a receive finds nothing and this reports an empty queue. */
  readonly untilEmpty?: () => Promise<QueueDepthSnapshot>;
  /** Pause after an empty receive when the queue does not long-poll (ms). */
  readonly idleDelayMs?: number;
}

export interface ConsumerReport {
  readonly batches: number;
  readonly received: number;
  readonly acknowledged: number;
  readonly failed: number;
  readonly deleteFailures: number;
  readonly receiveErrors: number;
  readonly stoppedBy: 'signal' | 'empty';
}

/**
 * The same use case as the Lambda, driven by an SQS poller, for services that don't run on
 * Lambda: bounded concurrency, batch deletes of successes, failures left for redelivery (so
 * they reach the DLQ after maxReceiveCount), a visibility heartbeat for slow work, and a
 * graceful stop: once `signal` aborts, no new receive starts, the current long poll and the
 * batches in flight finish and are deleted, and `run` resolves. Nothing received is dropped: it
 * is acknowledged, or (a failure) comes back.
 */
export class QueueConsumer {
  private readonly queue: MessageQueue;
  private readonly processOrderBatch: ProcessOrderBatch;
  private readonly scheduler: Scheduler;
  private readonly logger: Logger;
  private readonly options: Required<Omit<QueueConsumerOptions, 'retryDelaySeconds' | 'untilEmpty'>> &
    Pick<QueueConsumerOptions, 'retryDelaySeconds' | 'untilEmpty'>;
  private inFlightBatches = 0;
  private drained = false;
  private report = { batches: 0, received: 0, acknowledged: 0, failed: 0, deleteFailures: 0, receiveErrors: 0 };

  constructor(dependencies: QueueConsumerDependencies, options: QueueConsumerOptions) {
    this.queue = dependencies.queue;
    this.processOrderBatch = dependencies.processOrderBatch;
    this.scheduler = dependencies.scheduler;
    this.logger = dependencies.logger ?? silentLogger;
    this.options = {
      batchSize: 10,
      pollers: 2,
      waitTimeSeconds: 20,
      heartbeat: true,
      idleDelayMs: options.waitTimeSeconds === 0 ? 200 : 0,
      ...options,
    };
    const { batchSize, pollers, waitTimeSeconds, visibilityTimeoutSeconds } = this.options;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10)
      throw new RangeError('batchSize must be from 1 to 10');
    if (!Number.isInteger(pollers) || pollers < 1) throw new RangeError('pollers must be a positive integer');
    if (!Number.isInteger(waitTimeSeconds) || waitTimeSeconds < 0 || waitTimeSeconds > 20)
      throw new RangeError('waitTimeSeconds must be from 0 to 20');
    if (!(visibilityTimeoutSeconds > 0)) throw new RangeError('visibilityTimeoutSeconds must be positive');
  }

  /** Consumes until `signal` aborts (or, with `untilEmpty`, the queue is drained). */
  async run(signal?: AbortSignalLike): Promise<ConsumerReport> {
    const stopping = (): boolean => (signal?.aborted ?? false) || this.drained;
    await Promise.all(Array.from({ length: this.options.pollers }, () => this.poll(stopping, signal)));
    return { ...this.report, stoppedBy: this.drained ? 'empty' : 'signal' };
  }

  private async poll(stopping: () => boolean, signal: AbortSignalLike | undefined): Promise<void> {
    let backoffMs = 0;
    while (!stopping()) {
      let messages: readonly ReceivedMessage[];
      try {
        // The long poll is not aborted on stop: SQS may already have handed out messages for an
        // aborted request, and they would stay invisible for a whole visibility timeout. Stopping
        // waits for the poll instead (at most waitTimeSeconds) and processes what it returns.
        messages = await this.queue.receive({
          maxMessages: this.options.batchSize,
          waitTimeSeconds: this.options.waitTimeSeconds,
        });
        backoffMs = 0;
      } catch (error) {
        this.report.receiveErrors++;
        backoffMs = Math.min(Math.max(backoffMs * 2, 500), 20_000);
        this.logger.error('receive failed; backing off', { ...errorFields(error), backoffMs });
        await this.scheduler.sleep(backoffMs, signal);
        continue;
      }
      if (messages.length === 0) {
        if (await this.isDrained()) break;
        if (this.options.idleDelayMs > 0) await this.scheduler.sleep(this.options.idleDelayMs, signal);
        continue;
      }
      // Received messages are always processed, even if a stop arrived meanwhile: that is
      // "finish in-flight work", and it is cheaper than letting them time out.
      await this.processBatch(messages);
    }
  }

  private async isDrained(): Promise<boolean> {
    if (!this.options.untilEmpty || this.inFlightBatches > 0) return false;
    try {
      const depth = await this.options.untilEmpty();
      // Re-check: another poller may have taken a batch while we asked.
      const pending = depth.visible + depth.inFlight + (depth.delayed ?? 0);
      if (pending === 0 && this.inFlightBatches === 0) this.drained = true;
    } catch (error) {
      this.logger.warn('queue depth unavailable; keeps polling', errorFields(error));
    }
    return this.drained;
  }

  private async processBatch(messages: readonly ReceivedMessage[]): Promise<void> {
    this.inFlightBatches++;
    this.report.batches++;
    this.report.received += messages.length;
    const stopHeartbeat = this.options.heartbeat ? this.startHeartbeat(messages) : () => undefined;
    try {
      let failedMessageIds: readonly string[];
      try {
        ({ failedMessageIds } = await this.processOrderBatch.execute(messages));
      } catch (error) {
        // The use case reports per message and should never throw; if something around it does
        // (a log sink, a metrics sink), this poller must not die while the others go on: the whole
        // batch is left for redelivery, and the next one is tried.
        this.logger.error('batch failed as a whole; its messages will be redelivered', errorFields(error));
        failedMessageIds = messages.map((m) => m.messageId);
      }
      stopHeartbeat();
      const failed = new Set(failedMessageIds);
      const succeeded = messages.filter((m) => !failed.has(m.messageId));
      this.report.failed += messages.length - succeeded.length;
      await this.acknowledge(succeeded);
      if (this.options.retryDelaySeconds !== undefined) {
        await this.releaseForRetry(
          messages.filter((m) => failed.has(m.messageId)),
          this.options.retryDelaySeconds,
        );
      }
    } finally {
      stopHeartbeat();
      this.inFlightBatches--;
    }
  }

  private async acknowledge(messages: readonly ReceivedMessage[]): Promise<void> {
    if (messages.length === 0) return;
    try {
      const failures = await this.queue.deleteBatch(messages.map((m) => m.receiptHandle));
      this.report.acknowledged += messages.length - failures.length;
      this.report.deleteFailures += failures.length;
      for (const failure of failures) {
        // Not lost: the message comes back and is applied again, which the ordering rule makes harmless.
        this.logger.warn('delete failed; the message will be redelivered', {
          errorCode: failure.code,
          errorMessage: failure.message,
        });
      }
    } catch (error) {
      this.report.deleteFailures += messages.length;
      this.logger.error('delete batch failed; the messages will be redelivered', errorFields(error));
    }
  }

  private async releaseForRetry(messages: readonly ReceivedMessage[], delaySeconds: number): Promise<void> {
    await Promise.all(
      messages.map(async (message) => {
        try {
          await this.queue.changeVisibility(message.receiptHandle, delaySeconds);
        } catch (error) {
          this.logger.warn('could not shorten visibility of a failed message', {
            messageId: message.messageId,
            ...errorFields(error),
          });
        }
      }),
    );
  }

  private startHeartbeat(messages: readonly ReceivedMessage[]): () => void {
    const timeout = this.options.visibilityTimeoutSeconds;
    return this.scheduler.every((timeout * 1000) / 2, () => {
      for (const message of messages) {
        this.queue.changeVisibility(message.receiptHandle, timeout).catch((error: unknown) => {
          this.logger.warn('visibility heartbeat failed', { messageId: message.messageId, ...errorFields(error) });
        });
      }
    });
  }
}

function errorFields(error: unknown): { errorCode: string; errorName: string; errorMessage: string } {
  const { name, code, message } = describeError(error);
  return { errorCode: code, errorName: name, errorMessage: message };
}
