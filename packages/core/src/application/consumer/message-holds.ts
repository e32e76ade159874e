import type { Clock } from '../../ports/clock';
import type { MessageQueue, ReceivedMessage } from '../../ports/message-queue';

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
   * before the heartbeat.
   */
  readonly deadline: number;
}

/** How the deletes of a batch ended, message by message. */
export interface DeleteTally {
  /** SQS confirmed the delete while the message was still ours. */
  readonly acknowledged: readonly Hold[];
  /**
   * SQS accepted the delete only after the deadline: the receipt handle may have been stale (the
   * message received again elsewhere), and SQS answers success then without deleting anything.
   */
  readonly late: readonly Hold[];
  readonly failed: readonly { readonly hold: Hold; readonly code: string; readonly message: string }[];
}

export interface HoldEvents {
  /** A heartbeat that failed for a message still held (after a release or delete, failures are expected and not told). */
  onHeartbeatFailure?(hold: Hold, error: unknown): void;
}

interface HoldState extends Hold {
  deadline: number;
  /** The tail of this message's visibility changes: each starts when the one before it has ended. */
  lane: Promise<void>;
  /** A heartbeat is in flight: the next tick does not pile another one on. */
  extending: boolean;
  /** Released or deleted: no heartbeat may start any more. */
  settled: boolean;
}

/**
 * The consumer's visibility bookkeeping, apart from the consumer loop:
 * - each message's deadline, extended only by heartbeats SQS confirmed;
 * - every visibility change of one message goes through one lane, in order, so a release (a retry
 *   delay, a hand-back at stop) is sent only once the heartbeat in flight has ended — a heartbeat
 *   can never land after a retry delay and restore the full timeout;
 * - deletes judged against the deadline.
 * Batching (ChangeMessageVisibilityBatch) can replace the per-message calls here without touching
 * the consumer.
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
        lane: Promise.resolve(),
        extending: false,
        settled: false,
      }),
    );
  }

  /**
   * Heartbeat: extends, by `timeoutSeconds`, every held message whose deadline is less than
   * `withinMs` away and that has no extension in flight already.
   */
  extendDue(holds: readonly Hold[], timeoutSeconds: number, withinMs: number): void {
    const now = this.clock.now();
    for (const hold of holds as readonly HoldState[]) {
      if (hold.settled || hold.extending || hold.deadline - now > withinMs) continue;
      hold.extending = true;
      this.enqueue(hold, async () => {
        if (hold.settled) return;
        const sentAt = this.clock.now();
        try {
          await this.queue.changeVisibility(hold.message.receiptHandle, timeoutSeconds);
          hold.deadline = Math.max(hold.deadline, sentAt + timeoutSeconds * 1000);
        } catch (error) {
          if (!hold.settled) this.events.onHeartbeatFailure?.(hold, error);
        } finally {
          hold.extending = false;
        }
      });
    }
  }

  /** No heartbeat starts for these any more (one in flight still ends on its own). */
  settle(holds: readonly Hold[]): void {
    for (const hold of holds as readonly HoldState[]) hold.settled = true;
  }

  /** Resolves when the visibility changes in flight for these messages have ended. Never rejects. */
  async quiesce(holds: readonly Hold[]): Promise<void> {
    await Promise.all((holds as readonly HoldState[]).map((hold) => hold.lane));
  }

  /**
   * Makes each message visible again after `seconds` (0: at once), each only after its heartbeat
   * in flight has ended. Returns the messages whose change SQS confirmed.
   */
  async release(holds: readonly Hold[], seconds: number): Promise<{ released: Hold[]; failed: Hold[] }> {
    this.settle(holds);
    const released: Hold[] = [];
    const failed: Hold[] = [];
    await Promise.all(
      (holds as readonly HoldState[]).map((hold) =>
        this.enqueue(hold, async () => {
          try {
            await this.queue.changeVisibility(hold.message.receiptHandle, seconds);
            released.push(hold);
          } catch {
            failed.push(hold);
          }
        }),
      ),
    );
    return { released, failed };
  }

  /**
   * Deletes the messages and says, for each, whether the delete is confirmed: answered by SQS
   * before the message's deadline. Heartbeats still in flight are awaited before judging: one that
   * SQS applied before the delete moved the deadline on (one applied after it fails, the message
   * being gone), so the judgement uses every extension that counted.
   */
  async delete(holds: readonly Hold[]): Promise<DeleteTally> {
    if (holds.length === 0) return { acknowledged: [], late: [], failed: [] };
    this.settle(holds);
    const byHandle = new Map(holds.map((hold) => [hold.message.receiptHandle, hold]));
    const failed: { hold: Hold; code: string; message: string }[] = [];
    try {
      for (const failure of await this.queue.deleteBatch([...byHandle.keys()])) {
        const hold = byHandle.get(failure.receiptHandle);
        if (hold === undefined) continue;
        failed.push({ hold, code: failure.code, message: failure.message });
        byHandle.delete(failure.receiptHandle);
      }
    } catch (error) {
      // The port promises not to throw; if an adapter does, nothing is known to be deleted.
      const { code, message } = errorParts(error);
      for (const hold of byHandle.values()) failed.push({ hold, code, message });
      byHandle.clear();
    }
    const answeredAt = this.clock.now();
    await this.quiesce(holds);
    const acknowledged: Hold[] = [];
    const late: Hold[] = [];
    for (const hold of byHandle.values()) (answeredAt <= hold.deadline ? acknowledged : late).push(hold);
    return { acknowledged, late, failed };
  }

  private enqueue(hold: HoldState, change: () => Promise<void>): Promise<void> {
    // The lane never rejects (each change catches its own errors, and this guards the rest).
    hold.lane = hold.lane.then(change).catch(() => undefined);
    return hold.lane;
  }
}

function errorParts(error: unknown): { code: string; message: string } {
  if (typeof error === 'object' && error !== null) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    return {
      code: typeof code === 'string' ? code : 'delete_failed',
      message: typeof message === 'string' ? message : 'the delete failed',
    };
  }
  return { code: 'delete_failed', message: 'the delete failed' };
}
