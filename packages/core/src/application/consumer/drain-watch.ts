import type { QueueDepth } from '../../ports/message-queue';
import type { Scheduler } from '../../ports/scheduler';
import { messagesLeft } from '../messages-left';
import type { Hold } from './message-holds';

export interface DrainWatchDependencies {
  /** Asks the queue how many messages it holds. */
  readonly depth: () => Promise<QueueDepth>;
  /** Times the receives: one unanswered for a while is evidence that the queue may be empty. */
  readonly scheduler: Scheduler;
  /** The messages the consumer holds now (received, not yet settled). */
  readonly inHand: () => Iterable<Hold>;
  /** True for a held message whose delete or release is already on its way (SQS may or may not count it). */
  readonly leaving: (hold: Hold) => boolean;
  /** Called once, when the queue is drained. */
  readonly onDrained: () => void;
  readonly onProbeFailure: (error: unknown) => void;
}

/**
 * A receive still unanswered after this long found the queue empty (SQS answers a long poll at once
 * when it has messages; a round trip is tens of ms): the depth is asked then.
 */
export const IDLE_RECEIVE_MS = 200;
/**
 * Decides when `--until-empty` may stop: as soon as the queue is provably drained, without waiting
 * out another long poll, and without asking the queue's depth after every receive.
 *
 * The consumer tells it of every receive (`receiveSent`), each of them evidence that the queue may
 * be empty once it has waited for an answer longer than a queue with messages would make it wait
 * (IDLE_RECEIVE_MS), or when it comes back empty — one question per receive at most, and one
 * question out at a time. The queue is drained when (`messagesLeft`, the rule lambda-local's poller
 * stops by too):
 * - nothing is visible or delayed, and everything in flight is ours: the in-flight count is at most
 *   the number of messages we hold whose delete or release has not started (SQS may or may not
 *   still count those that have, so they are not ours to claim), and no message arrived meanwhile;
 * - and then every message we held at that moment ends deleted. One that fails (and so comes back),
 *   a delete SQS refused or confirmed late, or any new message received calls the verdict off, and
 *   the next evidence asks again.
 * The counts are SQS's approximations: exact on an emulator, "eventually consistent" on SQS itself,
 * where a message sent a moment before the question may not be counted yet.
 */
export class DrainWatch {
  private probe: Promise<void> | undefined;
  /** Messages that must all end deleted for the last probe's verdict to stand. */
  private candidate: Set<Hold> | undefined;
  private receivedMessages = 0;
  private done = false;
  /** Evidence came while a delete or release of ours was on the wire: ask once none is. */
  private deferred = false;
  private closed = false;

  constructor(private readonly dependencies: DrainWatchDependencies) {}

  get drained(): boolean {
    return this.done;
  }

  /** A receive handed out messages: whatever a probe found is out of date. */
  received(count: number): void {
    if (count <= 0) return;
    this.receivedMessages += count;
    this.candidate = undefined;
    this.deferred = false;
  }

  /**
   * A receive went out. Still unanswered after IDLE_RECEIVE_MS, it is evidence that the queue may be
   * empty. Call the returned function as soon as the receive is over, with whether it came back
   * empty (not when it failed or brought messages): an empty answer is evidence too, unless the
   * receive already counted as such while it waited. Resolves once the question it asked (if any)
   * is answered; never rejects.
   */
  receiveSent(): (cameBackEmpty: boolean) => Promise<void> {
    let asked = false;
    const cancel = this.dependencies.scheduler.after(IDLE_RECEIVE_MS, () => {
      if (this.closed) return;
      asked = true;
      void this.suspectEmpty();
    });
    return (cameBackEmpty) => {
      cancel();
      return cameBackEmpty && !asked && !this.closed ? this.suspectEmpty() : Promise.resolve();
    };
  }

  /**
   * Evidence that the queue may be empty: asks its depth, unless a question is already out, or a
   * verdict is only waiting for our own messages to be deleted. While a delete or release of ours
   * is on the wire the answer could not prove anything (SQS may or may not count that message), so
   * the question waits until none is. Never rejects.
   */
  suspectEmpty(): Promise<void> {
    if (this.done || this.candidate !== undefined) return Promise.resolve();
    if (this.anyLeaving()) {
      this.deferred = true;
      return Promise.resolve();
    }
    this.probe ??= this.ask().finally(() => {
      this.probe = undefined;
    });
    return this.probe;
  }

  /** A held message was settled: deleted in time (`deleted`), or anything else. */
  settled(hold: Hold, deleted: boolean): void {
    if (this.candidate?.has(hold)) {
      if (deleted) {
        this.candidate.delete(hold);
        if (this.candidate.size === 0) this.declare();
      } else {
        this.candidate = undefined;
      }
    }
    if (this.deferred && !this.done && !this.anyLeaving()) {
      this.deferred = false;
      void this.suspectEmpty();
    }
  }

  private anyLeaving(): boolean {
    for (const hold of this.dependencies.inHand()) if (this.dependencies.leaving(hold)) return true;
    return false;
  }

  private async ask(): Promise<void> {
    const { depth, inHand, leaving, onProbeFailure } = this.dependencies;
    const receivedBefore = this.receivedMessages;
    const oursBefore = new Set([...inHand()].filter((hold) => !leaving(hold)));
    let snapshot: QueueDepth;
    try {
      snapshot = await depth();
    } catch (error) {
      onProbeFailure(error);
      return;
    }
    if (this.done || this.receivedMessages !== receivedBefore) return;
    const held = [...inHand()];
    // Ours: held, and neither deleted nor released at any moment the count could have been taken.
    const ours = held.filter((hold) => oursBefore.has(hold) && !leaving(hold)).length;
    if (messagesLeft(snapshot, ours) > 0) return;
    this.candidate = new Set(held);
    if (this.candidate.size === 0) this.declare();
  }

  private declare(): void {
    if (this.done) return;
    this.done = true;
    this.candidate = undefined;
    this.dependencies.onDrained();
  }

  /** The run is over: no more questions, whatever receives are still out. */
  close(): void {
    this.closed = true;
  }
}
