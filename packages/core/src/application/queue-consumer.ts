import { describeError } from '../errors/infrastructure-error';
import type { Logger } from '../ports/logger';
import { silentLogger } from '../ports/logger';
import type { AbortSignalLike, MessageQueue, ReceivedMessage } from '../ports/message-queue';
import type { Scheduler } from '../ports/scheduler';
import { MessageHolds, type DeleteTally, type Hold } from './consumer/message-holds';
import { RunningCount } from './consumer/running-count';
import { STOPPED, StopSignal, unlessStopped } from './consumer/stop-signal';
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
  /** Visibility timeout asked for on each receive; each heartbeat extends a message by as much. */
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
  /**
   * Longest a batch may be processed (ms, default 60 s). A batch that takes longer is left for
   * redelivery (after `retryDelaySeconds` when set, else its visibility timeout) and the poller
   * goes on; records it had not started are not started.
   */
  readonly batchTimeoutMs?: number;
  /** After a stop is asked for: how long batches in hand and the last long poll may take (ms, default 10 s). */
  readonly stopTimeoutMs?: number;
  /** After the stop timeout: how long handing back what is still in hand may take (ms, default 2 s). */
  readonly handBackTimeoutMs?: number;
}

export interface ConsumerReport {
  readonly batches: number;
  readonly received: number;
  /** Processed, deleted, and the delete confirmed while the message was still ours. */
  readonly acknowledged: number;
  /**
   * Processed and deleted, but SQS answered the delete only after the message's visibility
   * deadline: its receipt handle may have been stale, which SQS accepts without deleting, so the
   * message may come back (and be applied again, harmlessly). Not counted as acknowledged.
   */
  readonly deletedLate: number;
  /** Reported failed by the use case: left for redelivery. */
  readonly failed: number;
  readonly deleteFailures: number;
  readonly receiveErrors: number;
  /** Batches that outlived the batch timeout, and the messages in them (left for redelivery). */
  readonly timedOutBatches: number;
  readonly timedOut: number;
  readonly heartbeatFailures: number;
  /** Retry delays (and hand-backs at stop) SQS did not confirm: those messages wait out their visibility timeout. */
  readonly releaseFailures: number;
  /** Messages still in hand when the stop timeout ran out. They come back to the queue. */
  readonly left: number;
  /** Of those, made visible again at once before the consumer returned. */
  readonly handedBack: number;
  /** Batches given up on (timed out or stopped) whose store requests may still have been running. */
  readonly abandonedRunning: number;
  readonly stoppedBy: 'signal' | 'empty';
  /** True when the graceful stop did not finish within the stop timeout. */
  readonly stopTimedOut: boolean;
}

type Counters = {
  -readonly [K in Exclude<keyof ConsumerReport, 'stoppedBy' | 'stopTimedOut' | 'abandonedRunning' | 'left'>]: number;
};

const DEFAULT_BATCH_TIMEOUT_MS = 60_000;
const DEFAULT_STOP_TIMEOUT_MS = 10_000;
const DEFAULT_HAND_BACK_TIMEOUT_MS = 2_000;

type ResolvedOptions = Required<Omit<QueueConsumerOptions, 'retryDelaySeconds' | 'untilEmpty'>> &
  Pick<QueueConsumerOptions, 'retryDelaySeconds' | 'untilEmpty'>;

/** The signals of one run: a graceful stop, its timeout, and the end of the hand-back. */
interface RunSignals {
  /** No new receive starts; batches in hand finish. */
  readonly stop: StopSignal;
  /** The stop timeout ran out: the last long poll is cut and batches in hand are handed back. */
  readonly hardStop: StopSignal;
}

/**
 * The same use case as the Lambda, driven by an SQS poller, for services that don't run on
 * Lambda: bounded concurrency, batch deletes of successes, failures left for redelivery (so they
 * reach the DLQ after maxReceiveCount), visibility heartbeats, a timeout per batch, and a bounded
 * graceful stop. Nothing received is dropped: it is acknowledged, or it comes back. Under network
 * faults every count is conservative: a message counts as acknowledged only when its delete was
 * confirmed before its visibility deadline (see MessageHolds).
 *
 * Stopping: once `signal` aborts, no new receive starts, and the long poll and batches in hand
 * finish and are deleted. If that takes longer than `stopTimeoutMs`, the long poll is cut, batches
 * still processing are handed back (made visible at once, for another consumer), and `run`
 * resolves at the latest `handBackTimeoutMs` later, reporting what it left.
 */
