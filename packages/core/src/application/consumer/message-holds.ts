import { describeError } from '../../errors/infrastructure-error';
import type { Clock } from '../../ports/clock';
import type { DeleteFailure, MessageQueue, ReceivedMessage, VisibilityChange } from '../../ports/message-queue';

/**
 * A received message while the consumer holds it: hidden from every other consumer until its
 * visibility deadline, and only until then. Past the deadline SQS may hand the message to someone
 * else with a new receipt handle, and a delete with ours is then accepted without deleting.
 */
export interface Hold {
  readonly message: ReceivedMessage;
  /**
   * Until when the message is certainly still ours, by the consumer's clock (ms since the epoch).
   * Counted from the moment a request was *sent*, never from when its answer came, so it errs on
   * the early side: the receive's visibility timeout from before the receive, a heartbeat's from
   * before the heartbeat. A heartbeat SQS refused because the handle no longer holds the message
   * pulls it back to when that heartbeat was sent.
   */
  readonly deadline: number;
  /**
   * When the receive that returned it was sent, by the consumer's clock (ms since the epoch): SQS
   * received the message no earlier, and keeps it hidden at most 12 h after that, whatever the
   * heartbeats asked for since.
   */
  readonly receivedAt: number;
}

/** An entry SQS did not apply, with its reason. */
export interface HoldFailure {
  readonly hold: Hold;
  readonly code: string;
  readonly message: string;
}

/** How the deletes of a group ended, message by message. */
export interface DeleteTally {
  /** SQS confirmed the delete while the message was still ours. */
  readonly acknowledged: readonly Hold[];
  /**
   * SQS accepted the delete only after the deadline: the receipt handle may have been stale (the
   * message received again elsewhere), and SQS answers success then without deleting anything.
   */
  readonly late: readonly Hold[];
  readonly failed: readonly HoldFailure[];
}

/** Makes a held message visible again after `seconds` (0: at once). */
export interface ReleaseRequest {
  readonly hold: Hold;
  readonly seconds: number;
}

export interface ReleaseTally {
  /** SQS applied the change: the message comes back when asked. */
  readonly released: readonly Hold[];
  /** SQS did not: the message comes back after the visibility it already had. */
  readonly failed: readonly HoldFailure[];
}

export interface HoldEvents {
  /** A heartbeat that failed for a message still held (after a release or delete, failures are expected and not told). */
  onHeartbeatFailure?(hold: Hold, failure: { readonly code: string; readonly message: string }): void;
}

/** SQS's calls take at most 10 entries. */
const MAX_ENTRIES = 10;

/**
 * Entry codes with which SQS says the receipt handle no longer holds the message (it was received
 * again elsewhere, its visibility ran out, or it is gone): from then on it is not ours. Other
 * refusals (and a call that failed as a whole) say nothing about that, and change nothing.
 */
const NOT_HELD_CODES: ReadonlySet<string> = new Set([
  'ReceiptHandleIsInvalid',
  'MessageNotInflight',
  'AWS.SimpleQueueService.MessageNotInflight',
  'InvalidParameterValue',
]);

interface EntryRefusal {
  readonly code: string;
  readonly message: string;
  /** SQS answered and refused this entry (rather than the whole call failing). */
  readonly answered: boolean;
}

type ChangeOutcome = { readonly ok: true } | { readonly ok: false; readonly code: string; readonly message: string };

interface PendingChange {
  readonly seconds: number;
  /** A heartbeat moves the deadline on when SQS applies it; a release gives the message up. */
  readonly kind: 'extend' | 'release';
  readonly done: (outcome: ChangeOutcome) => void;
}

interface HoldState extends Hold {
  deadline: number;
  /** A visibility change of this message is on the wire. */
  onWire: boolean;
  /** The release waiting for the change on the wire to be answered. */
  next: PendingChange | undefined;
  /** Released or being deleted: no heartbeat starts any more. */
  settled: boolean;
  /** Waiting for this message to have no visibility change on the wire or waiting. */
  quietWaiters: (() => void)[];
}

