import { errorLogFields, type FailureClass } from '../errors/infrastructure-error';
import type { InboundMessage } from '../messages/inbound-message';
import type { LogFields, Logger } from '../ports/logger';
import { silentLogger } from '../ports/logger';
import type { AbortSignalLike, MessageQueue, QueueDepth, ReceivedMessage } from '../ports/message-queue';
import type { Scheduler } from '../ports/scheduler';
import type { ConsumerObserver } from './consumer/consumer-observer';
import { DeleteBatcher } from './consumer/delete-batcher';
import { DrainWatch } from './consumer/drain-watch';
import { DRAINING_WAIT_SECONDS } from './messages-left';
import { InFlightLimit } from './consumer/in-flight-limit';
import { MessageHolds, type DeleteTally, type Hold, type HoldFailure } from './consumer/message-holds';
import { type ReceiveFailing, ReceiveFailures } from './consumer/receive-failures';
import { RunningCount } from './consumer/running-count';
import { STOPPED, StopSignal, unlessStopped } from './consumer/stop-signal';
import { failureClassOf, type MessageOutcome } from './message-outcome';
import type { ProcessOrderBatch } from './process-order-batch';
import {
  DEFAULT_RETRY_PACING,
  maxDelayBeyondSqs,
  pacingWithinVisibilityLimit,
  retryDelaySeconds,
  retryPacingProblems,
  type RetryPacingOptions,
} from './retry-pacing';

export interface QueueConsumerDependencies {
  readonly queue: MessageQueue;
  readonly processOrderBatch: ProcessOrderBatch;
  readonly scheduler: Scheduler;
  readonly logger?: Logger;
  /** Told of receive and delete failures as they happen (a status line, a supervisor). */
  readonly observer?: ConsumerObserver;
}

export interface QueueConsumerOptions {
  /** Visibility timeout asked for on each receive; each heartbeat extends a message by as much. */
  readonly visibilityTimeoutSeconds: number;
  /** Messages per receive, 1–10. */
  readonly batchSize?: number;
  /** Receive loops running at once. Each has its next receive in flight while its last batch is processed. */
  readonly pollers?: number;
  /**
   * Most messages held at once: received and not yet deleted or released (default: 3 batches per
   * poller — one being received, one processed, one being deleted). Polling runs ahead of
   * processing only this far.
   */
  readonly maxInFlight?: number;
  /** Long-poll wait per receive (SQS allows 0–20; with `untilEmpty`, at most 1: see DRAINING_WAIT_SECONDS). */
  readonly waitTimeSeconds?: number;
  /** Extend visibility while a message is still being processed (default on). */
  readonly heartbeat?: boolean;
  /**
   * When a failed message comes back, by why it failed and how often it was received (the Lambda's
   * pacing, core's `retryDelaySeconds`): poison at once, transient and systemic failures backing off.
   * Default: DEFAULT_RETRY_PACING.
   */
  readonly retryPacing?: RetryPacingOptions;
  /** The queue's maxReceiveCount (its redrive policy), when known: a message on its last receive comes back at once, to reach the DLQ now. */
  readonly maxReceiveCount?: number;
  /** The pacing's jitter source (tests pass a fixed one). */
  readonly random?: () => number;
  /** When set, the consumer stops as soon as this shows the queue drained (see DrainWatch). */
  readonly untilEmpty?: () => Promise<QueueDepth>;
  /** Pause after an empty receive when the queue does not long-poll (ms). */
  readonly idleDelayMs?: number;
  /**
   * Longest a batch may be processed (ms, default 60 s). A batch that takes longer is left for
   * redelivery (paced as a transient failure) and the consumer goes on; records it had not
   * started are not started.
   */
  readonly batchTimeoutMs?: number;
  /** After a stop is asked for: how long batches in hand and the last long polls may take (ms, default 10 s). */
  readonly stopTimeoutMs?: number;
  /** After the stop timeout: how long handing back what is still in hand may take (ms, default 2 s). */
  readonly handBackTimeoutMs?: number;
  /** Longest a processed message waits for others to share its DeleteMessageBatch call (ms, default 20). */
  readonly deleteFlushDelayMs?: number;
  /**
   * Stop once every receive has failed for this long (ms), as a stop signal stops it, and report
   * `stoppedBy: 'failing'`: a consumer that cannot reach its queue then ends, for a supervisor to
   * restart, instead of looking alive while it consumes nothing. 0 (the default): never.
   */
  readonly stopAfterFailingMs?: number;
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
  /** Reported failed by the use case: left for redelivery, paced by failure class. */
  readonly failed: number;
  readonly deleteFailures: number;
  readonly receiveErrors: number;
  /** Batches that outlived the batch timeout, and the messages in them (left for redelivery). */
  readonly timedOutBatches: number;
  readonly timedOut: number;
  readonly heartbeatFailures: number;
  /** Paced retries (and hand-backs at stop) SQS did not confirm: those messages wait out their visibility timeout. */
  readonly releaseFailures: number;
  /** Messages still in hand when the stop timeout ran out. They come back to the queue. */
  readonly left: number;
  /** Of those, made visible again at once before the consumer returned. */
  readonly handedBack: number;
  /** Batches given up on (timed out or stopped) whose store requests may still have been running. */
  readonly abandonedRunning: number;
  /** `failing`: every receive failed for `stopAfterFailingMs`. */
  readonly stoppedBy: 'signal' | 'empty' | 'failing';
  /** True when the graceful stop did not finish within the stop timeout. */
  readonly stopTimedOut: boolean;
  /** Set when the run ended while every receive was failing: since when, how many, and why the last one did. */
  readonly receiveFailing?: ReceiveFailing;
}