export class QueueConsumer {
  private readonly queue: MessageQueue;
  private readonly processOrderBatch: ProcessOrderBatch;
  private readonly scheduler: Scheduler;
  private readonly logger: Logger;
  private readonly holds: MessageHolds;
  private readonly options: ResolvedOptions;
  private readonly abandoned = new RunningCount();
  /** Messages received and not yet settled (deleted, released or left): what a stop leaves behind. */
  private readonly inHand = new Set<Hold>();
  private readonly leftBehind = new Set<Hold>();
  private inFlightBatches = 0;
  private drained = false;
  private report: Counters = {
    batches: 0,
    received: 0,
    acknowledged: 0,
    deletedLate: 0,
    failed: 0,
    deleteFailures: 0,
    receiveErrors: 0,
    timedOutBatches: 0,
    timedOut: 0,
    heartbeatFailures: 0,
    releaseFailures: 0,
    handedBack: 0,
  };

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
      batchTimeoutMs: DEFAULT_BATCH_TIMEOUT_MS,
      stopTimeoutMs: DEFAULT_STOP_TIMEOUT_MS,
      handBackTimeoutMs: DEFAULT_HAND_BACK_TIMEOUT_MS,
      ...options,
    };
    checkOptions(this.options);
    this.holds = new MessageHolds(this.queue, this.scheduler, {
      onHeartbeatFailure: (hold, error) => {
        this.report.heartbeatFailures++;
        this.logger.warn('visibility heartbeat failed', { messageId: hold.message.messageId, ...errorFields(error) });
      },
    });
  }

  /** Consumes until `signal` aborts (or, with `untilEmpty`, the queue is drained). */
  async run(signal?: AbortSignalLike): Promise<ConsumerReport> {
    const signals: RunSignals = { stop: new StopSignal(), hardStop: new StopSignal() };
    // The hand-back's own bound: once it is over, `run` returns whatever is still going on.
    const over = new StopSignal();
    const cancels: (() => void)[] = [];
    const onStop = (): void => {
      signals.stop.stop();
      cancels.push(
        this.scheduler.after(this.options.stopTimeoutMs, () => {
          signals.hardStop.stop();
          cancels.push(this.scheduler.after(this.options.handBackTimeoutMs, () => over.stop()));
        }),
      );
    };
    if (signal?.aborted) onStop();
    else signal?.addEventListener('abort', onStop, { once: true });
    try {
      const pollers = Promise.all(Array.from({ length: this.options.pollers }, () => this.poll(signals)));
      await unlessStopped(pollers, over);
    } finally {
      signal?.removeEventListener('abort', onStop);
      for (const cancel of cancels) cancel();
    }
    const left = new Set([...this.leftBehind, ...this.inHand]);
    return {
      ...this.report,
      left: left.size,
      abandonedRunning: this.abandoned.value,
      stoppedBy: this.drained ? 'empty' : 'signal',
      stopTimedOut: signals.hardStop.aborted,
    };
  }

  private async poll({ stop, hardStop }: RunSignals): Promise<void> {
    const stopping = (): boolean => stop.aborted || this.drained;
    let backoffMs = 0;
    while (!stopping()) {
      await this.waitForAbandonedWork(stop);
      if (stopping()) break;
      const receiveSentAt = this.scheduler.now();
      let messages: readonly ReceivedMessage[];
      try {
        // The long poll is not cut on a graceful stop: SQS may already have handed out messages for
        // a cut request, and they would stay invisible for a whole visibility timeout. Stopping
        // waits for the poll (at most waitTimeSeconds), unless the stop timeout runs out first.
        messages = await this.queue.receive({
          maxMessages: this.options.batchSize,
          waitTimeSeconds: this.options.waitTimeSeconds,
          visibilityTimeoutSeconds: this.options.visibilityTimeoutSeconds,
          signal: hardStop,
        });
        backoffMs = 0;
      } catch (error) {
        this.report.receiveErrors++;
        backoffMs = Math.min(Math.max(backoffMs * 2, 500), 20_000);
        this.logger.error('receive failed; backing off', { ...errorFields(error), backoffMs });
        await this.scheduler.sleep(backoffMs, stop);
        continue;
      }
      if (messages.length === 0) {
        if ((await unlessStopped(this.isDrained(), hardStop)) === true) break;
        if (this.options.idleDelayMs > 0) await this.scheduler.sleep(this.options.idleDelayMs, stop);
        continue;
      }
      // Received messages are always processed, even if a stop arrived meanwhile: that is
      // "finish in-flight work", and it is cheaper than letting them time out.
      await this.processBatch(messages, receiveSentAt, hardStop);
    }
  }

  /**
   * Batches given up on may still hold store requests (until their own timeouts end them): while
   * as many are running as there are pollers, wait for one to end before taking more work — but
   * no longer than a batch timeout, so that work that never ends cannot stop the consumer.
   */
  private async waitForAbandonedWork(stop: StopSignal): Promise<void> {
    if (this.abandoned.value < this.options.pollers) return;
    this.logger.warn('batches given up on are still running; waiting before taking more work', {
      abandonedRunning: this.abandoned.value,
    });
    let cancel: () => void = () => undefined;
    const timeUp = new Promise<void>((resolve) => {
      cancel = this.scheduler.after(this.options.batchTimeoutMs, resolve);
    });
    await unlessStopped(Promise.race([this.abandoned.below(this.options.pollers), timeUp]), stop);
    cancel();
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

  private async processBatch(
    messages: readonly ReceivedMessage[],
    receiveSentAt: number,
    hardStop: StopSignal,
  ): Promise<void> {
    const { visibilityTimeoutSeconds: timeout, batchTimeoutMs } = this.options;
    this.inFlightBatches++;
    this.report.batches++;
    this.report.received += messages.length;
    const holds = this.holds.hold(messages, receiveSentAt, timeout);
    for (const hold of holds) this.inHand.add(hold);
    const stopHeartbeat = this.startHeartbeat(holds);
    // Given up on: the batch timed out, or the stop timeout ran out. Records not started yet are
    // then not started, and the batch's messages are left or handed back.
    const giveUp = new StopSignal();
    let reason: 'timeout' | 'stop' | undefined;
    const cancelTimeout = this.scheduler.after(batchTimeoutMs, () => {
      reason ??= 'timeout';
      giveUp.stop();
    });
    const onHardStop = (): void => {
      reason ??= 'stop';
      giveUp.stop();
    };
    if (hardStop.aborted) onHardStop();
    else hardStop.addEventListener('abort', onHardStop);
    try {
      const execution = this.execute(messages, () => giveUp.aborted);
      const result = await unlessStopped(execution, giveUp);
      stopHeartbeat();
      cancelTimeout();
      if (result === STOPPED) {
        this.abandoned.track(execution);
        if (reason === 'timeout') await this.leaveTimedOut(holds);
        else await this.handBack(holds);
        return;
      }
      const failed = new Set(result);
      const succeeded = holds.filter((hold) => !failed.has(hold.message.messageId));
      const failures = holds.filter((hold) => failed.has(hold.message.messageId));
      this.report.failed += failures.length;
      this.count(await this.holds.delete(succeeded));
      await this.releaseForRetry(failures);
    } finally {
      hardStop.removeEventListener('abort', onHardStop);
      stopHeartbeat();
      cancelTimeout();
      for (const hold of holds) this.inHand.delete(hold);
      this.inFlightBatches--;
    }
  }

  /** The use case's failed message ids; never rejects (a throw fails the whole batch). */
  private async execute(messages: readonly ReceivedMessage[], shouldStop: () => boolean): Promise<readonly string[]> {
    try {
      return (await this.processOrderBatch.execute(messages, { shouldStop })).failedMessageIds;
    } catch (error) {
      // The use case reports per message and should never throw; if something around it does
      // (a log sink, a metrics sink), this poller must not die while the others go on: the whole
      // batch is left for redelivery, and the next one is tried.
      this.logger.error('batch failed as a whole; its messages will be redelivered', errorFields(error));
      return messages.map((message) => message.messageId);
    }
  }

  /**
   * Heartbeats: a check every quarter of the visibility timeout, extending each message whose
   * deadline is less than half a timeout away, and one check at once (a message handed out early
   * in a long poll may already be half-way through its timeout).
   */
  private startHeartbeat(holds: readonly Hold[]): () => void {
    if (!this.options.heartbeat) return () => undefined;
    const timeoutMs = this.options.visibilityTimeoutSeconds * 1000;
    const beat = (): void => this.holds.extendDue(holds, this.options.visibilityTimeoutSeconds, timeoutMs / 2);
    beat();
    return this.scheduler.every(Math.max(100, timeoutMs / 4), beat);
  }

  private count(tally: DeleteTally): void {
    this.report.acknowledged += tally.acknowledged.length;
    this.report.deletedLate += tally.late.length;
    this.report.deleteFailures += tally.failed.length;
    for (const { hold, code, message } of tally.failed) {
      // Not lost: the message comes back and is applied again, which the ordering rule makes harmless.
      this.logger.warn('delete failed; the message will be redelivered', {
        messageId: hold.message.messageId,
        errorCode: code,
        errorMessage: message,
      });
    }
    for (const hold of tally.late) {
      this.logger.warn('delete confirmed after the visibility deadline; the message may be delivered again', {
        messageId: hold.message.messageId,
      });
    }
  }

  private async releaseForRetry(holds: readonly Hold[]): Promise<void> {
    const delay = this.options.retryDelaySeconds;
    if (holds.length === 0) return;
    if (delay === undefined) {
      this.holds.settle(holds);
      return;
    }
    const { failed } = await this.holds.release(holds, delay);
    this.report.releaseFailures += failed.length;
    for (const hold of failed) {
      this.logger.warn('could not shorten the visibility of a failed message; it waits out its timeout', {
        messageId: hold.message.messageId,
      });
    }
  }

  private async leaveTimedOut(holds: readonly Hold[]): Promise<void> {
    this.report.timedOutBatches++;
    this.report.timedOut += holds.length;
    this.logger.error('batch timed out; its messages are left for redelivery', {
      batchTimeoutMs: this.options.batchTimeoutMs,
      messageIds: holds.map((hold) => hold.message.messageId),
    });
    await this.releaseForRetry(holds);
  }

  /** The stop timeout ran out with this batch in hand: give its messages back for another consumer now. */
  private async handBack(holds: readonly Hold[]): Promise<void> {
    for (const hold of holds) this.leftBehind.add(hold);
    const { released, failed } = await this.holds.release(holds, 0);
    this.report.handedBack += released.length;
    this.report.releaseFailures += failed.length;
    this.logger.warn('stop timeout: messages in hand handed back to the queue', {
      handedBack: released.length,
      notHandedBack: failed.length,
      messageIds: holds.map((hold) => hold.message.messageId),
    });
  }
}