/**
 * The consumer's visibility bookkeeping, apart from the consumer loop:
 * - each message's deadline, moved on only by heartbeats SQS confirmed, pulled back when SQS says
 *   the handle no longer holds the message;
 * - every visibility change goes out in ChangeMessageVisibilityBatch calls of up to 10 entries —
 *   a heartbeat tick's due messages together, a batch's paced retries together, a stop's hand-back
 *   together — with each entry's failure handled on its own;
 * - one change per message on the wire at a time: a release (a paced retry, a hand-back at stop)
 *   is sent only once the heartbeat in flight for that message has been answered, so a heartbeat
 *   can never land after a retry delay and restore the full timeout;
 * - deletes judged against the deadline.
 */
export class MessageHolds {
  constructor(
    private readonly queue: MessageQueue,
    private readonly clock: Clock,
    private readonly events: HoldEvents = {},
  ) {}

  /**
   * Starts holding messages a receive returned. `receiveSentAt` is when the receive request left:
   * SQS started their visibility timeout no earlier.
   */
  hold(messages: readonly ReceivedMessage[], receiveSentAt: number, visibilityTimeoutSeconds: number): Hold[] {
    return messages.map(
      (message): HoldState => ({
        message,
        deadline: receiveSentAt + visibilityTimeoutSeconds * 1000,
        receivedAt: receiveSentAt,
        onWire: false,
        next: undefined,
        settled: false,
        quietWaiters: [],
      }),
    );
  }

  /**
   * Heartbeat: extends, by `timeoutSeconds`, every held message whose deadline is less than
   * `withinMs` away and that has no change on the wire already, in batch calls of up to 10.
   */
  extendDue(holds: Iterable<Hold>, timeoutSeconds: number, withinMs: number): void {
    const now = this.clock.now();
    const due: HoldState[] = [];
    for (const hold of holds as Iterable<HoldState>) {
      if (hold.settled || hold.onWire || hold.next || hold.deadline - now > withinMs) continue;
      hold.next = { seconds: timeoutSeconds, kind: 'extend', done: () => undefined };
      due.push(hold);
    }
    this.dispatch(due);
  }

  /** No heartbeat starts for these any more (one on the wire still ends on its own). */
  settle(holds: readonly Hold[]): void {
    for (const hold of holds as readonly HoldState[]) hold.settled = true;
  }

  /** Resolves when these messages have no visibility change on the wire or waiting. Never rejects. */
  async quiesce(holds: readonly Hold[]): Promise<void> {
    await Promise.all(
      (holds as readonly HoldState[]).map((hold) =>
        hold.onWire || hold.next ? new Promise<void>((resolve) => hold.quietWaiters.push(resolve)) : undefined,
      ),
    );
  }

  /**
   * Makes each message visible again after its `seconds`, each only after the heartbeat on the wire
   * for it (if any) has been answered; those that are free go out together at once. Never rejects.
   */
  async release(requests: readonly ReleaseRequest[]): Promise<ReleaseTally> {
    const released: Hold[] = [];
    const failed: HoldFailure[] = [];
    const answers: Promise<void>[] = [];
    for (const { hold, seconds } of requests as readonly { hold: HoldState; seconds: number }[]) {
      hold.settled = true;
      // One release per message is all the consumer asks for; a second one replaces the first.
      hold.next?.done({ ok: false, code: 'superseded', message: 'a later release replaced this one' });
      answers.push(
        new Promise<void>((resolve) => {
          hold.next = {
            seconds,
            kind: 'release',
            done: (outcome) => {
              if (outcome.ok) released.push(hold);
              else failed.push({ hold, code: outcome.code, message: outcome.message });
              resolve();
            },
          };
        }),
      );
    }
    this.dispatch(requests.map((request) => request.hold as HoldState));
    await Promise.all(answers);
    return { released, failed };
  }

