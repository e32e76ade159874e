import type {
  Clock,
  DeleteFailure,
  MessageQueue,
  QueueDepth,
  ReceivedMessage,
  ReceiveOptions,
  VisibilityChange,
  VisibilityChangeFailure,
} from '@orders/core';
import { IdSequence } from './id-sequence';
import { MinHeap } from './min-heap';

export interface RedrivePolicy {
  readonly deadLetterQueue: InMemoryQueue;
  /** Deliveries before the message moves to the DLQ (SQS's maxReceiveCount; default 3). */
  readonly maxReceiveCount: number;
}

export interface InMemoryQueueOptions {
  readonly name: string;
  readonly clock: Clock;
  readonly visibilityTimeoutSeconds?: number;
  readonly redrive?: { readonly deadLetterQueue: InMemoryQueue; readonly maxReceiveCount?: number };
  readonly ids?: IdSequence;
}

/** A message as the queue holds it, including what happened to it so far. */
export interface StoredMessage {
  readonly messageId: string;
  readonly body: string;
  readonly sentTimestamp: number;
  receiveCount: number;
  firstReceiveTimestamp: number | undefined;
  visibleAt: number;
  receiptHandle: string | undefined;
  /** Set when a redrive moved it here: where from, and how often it had been received there. */
  deadLetterSource?: { readonly queueName: string; readonly receiveCount: number; readonly movedAt: number };
  readonly sequence: number;
}

const DEFAULT_VISIBILITY_TIMEOUT_SECONDS = 30;

interface ScheduleEntry {
  readonly messageId: string;
  readonly visibleAt: number;
  readonly sequence: number;
}

/**
 * A standard SQS queue in memory, with the semantics consumers depend on: a received message is
 * hidden for the visibility timeout, each delivery gets a new receipt handle and increments
 * `ApproximateReceiveCount`, only the latest handle deletes, and a message received
 * `maxReceiveCount` times moves to the dead-letter queue on the next receive attempt (as SQS does).
 * Order is deterministic (by time it became visible, then by send order) — SQS gives no order at
 * all, so nothing may depend on this one.
 */
export class InMemoryQueue implements MessageQueue {
  readonly name: string;
  readonly arn: string;
  private readonly clock: Clock;
  private readonly visibilityTimeoutMs: number;
  private readonly redrive: RedrivePolicy | undefined;
  private readonly ids: IdSequence;
  private readonly messages = new Map<string, StoredMessage>();
  private readonly byReceiptHandle = new Map<string, string>();
  /** (visibleAt, sequence) entries; an entry is stale once its message moved on (lazy deletion). */
  private readonly schedule = new MinHeap<ScheduleEntry>(
    (a, b) => a.visibleAt < b.visibleAt || (a.visibleAt === b.visibleAt && a.sequence < b.sequence),
  );
  private sequence = 0;
  private handles = 0;