type Counters = {
  -readonly [K in Exclude<
    keyof ConsumerReport,
    'stoppedBy' | 'stopTimedOut' | 'abandonedRunning' | 'left' | 'receiveFailing'
  >]: number;
};

const DEFAULT_BATCH_TIMEOUT_MS = 60_000;
const DEFAULT_STOP_TIMEOUT_MS = 10_000;
const DEFAULT_HAND_BACK_TIMEOUT_MS = 2_000;
const DEFAULT_DELETE_FLUSH_DELAY_MS = 20;
/** Batches of headroom per poller by default: one being received, one processed, one being deleted. */
const DEFAULT_BATCHES_IN_FLIGHT_PER_POLLER = 3;

type ResolvedOptions = Required<Omit<QueueConsumerOptions, 'untilEmpty' | 'maxReceiveCount'>> &
  Pick<QueueConsumerOptions, 'untilEmpty' | 'maxReceiveCount'>;

/** The signals of one run. */
interface RunSignals {
  /** A graceful stop was asked for: no new receive starts; batches in hand finish. */
  readonly stop: StopSignal;
  /** No new receive starts: a stop, or the queue is drained. */
  readonly noMoreReceives: StopSignal;
  /** The receives in flight are cut: the queue is drained, or the stop timeout ran out. */
  readonly cutReceives: StopSignal;
  /** The stop timeout ran out: batches in hand are handed back. */
  readonly hardStop: StopSignal;
}

/** A message's trace ids as its log lines carry them (none when its record had none). */
function traceFields(outcome: MessageOutcome | undefined): LogFields {
  return outcome?.traceId === undefined ? {} : { trace_id: outcome.traceId, span_id: outcome.spanId };
}

/** A failed message and why it failed, for pacing. */
interface FailedHold {
  readonly hold: Hold;
  readonly failureClass: FailureClass;
}