  /**
   * Deletes the messages (one DeleteMessageBatch per 10) and says, for each, whether the delete is
   * confirmed: answered by SQS before the message's deadline. Heartbeats still on the wire are
   * awaited before judging: one SQS applied before the delete moved the deadline on (one applied
   * after it fails, the message being gone), so the judgement uses every extension that counted.
   */
  async delete(holds: readonly Hold[]): Promise<DeleteTally> {
    if (holds.length === 0) return { acknowledged: [], late: [], failed: [] };
    this.settle(holds);
    const byHandle = new Map(holds.map((hold) => [hold.message.receiptHandle, hold]));
    const failed: HoldFailure[] = [];
    let failures: readonly DeleteFailure[];
    try {
      failures = await this.queue.deleteBatch([...byHandle.keys()]);
    } catch (error) {
      // The port promises not to throw; if an adapter does, nothing is known to be deleted.
      const { code, message } = describeError(error);
      failures = [...byHandle.keys()].map((receiptHandle) => ({ receiptHandle, code, message }));
    }
    for (const failure of failures) {
      const hold = byHandle.get(failure.receiptHandle);
      if (hold === undefined) continue;
      failed.push({ hold, code: failure.code, message: failure.message });
      byHandle.delete(failure.receiptHandle);
    }
    const answeredAt = this.clock.now();
    await this.quiesce(holds);
    const acknowledged: Hold[] = [];
    const late: Hold[] = [];
    for (const hold of byHandle.values()) (answeredAt <= hold.deadline ? acknowledged : late).push(hold);
    return { acknowledged, late, failed };
  }

  /** Sends the waiting change of each message that has none on the wire, 10 to a call. */
  private dispatch(holds: readonly HoldState[]): void {
    const ready = holds.filter((hold) => !hold.onWire && hold.next !== undefined);
    for (let start = 0; start < ready.length; start += MAX_ENTRIES) {
      const entries = ready.slice(start, start + MAX_ENTRIES).map((hold) => {
        const change = hold.next as PendingChange;
        hold.next = undefined;
        hold.onWire = true;
        return { hold, change };
      });
      void this.send(entries);
    }
  }

  /** One ChangeMessageVisibilityBatch call; never rejects. */
  private async send(entries: readonly { hold: HoldState; change: PendingChange }[]): Promise<void> {
    const sentAt = this.clock.now();
    const changes: VisibilityChange[] = entries.map(({ hold, change }) => ({
      receiptHandle: hold.message.receiptHandle,
      visibilityTimeoutSeconds: change.seconds,
    }));
    /** By receipt handle: the entries not applied; `answered` when SQS itself refused that entry. */
    let refused: Map<string, EntryRefusal>;
    try {
      const failures = await this.queue.changeVisibilityBatch(changes);
      refused = new Map(
        failures.map(({ receiptHandle, code, message }) => [receiptHandle, { code, message, answered: true }]),
      );
    } catch (error) {
      // The port reports entries instead of throwing; an adapter that throws anyway applied nothing
      // we can count on, and its answer says nothing about the handles.
      const { code, message } = describeError(error);
      refused = new Map(changes.map((change) => [change.receiptHandle, { code, message, answered: false }]));
    }
    const followUps: HoldState[] = [];
    for (const { hold, change } of entries) {
      hold.onWire = false;
      const refusal = refused.get(hold.message.receiptHandle);
      if (change.kind === 'extend') this.afterHeartbeat(hold, change.seconds, sentAt, refusal);
      change.done(refusal === undefined ? { ok: true } : { ok: false, code: refusal.code, message: refusal.message });
      if (hold.next) followUps.push(hold);
      else for (const resolve of hold.quietWaiters.splice(0)) resolve();
    }
    this.dispatch(followUps);
  }

  private afterHeartbeat(hold: HoldState, seconds: number, sentAt: number, refusal: EntryRefusal | undefined): void {
    if (refusal === undefined) {
      hold.deadline = Math.max(hold.deadline, sentAt + seconds * 1000);
      return;
    }
    // Once a delete or release is on its way, SQS refusing a heartbeat is expected (our own delete
    // may have won the race) and says nothing about before: the deadline stands as it was.
    if (hold.settled) return;
    if (refusal.answered && NOT_HELD_CODES.has(refusal.code)) hold.deadline = Math.min(hold.deadline, sentAt);
    this.events.onHeartbeatFailure?.(hold, { code: refusal.code, message: refusal.message });
  }
}