function checkOptions(options: ResolvedOptions): void {
  const { batchSize, pollers, waitTimeSeconds, visibilityTimeoutSeconds } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10)
    throw new RangeError('batchSize must be from 1 to 10');
  if (!Number.isInteger(pollers) || pollers < 1) throw new RangeError('pollers must be a positive integer');
  if (!Number.isInteger(waitTimeSeconds) || waitTimeSeconds < 0 || waitTimeSeconds > 20)
    throw new RangeError('waitTimeSeconds must be from 0 to 20');
  if (!Number.isInteger(visibilityTimeoutSeconds) || visibilityTimeoutSeconds < 1 || visibilityTimeoutSeconds > 43_200)
    throw new RangeError('visibilityTimeoutSeconds must be an integer from 1 to 43200');
  const positive = (name: string, value: number): void => {
    if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number of ms`);
  };
  positive('batchTimeoutMs', options.batchTimeoutMs);
  positive('handBackTimeoutMs', options.handBackTimeoutMs);
  if (!Number.isFinite(options.stopTimeoutMs) || options.stopTimeoutMs < 0)
    throw new RangeError('stopTimeoutMs must be 0 or more ms');
}

function errorFields(error: unknown): { errorCode: string; errorName: string; errorMessage: string } {
  const { name, code, message } = describeError(error);
  return { errorCode: code, errorName: name, errorMessage: message };
}