/**
 * The same use case as the Lambda, driven by an SQS poller, for services that don't run on Lambda.
 *
 * - **Pipelined, bounded polling.** Each poller has its next receive in flight while the batch it
 *   received last is processed; deletes go out in the background, batched across pollers
 *   (DeleteBatcher). At most `maxInFlight` messages are held at once (InFlightLimit): a poller
 *   reserves a batch's worth before it receives.
 * - **Batched visibility changes** (MessageHolds): heartbeats, paced retries and the hand-back at
 *   stop go out as ChangeMessageVisibilityBatch calls, one change per message on the wire at a time,
 *   so a heartbeat can never undo a retry delay.
 * - **Paced retries**, as the Lambda's: a failed message comes back by its failure class and
 *   receive count (poison at once; transient and systemic failures backing off, with jitter; on its
 *   last receive at once, to reach the DLQ now).
 * - A timeout per batch, and a bounded graceful stop. Nothing received is dropped: it is
 *   acknowledged, or it comes back. Under network faults every count is conservative: a message
 *   counts as acknowledged only when its delete was confirmed before its visibility deadline.
 *
 * Stopping: once `signal` aborts, no new receive starts; what the batches in hand and the receives
 * in flight hold is processed and deleted. While anything is held, a receive in flight is not cut
 * (SQS may already have handed out messages for it, and a cut request would leave them invisible
 * for a whole visibility timeout); once nothing is, the idle long polls are cut rather than waited
 * out. If finishing takes longer than `stopTimeoutMs`, batches still processing are handed back
 * (made visible at once, for another consumer), and `run` resolves at the latest
 * `handBackTimeoutMs` later, reporting what it left. With `untilEmpty`, `run` resolves as soon as
 * the queue is drained (DrainWatch).
 *
 * Failing: a receive or delete that fails is logged and told to the `observer` as it happens, with
 * its cause. With `stopAfterFailingMs`, once every receive has failed that long (ReceiveFailures)
 * the run stops as on a signal and reports `stoppedBy: 'failing'`, for a supervisor to restart.
 */