  constructor(options: InMemoryQueueOptions) {
    this.name = options.name;
    this.arn = `arn:aws:sqs:us-east-1:000000000000:${options.name}`;
    this.clock = options.clock;
    this.visibilityTimeoutMs = (options.visibilityTimeoutSeconds ?? DEFAULT_VISIBILITY_TIMEOUT_SECONDS) * 1000;
    this.ids = options.ids ?? new IdSequence();
    if (options.redrive) {
      const maxReceiveCount = options.redrive.maxReceiveCount ?? 3;
      if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1 || maxReceiveCount > 1000) {
        throw new RangeError('maxReceiveCount must be an integer from 1 to 1000 (as in SQS)');
      }
      this.redrive = { deadLetterQueue: options.redrive.deadLetterQueue, maxReceiveCount };
    }
  }

  get visibilityTimeoutSeconds(): number {
    return this.visibilityTimeoutMs / 1000;
  }

  /** Accepts a message; returns its new message id. */
  send(
    body: string,
    options: { messageId?: string; deadLetterSource?: StoredMessage['deadLetterSource'] } = {},
  ): string {
    const messageId = options.messageId ?? this.ids.next();
    if (this.messages.has(messageId)) throw new Error(`message ${messageId} is already in queue ${this.name}`);
    const now = this.clock.now();
    const message: StoredMessage = {
      messageId,
      body,
      sentTimestamp: now,
      receiveCount: 0,
      firstReceiveTimestamp: undefined,
      visibleAt: now,
      receiptHandle: undefined,
      sequence: this.sequence++,
      ...(options.deadLetterSource ? { deadLetterSource: options.deadLetterSource } : {}),
    };
    this.messages.set(messageId, message);
    this.schedule.push({ messageId, visibleAt: now, sequence: message.sequence });
    return messageId;
  }

  async receive(options: ReceiveOptions): Promise<readonly ReceivedMessage[]> {
    return this.receiveNow(options);
  }

  /** Synchronous `receive` (the simulator never waits: a long poll on an empty queue returns at once). */
  receiveNow(options: Pick<ReceiveOptions, 'maxMessages' | 'visibilityTimeoutSeconds'>): ReceivedMessage[] {
    if (!Number.isInteger(options.maxMessages) || options.maxMessages < 1 || options.maxMessages > 10) {
      throw new RangeError('maxMessages must be an integer from 1 to 10 (as in SQS)');
    }
    const now = this.clock.now();
    const timeoutMs =
      options.visibilityTimeoutSeconds === undefined
        ? this.visibilityTimeoutMs
        : options.visibilityTimeoutSeconds * 1000;
    const received: ReceivedMessage[] = [];
    while (received.length < options.maxMessages) {
      const message = this.popVisible(now);
      if (!message) break;
      if (this.redrive && message.receiveCount >= this.redrive.maxReceiveCount) {
        this.moveToDeadLetterQueue(message, now);
        continue;
      }
      received.push(this.deliver(message, now, timeoutMs));
    }
    return received;
  }

  async deleteBatch(receiptHandles: readonly string[]): Promise<readonly DeleteFailure[]> {
    return this.deleteNow(receiptHandles);
  }

  deleteNow(receiptHandles: readonly string[]): DeleteFailure[] {
    const failures: DeleteFailure[] = [];
    for (const receiptHandle of receiptHandles) {
      const message = this.current(receiptHandle);
      if (!message) {
        failures.push({
          receiptHandle,
          code: 'ReceiptHandleIsInvalid',
          message: 'the receipt handle is unknown or no longer the latest',
        });
        continue;
      }
      this.forget(message);
    }
    return failures;
  }

  async changeVisibility(receiptHandle: string, visibilityTimeoutSeconds: number): Promise<void> {
    const message = this.current(receiptHandle);
    if (!message || message.visibleAt <= this.clock.now()) {
      throw new Error(`MessageNotInflight: ${receiptHandle} is not the latest handle of an in-flight message`);
    }
    this.reschedule(message, this.clock.now() + visibilityTimeoutSeconds * 1000);
  }

  /** Each change as `changeVisibility` would apply it; an entry that fails is reported, as SQS does. */
  async changeVisibilityBatch(changes: readonly VisibilityChange[]): Promise<readonly VisibilityChangeFailure[]> {
    const failures: VisibilityChangeFailure[] = [];
    for (const { receiptHandle, visibilityTimeoutSeconds } of changes) {
      try {
        await this.changeVisibility(receiptHandle, visibilityTimeoutSeconds);
      } catch (error) {
        failures.push({ receiptHandle, code: 'MessageNotInflight', message: (error as Error).message });
      }
    }
    return failures;
  }

  depth(): QueueDepth {
    const now = this.clock.now();
    let inFlight = 0;
    for (const message of this.messages.values()) if (message.visibleAt > now) inFlight++;
    return { visible: this.messages.size - inFlight, inFlight };
  }

  get size(): number {
    return this.messages.size;
  }

  /** The earliest time a held message is (or becomes) visible; undefined when the queue is empty. */
  nextVisibleAt(): number | undefined {
    for (let entry = this.schedule.peek(); entry; entry = this.schedule.peek()) {
      if (this.isCurrent(entry)) return entry.visibleAt;
      this.schedule.pop();
    }
    return undefined;
  }

  /** Every message held, in delivery order, without receiving them (an operator's view). */
  peekAll(): readonly Readonly<StoredMessage>[] {
    return [...this.messages.values()].sort((a, b) => a.sequence - b.sequence);
  }

  /**
   * Moves every message back to `target` with a fresh receive count (what SQS's DLQ redrive does),
   * keeping message ids so an operator can follow a message across the move. Returns how many moved.
   */
  redriveTo(target: InMemoryQueue): number {
    const moved = this.peekAll();
    for (const message of moved) {
      this.forget(message);
      target.send(message.body, { messageId: message.messageId });
    }
    return moved.length;
  }

  /** Takes the earliest visible message off the schedule (its next entry comes with delivery). */
  private popVisible(now: number): StoredMessage | undefined {
    for (let entry = this.schedule.peek(); entry && entry.visibleAt <= now; entry = this.schedule.peek()) {
      this.schedule.pop();
      if (this.isCurrent(entry)) return this.messages.get(entry.messageId);
    }
    return undefined;
  }

  private isCurrent(entry: ScheduleEntry): boolean {
    const message = this.messages.get(entry.messageId);
    return message !== undefined && message.visibleAt === entry.visibleAt && message.sequence === entry.sequence;
  }

  private reschedule(message: StoredMessage, visibleAt: number): void {
    message.visibleAt = visibleAt;
    this.schedule.push({ messageId: message.messageId, visibleAt, sequence: message.sequence });
  }

  private deliver(message: StoredMessage, now: number, timeoutMs: number): ReceivedMessage {
    if (message.receiptHandle) this.byReceiptHandle.delete(message.receiptHandle);
    message.receiveCount++;
    message.firstReceiveTimestamp ??= now;
    this.reschedule(message, now + timeoutMs);
    message.receiptHandle = `${this.name}#${message.messageId}#${++this.handles}`;
    this.byReceiptHandle.set(message.receiptHandle, message.messageId);
    return {
      messageId: message.messageId,
      body: message.body,
      receiptHandle: message.receiptHandle,
      receiveCount: message.receiveCount,
      sentTimestamp: message.sentTimestamp,
      firstReceiveTimestamp: message.firstReceiveTimestamp,
    };
  }

  private moveToDeadLetterQueue(message: StoredMessage, now: number): void {
    this.forget(message);
    this.redrive?.deadLetterQueue.send(message.body, {
      messageId: message.messageId,
      deadLetterSource: { queueName: this.name, receiveCount: message.receiveCount, movedAt: now },
    });
  }

  private current(receiptHandle: string): StoredMessage | undefined {
    const messageId = this.byReceiptHandle.get(receiptHandle);
    return messageId === undefined ? undefined : this.messages.get(messageId);
  }

  private forget(message: StoredMessage): void {
    if (message.receiptHandle) this.byReceiptHandle.delete(message.receiptHandle);
    this.messages.delete(message.messageId);
  }
}