export class QueueConsumer {
  private readonly queue: MessageQueue;
  private readonly processOrderBatch: ProcessOrderBatch;
  private readonly scheduler: Scheduler;
  private readonly logger: Logger;
  private readonly observer: ConsumerObserver;
  private readonly holds: MessageHolds;
  private readonly deletes: DeleteBatcher;
  private readonly options: ResolvedOptions;
  private readonly limit: InFlightLimit;
  private readonly drain: DrainWatch | undefined;
  private readonly receives: ReceiveFailures;
  /** Every receive failed for `stopAfterFailingMs`: the run stops as on a signal. */
  private readonly failingStop = new StopSignal();
  private readonly abandoned = new RunningCount();
  /** Every batch from its receive until each of its messages is settled. */
  private readonly batchesRunning = new RunningCount();
  /** Messages received and not yet settled (deleted, released or left): what a stop leaves behind. */
  private readonly inHand = new Set<Hold>();
  /** Held messages whose delete or release is on its way. */
  private readonly leaving = new Set<Hold>();
  private readonly leftBehind = new Set<Hold>();
  /** Each traced message's outcome, until the message is gone: what its later lines carry as trace ids. */
  private readonly outcomes = new WeakMap<InboundMessage, MessageOutcome>();
  /** Batches in the use case right now; when none is, waiting deletes go out at once. */
  private processing = 0;
  private signals: RunSignals | undefined;
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
    this.observer = dependencies.observer ?? {};
    const batchSize = options.batchSize ?? 10;
    const pollers = options.pollers ?? 2;
    this.options = {
      batchSize,
      pollers,
      maxInFlight: pollers * batchSize * DEFAULT_BATCHES_IN_FLIGHT_PER_POLLER,
      waitTimeSeconds: 20,
      heartbeat: true,
      retryPacing: DEFAULT_RETRY_PACING,
      random: Math.random,
      idleDelayMs: options.waitTimeSeconds === 0 ? 200 : 0,
      batchTimeoutMs: DEFAULT_BATCH_TIMEOUT_MS,
      stopTimeoutMs: DEFAULT_STOP_TIMEOUT_MS,
      handBackTimeoutMs: DEFAULT_HAND_BACK_TIMEOUT_MS,
      deleteFlushDelayMs: DEFAULT_DELETE_FLUSH_DELAY_MS,
      stopAfterFailingMs: 0,
      ...options,
    };
    checkOptions(this.options);
    this.receives = new ReceiveFailures(this.scheduler, {
      giveUpAfterMs: this.options.stopAfterFailingMs,
      onGiveUp: (failing) => {
        const { name, code, message, failureClass } = failing.lastError;
        this.logger.error('every receive has failed for too long; stopping, for a supervisor to restart the consumer', {
          errorName: name,
          errorCode: code,
          errorMessage: message,
          failureClass,
          failuresInARow: failing.failures,
          failingForMs: this.scheduler.now() - failing.sinceMs,
          stopAfterFailingMs: this.options.stopAfterFailingMs,
        });
        this.observer.givingUp?.(failing);
        this.failingStop.stop();
      },
    });
    this.limit = new InFlightLimit(this.options.maxInFlight);
    this.holds = new MessageHolds(this.queue, this.scheduler, {
      onHeartbeatFailure: (hold, failure) => {
        this.report.heartbeatFailures++;
        this.logger.warn('visibility heartbeat failed', {
          messageId: hold.message.messageId,
          ...this.traceFieldsOf(hold),
          errorCode: failure.code,
          errorMessage: failure.message,
        });
      },
    });
    this.deletes = new DeleteBatcher(this.holds, this.scheduler, {
      flushDelayMs: this.options.deleteFlushDelayMs,
      onTally: (tally) => this.countDeletes(tally),
    });
    const { untilEmpty } = this.options;
    this.drain =
      untilEmpty === undefined
        ? undefined
        : new DrainWatch({
            depth: untilEmpty,
            scheduler: this.scheduler,
            inHand: () => this.inHand,
            leaving: (hold) => this.leaving.has(hold),
            onDrained: () => {
              this.logger.info('queue drained; stopping');
              this.signals?.cutReceives.stop();
            },
            onProbeFailure: (error) =>
              this.logger.warn('queue depth unavailable; keeps polling', errorLogFields(error)),
          });
  }

  /** Consumes until `signal` aborts (or, with `untilEmpty`, the queue is drained). */
  async run(signal?: AbortSignalLike): Promise<ConsumerReport> {
    const signals: RunSignals = {
      stop: new StopSignal(),
      noMoreReceives: new StopSignal(),
      cutReceives: new StopSignal(),
      hardStop: new StopSignal(),
    };
    this.signals = signals;
    signals.cutReceives.addEventListener('abort', () => signals.noMoreReceives.stop());
    signals.stop.addEventListener('abort', () => {
      signals.noMoreReceives.stop();
      this.cutIdleReceives();
    });
    signals.hardStop.addEventListener('abort', () => signals.cutReceives.stop());
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
    // Failing for too long stops the run as a signal would (whichever comes first).
    let stoppedByFailing = false;
    const onFailing = (): void => {
      if (signals.stop.aborted) return;
      stoppedByFailing = true;
      onStop();
    };
    if (this.failingStop.aborted) onFailing();
    else this.failingStop.addEventListener('abort', onFailing);
    this.warnIfMaxDelayBeyondSqs();
    if (this.options.heartbeat) cancels.push(this.startHeartbeat());
    try {
      const pollers = Promise.all(Array.from({ length: this.options.pollers }, () => this.poll(signals)));
      const everything = pollers.then(async () => {
        this.deletes.flush();
        await this.batchesRunning.below(1);
      });
      await unlessStopped(everything, over);
    } finally {
      signal?.removeEventListener('abort', onStop);
      this.failingStop.removeEventListener('abort', onFailing);
      for (const cancel of cancels) cancel();
      this.drain?.close();
      this.receives.close();
      this.deletes.flush();
    }
    const left = new Set([...this.leftBehind, ...this.inHand]);
    const failing = this.receives.current;
    return {
      ...this.report,
      left: left.size,
      abandonedRunning: this.abandoned.value,
      stoppedBy: this.drain?.drained ? 'empty' : stoppedByFailing ? 'failing' : 'signal',
      stopTimedOut: signals.hardStop.aborted,
      ...(failing === undefined ? {} : { receiveFailing: failing }),
    };
  }

  private async poll(signals: RunSignals): Promise<void> {
    const { noMoreReceives, cutReceives, hardStop } = signals;
    const { batchSize, visibilityTimeoutSeconds } = this.options;
    const waitTimeSeconds = this.drain
      ? Math.min(this.options.waitTimeSeconds, DRAINING_WAIT_SECONDS)
      : this.options.waitTimeSeconds;
    let backoffMs = 0;
    while (!noMoreReceives.aborted) {
      await this.waitForAbandonedWork(noMoreReceives);
      // Room for a whole receive's worth first: polling runs ahead of processing only this far.
      if (noMoreReceives.aborted || !(await this.limit.reserve(batchSize, noMoreReceives))) break;
      if (noMoreReceives.aborted) {
        this.limit.release(batchSize);
        break;
      }
      const receiveSentAt = this.scheduler.now();
      const receiveOver = this.drain?.receiveSent();
      let messages: readonly ReceivedMessage[];
      this.receives.sent();
      try {
        // Cut only when nothing can be waiting for it: the queue is drained, a stop has nothing
        // left to finish, or the stop timeout ran out (see the class comment).
        messages = await this.queue.receive({
          maxMessages: batchSize,
          waitTimeSeconds,
          visibilityTimeoutSeconds,
          signal: cutReceives,
        });
        backoffMs = 0;
      } catch (error) {
        void receiveOver?.(false);
        this.limit.release(batchSize);
        backoffMs = Math.min(Math.max(backoffMs * 2, 500), 20_000);
        this.receiveFailed(error, backoffMs);
        await this.scheduler.sleep(backoffMs, noMoreReceives);
        continue;
      }
      const drainQuestion = receiveOver?.(messages.length === 0);
      if (messages.length === 0 && cutReceives.aborted) this.receives.cut();
      else this.receiveAnswered();
      this.limit.release(batchSize - messages.length);
      if (messages.length === 0) {
        if (drainQuestion) await unlessStopped(drainQuestion, hardStop);
        if (this.options.idleDelayMs > 0) await this.scheduler.sleep(this.options.idleDelayMs, noMoreReceives);
        continue;
      }
      this.drain?.received(messages.length);
      // Received messages are always processed, even if a stop arrived meanwhile: that is "finish
      // in-flight work", and it is cheaper than letting them time out. The poller does not wait:
      // its next receive goes out while this batch is processed.
      this.batchesRunning.track(this.processBatch(messages, receiveSentAt, hardStop));
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

  /** One batch from its receive until every message of it is settled; never rejects. */
  private async processBatch(
    messages: readonly ReceivedMessage[],
    receiveSentAt: number,
    hardStop: StopSignal,
  ): Promise<void> {
    const { visibilityTimeoutSeconds, batchTimeoutMs, heartbeat } = this.options;
    this.processing++;
    this.report.batches++;
    this.report.received += messages.length;
    const holds = this.holds.hold(messages, receiveSentAt, visibilityTimeoutSeconds);
    for (const hold of holds) this.inHand.add(hold);
    // A message handed out early in a long poll may already be half-way through its timeout.
    if (heartbeat) this.holds.extendDue(holds, visibilityTimeoutSeconds, (visibilityTimeoutSeconds * 1000) / 2);
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
    let settling: Promise<unknown>;
    try {
      const execution = this.execute(messages, giveUp);
      const result = await unlessStopped(execution, giveUp);
      if (result === STOPPED) {
        this.abandoned.track(execution);
        settling = reason === 'timeout' ? this.leaveTimedOut(holds) : this.handBack(holds);
      } else {
        const succeeded = holds.filter((hold) => !result.has(hold.message.messageId));
        const failures = holds.flatMap((hold): FailedHold[] => {
          const failureClass = result.get(hold.message.messageId);
          return failureClass === undefined ? [] : [{ hold, failureClass }];
        });
        this.report.failed += failures.length;
        for (const hold of succeeded) this.leaving.add(hold);
        settling = Promise.all([this.deletes.delete(succeeded), this.paceRetries(failures)]);
      }
    } finally {
      hardStop.removeEventListener('abort', onHardStop);
      cancelTimeout();
      this.processing--;
      // Nothing else is about to add deletes: the ones waiting go out now instead of after the delay.
      if (this.processing === 0) this.deletes.flush();
    }
    await settling;
  }

  /** Why each failed message failed, by message id (absent: succeeded); never rejects (a throw fails the whole batch). */
  private async execute(
    messages: readonly ReceivedMessage[],
    giveUp: StopSignal,
  ): Promise<ReadonlyMap<string, FailureClass>> {
    const failed = new Map<string, FailureClass>();
    try {
      // Given up on (timed out, or the stop timeout ran out): records not started are not started,
      // saves waiting for a write permit leave the line, and saves in flight are cancelled, as in the
      // Lambda — a batch given up on must not hold the process's write limit.
      const result = await this.processOrderBatch.execute(messages, {
        shouldStop: () => giveUp.aborted,
        signal: giveUp,
        // Kept (only when it has a trace) for the lines about the message after processing: deletes, pacing.
        onOutcome: (message, outcome) => {
          if (outcome.traceId !== undefined) this.outcomes.set(message, outcome);
        },
      });
      const classes = new Map<string, FailureClass>();
      for (const outcome of result.outcomes) {
        const failureClass = failureClassOf(outcome);
        if (failureClass !== undefined && !classes.has(outcome.messageId)) classes.set(outcome.messageId, failureClass);
      }
      // An id reported failed without a classified outcome is paced as a transient failure.
      for (const messageId of result.failedMessageIds) failed.set(messageId, classes.get(messageId) ?? 'transient');
    } catch (error) {
      // The use case reports per message and should never throw; if something around it does
      // (a log sink, a metrics sink), this poller must not die while the others go on: the whole
      // batch is left for redelivery (paced as a systemic failure: something is broken), and the
      // next one is tried.
      this.logger.error('batch failed as a whole; its messages will be redelivered', errorLogFields(error));
      for (const message of messages) failed.set(message.messageId, 'systemic');
    }
    return failed;
  }

  /**
   * Heartbeats for every held message: a check every quarter of the visibility timeout, extending
   * in one batch call per 10 the messages whose deadline is less than half a timeout away.
   */
  private startHeartbeat(): () => void {
    const { visibilityTimeoutSeconds } = this.options;
    const timeoutMs = visibilityTimeoutSeconds * 1000;
    return this.scheduler.every(Math.max(100, timeoutMs / 4), () =>
      this.holds.extendDue(this.inHand, visibilityTimeoutSeconds, timeoutMs / 2),
    );
  }

  /** A message's life in the consumer ends: its slot is free, and the drain watch is told how. */
  private settle(hold: Hold, deleted: boolean): void {
    if (!this.inHand.delete(hold)) return;
    this.leaving.delete(hold);
    this.limit.release(1);
    this.drain?.settled(hold, deleted);
    this.cutIdleReceives();
  }

  /**
   * Once a graceful stop has nothing left to finish, the receives still in flight are idle long
   * polls: they are cut instead of waited out (up to 20 s). The queue adapter still lets a receive
   * that is being answered finish (SqsMessageQueue's abort grace), and what it brings is processed.
   */
  private cutIdleReceives(): void {
    if (this.signals?.stop.aborted && this.inHand.size === 0) this.signals.cutReceives.stop();
  }

  /** Counted, logged and told as it happens: a failing consumer says so at once, not only in its report. */
  private receiveFailed(error: unknown, retryInMs: number): void {
    this.report.receiveErrors++;
    const failing = this.receives.failed(error);
    this.logger.error('receive failed; retrying', {
      ...errorLogFields(error),
      backoffMs: retryInMs,
      failuresInARow: failing.failures,
      failingForMs: this.scheduler.now() - failing.sinceMs,
    });
    this.observer.receiveFailed?.(failing, retryInMs);
  }

  private receiveAnswered(): void {
    const ended = this.receives.succeeded();
    if (ended === undefined) return;
    this.logger.info('receiving again after failed receives', {
      failuresInARow: ended.failures,
      failedForMs: this.scheduler.now() - ended.sinceMs,
    });
    this.observer.receiveRecovered?.(ended);
  }

  private countDeletes(tally: DeleteTally): void {
    this.report.acknowledged += tally.acknowledged.length;
    this.report.deletedLate += tally.late.length;
    this.report.deleteFailures += tally.failed.length;
    const [first] = tally.failed;
    if (first !== undefined)
      this.observer.deletesFailed?.({ count: tally.failed.length, code: first.code, message: first.message });
    for (const { hold, code, message } of tally.failed) {
      // Not lost: the message comes back and is applied again, which the ordering rule makes harmless.
      this.logger.warn('delete failed; the message will be redelivered', {
        messageId: hold.message.messageId,
        ...this.traceFieldsOf(hold),
        errorCode: code,
        errorMessage: message,
      });
    }
    for (const hold of tally.late) {
      this.logger.warn('delete confirmed after the visibility deadline; the message may be delivered again', {
        messageId: hold.message.messageId,
        ...this.traceFieldsOf(hold),
      });
    }
    for (const hold of tally.acknowledged) this.settle(hold, true);
    for (const hold of tally.late) this.settle(hold, false);
    for (const { hold } of tally.failed) this.settle(hold, false);
  }

  /**
   * Makes each failed message visible again after its paced delay, through the holds (so no
   * heartbeat can undo it). A change that fails never turns a failure into a success: the message
   * simply comes back after the visibility it already had.
   */
  private async paceRetries(failures: readonly FailedHold[]): Promise<void> {
    if (failures.length === 0) return;
    const { retryPacing, random, maxReceiveCount } = this.options;
    const now = this.scheduler.now();
    const requests = failures.map(({ hold, failureClass }) => {
      // Capped to what SQS still allows this message: 12 h from its receive, not from now.
      const pacing = pacingWithinVisibilityLimit(retryPacing, (now - hold.receivedAt) / 1000);
      return {
        hold,
        seconds: retryDelaySeconds(failureClass, hold.message.receiveCount, pacing, random, maxReceiveCount),
      };
    });
    for (const { hold } of requests) this.leaving.add(hold);
    const { failed } = await this.holds.release(requests);
    this.report.releaseFailures += failed.length;
    this.logFailedReleases(
      failed,
      'could not pace the retry of a failed message; it comes back after its current visibility',
    );
    this.logger.info('failed messages paced', {
      paced: requests.length - failed.length,
      notPaced: failed.length,
      longestDelaySeconds: Math.max(...requests.map((request) => request.seconds)),
    });
    for (const { hold } of requests) this.settle(hold, false);
  }

  /**
   * Says once, at the start, when the configured longest retry delay cannot always be honoured:
   * a message is paced at the latest a long poll plus a batch timeout after its receive was sent,
   * and SQS keeps it hidden at most 12 h after that receive (each delay is capped to what is left).
   */
  private warnIfMaxDelayBeyondSqs(): void {
    const { retryPacing, waitTimeSeconds, batchTimeoutMs } = this.options;
    const beyond = maxDelayBeyondSqs(retryPacing, waitTimeSeconds + Math.ceil(batchTimeoutMs / 1000));
    if (beyond === undefined) return;
    this.logger.warn(
      'the longest retry delay cannot be honoured: SQS keeps a message hidden at most 12 h after its receive, so each delay is capped to what is left (effectiveMaxDelaySeconds for a message paced at the batch timeout)',
      { ...beyond },
    );
  }

  private async leaveTimedOut(holds: readonly Hold[]): Promise<void> {
    this.report.timedOutBatches++;
    this.report.timedOut += holds.length;
    this.logger.error('batch timed out; its messages are left for redelivery', {
      batchTimeoutMs: this.options.batchTimeoutMs,
      messageIds: holds.map((hold) => hold.message.messageId),
    });
    // Not started, or started and not finished in time: a deadline, as the Lambda's `deadline_exceeded`.
    await this.paceRetries(holds.map((hold) => ({ hold, failureClass: 'transient' })));
  }

  /** The stop timeout ran out with this batch in hand: give its messages back for another consumer now. */
  private async handBack(holds: readonly Hold[]): Promise<void> {
    for (const hold of holds) {
      this.leftBehind.add(hold);
      this.leaving.add(hold);
    }
    const { released, failed } = await this.holds.release(holds.map((hold) => ({ hold, seconds: 0 })));
    this.report.handedBack += released.length;
    this.report.releaseFailures += failed.length;
    this.logger.warn('stop timeout: messages in hand handed back to the queue', {
      handedBack: released.length,
      notHandedBack: failed.length,
      messageIds: holds.map((hold) => hold.message.messageId),
    });
    for (const hold of holds) this.settle(hold, false);
  }

  private logFailedReleases(failed: readonly HoldFailure[], text: string): void {
    for (const { hold, code, message } of failed) {
      this.logger.warn(text, {
        messageId: hold.message.messageId,
        ...this.traceFieldsOf(hold),
        errorCode: code,
        errorMessage: message,
      });
    }
  }

  /** The trace ids of the record a held message became (its outcome's), for a line about it. */
  private traceFieldsOf(hold: Hold): LogFields {
    return traceFields(this.outcomes.get(hold.message));
  }
}

function checkOptions(options: ResolvedOptions): void {
  const { batchSize, pollers, maxInFlight, waitTimeSeconds, visibilityTimeoutSeconds, maxReceiveCount } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10)
    throw new RangeError('batchSize must be from 1 to 10');
  if (!Number.isInteger(pollers) || pollers < 1) throw new RangeError('pollers must be a positive integer');
  if (!Number.isInteger(maxInFlight) || maxInFlight < batchSize)
    throw new RangeError(`maxInFlight must be an integer of at least batchSize (${batchSize}), got ${maxInFlight}`);
  if (!Number.isInteger(waitTimeSeconds) || waitTimeSeconds < 0 || waitTimeSeconds > 20)
    throw new RangeError('waitTimeSeconds must be from 0 to 20');
  if (!Number.isInteger(visibilityTimeoutSeconds) || visibilityTimeoutSeconds < 1 || visibilityTimeoutSeconds > 43_200)
    throw new RangeError('visibilityTimeoutSeconds must be an integer from 1 to 43200');
  if (maxReceiveCount !== undefined && (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1))
    throw new RangeError('maxReceiveCount must be a positive integer');
  const pacingProblems = retryPacingProblems(options.retryPacing);
  if (pacingProblems.length > 0) throw new RangeError(`retryPacing: ${pacingProblems.join('; ')}`);
  const positive = (name: string, value: number): void => {
    if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number of ms`);
  };
  positive('batchTimeoutMs', options.batchTimeoutMs);
  positive('handBackTimeoutMs', options.handBackTimeoutMs);
  if (!Number.isFinite(options.stopTimeoutMs) || options.stopTimeoutMs < 0)
    throw new RangeError('stopTimeoutMs must be 0 or more ms');
  if (!Number.isFinite(options.deleteFlushDelayMs) || options.deleteFlushDelayMs < 0)
    throw new RangeError('deleteFlushDelayMs must be 0 or more ms');
  if (!Number.isFinite(options.stopAfterFailingMs) || options.stopAfterFailingMs < 0)
    throw new RangeError('stopAfterFailingMs must be 0 (never) or more ms');
}
