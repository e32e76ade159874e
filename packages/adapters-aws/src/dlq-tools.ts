import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
  StartMessageMoveTaskCommand,
  type Message,
  type MessageAttributeValue,
  type MessageSystemAttributeName,
  type SendMessageBatchRequestEntry,
} from '@aws-sdk/client-sqs';
import { systemClock, type Clock, type InfrastructureError } from '@orders/core';
import {
  createSqsClient,
  GENERAL_CLIENT_DEFAULTS,
  longPollRequestTimeoutMs,
  resolveClientTimeouts,
  type AwsClientOptions,
} from './aws-client-config';
import { toInfrastructureError } from './aws-error-translation';
import { chunkForBatch, MAX_BATCH_ENTRIES, utf8Bytes } from './batching';
import { diagnoseDlqBody, type DlqDiagnosis } from './dlq-diagnosis';
import {
  type ActiveMoveTask,
  findActiveMoveTask,
  isAwsQueueUrl,
  isMoveTaskAlreadyRunning,
  isMoveTaskApiMissing,
  MoveTaskRunningError,
} from './message-move-tasks';
import type { HeldRedriveLease, RedriveLease } from './redrive-lease';
import { queueNameFromUrl, RECEIVE_SYSTEM_ATTRIBUTES } from './sqs-message-queue';
import { getQueueArn } from './sqs-queue-lookup';

export interface DlqToolsOptions {
  readonly dlqUrl: string;
  /** Where redriven messages go: the queue whose redrive policy names this DLQ. */
  readonly sourceQueueUrl: string;
  readonly client?: SQSClient;
  readonly clientOptions?: AwsClientOptions;
  /**
   * Taken by every redrive while it decides and, on the receive → send → delete path, while it
   * copies, so that two redrives of one DLQ never run at once (see redrive-lease.ts and `redrive`).
   * Without it, the caller promises that no other redrive runs.
   */
  readonly lease?: RedriveLease;
  /** Times each received message's hold (its visibility timeout). */
  readonly clock?: Clock;
}

/**
 * SQS's bound on one SendMessageBatch: the bodies and message attributes of all its entries
 * together, 1 MiB (1,048,576 bytes) since SQS raised its message size limit in 2025 (256 KiB before).
 */
export const MAX_SEND_BATCH_BYTES = 1024 * 1024;

export interface DlqMessage {
  readonly messageId: string;
  /**
   * Times the message was handed out before this listing. SQS keeps the count when it moves a
   * message to the DLQ; this listing's own receive (SQS has no true peek) is subtracted, but
   * earlier listings cannot be told apart from deliveries: each one adds 1.
   */
  readonly receiveCount: number;
  /** When the message was first sent to the source queue (ms since the epoch), if known. */
  readonly sentTimestamp?: number;
  readonly diagnosis: DlqDiagnosis;
}

export interface DlqListOptions {
  /** Stop after this many distinct messages. Default 100. */
  readonly maxMessages?: number;
  /**
   * How long listed messages stay hidden while the listing runs, so successive receives reach
   * further into the queue instead of seeing the first ten again. They are made visible again
   * as soon as the listing ends. Default 30 s.
   */
  readonly visibilityTimeoutSeconds?: number;
  /** Long-poll wait per receive; ≥ 1 makes SQS ask all its servers, so "empty" is trustworthy. Default 1. */
  readonly waitTimeSeconds?: number;
}

export interface DlqListing {
  readonly messages: readonly DlqMessage[];
  /** True when `maxMessages` was reached: the DLQ may hold more. */
  readonly truncated: boolean;
  /** Listed messages that could not be made visible again; they reappear after the visibility timeout. */
  readonly visibilityResetFailures: number;
}

export type RedriveStrategy = 'auto' | 'move-task' | 'manual';

export interface RedriveOptions {
  /**
   * `auto` (default): StartMessageMoveTask, falling back to `manual` only when the endpoint does
   * not implement message move tasks (moto answers 500). `move-task` fails instead of falling back.
   * `manual` always uses receive → send → delete. Whichever it is, a redrive refuses with a
   * {@link MoveTaskRunningError} while a move task is still at work on the DLQ.
   */
  readonly strategy?: RedriveStrategy;
  /** Move at most this many messages; implies `manual`, since a move task moves everything. */
  readonly maxMessages?: number;
  /** Manual: how long a received message stays hidden while it is re-sent. Default 60 s. */
  readonly visibilityTimeoutSeconds?: number;
  /** Manual: long-poll wait per receive. Default 1 s. */
  readonly waitTimeSeconds?: number;
}

export interface MoveTaskRedrive {
  readonly strategy: 'move-task';
  /** SQS moves the messages asynchronously; CancelMessageMoveTask stops the task by this handle. */
  readonly taskHandle: string;
  /** The DLQ's ARN: ListMessageMoveTasks follows the task by it. */
  readonly dlqArn: string;
}

export interface RedriveFailure {
  readonly messageId: string;
  /**
   * `not_sent`: still in the DLQ. `not_deleted`: now in both queues (delivered twice; writes are
   * idempotent). `delete_unconfirmed`: SQS accepted the delete only after the message's hold had
   * run out, when a receipt handle may be stale and SQS answers success without deleting: it may
   * be in both queues.
   */
  readonly stage: 'not_sent' | 'not_deleted' | 'delete_unconfirmed';
  readonly code: string;
  readonly message: string;
}

export interface ManualRedrive {
  readonly strategy: 'manual';
  /** Sent to the source queue and deleted from the DLQ. */
  readonly moved: number;
  readonly failures: readonly RedriveFailure[];
  /** Why the move task was not used, when `auto` fell back (the endpoint has no message move tasks). */
  readonly fallbackReason?: string;
  /** Set when a whole call failed and the redrive stopped early (what was moved stays moved). */
  readonly stoppedBy?: string;
}

export type RedriveResult = MoveTaskRedrive | ManualRedrive;

const DEFAULT_LIST_MAX = 100;
const DEFAULT_LIST_VISIBILITY_SECONDS = 30;
const DEFAULT_REDRIVE_VISIBILITY_SECONDS = 60;
const DEFAULT_WAIT_SECONDS = 1;
/**
 * A chunk is sent only while at least this share of its messages' hold is left: enough for a send
 * and a delete with every retry, so a message is never copied after it could have reappeared in the
 * DLQ for another reader.
 */
const MIN_HOLD_LEFT_TO_SEND = 0.5;

/**
 * Inspect and redrive a dead-letter queue.
 *
 * SQS has no peek: reading a message is receiving it, which hides it for the visibility timeout
 * and adds one to its receive count. Listing therefore receives with a short visibility timeout
 * (so the next receive reaches further in the queue and nothing is listed twice), and, once done,
 * makes every listed message visible again at once — the DLQ is left as it was, except for the
 * receive counts. A VisibilityTimeout of 0 on receive would be simpler but cannot list more than
 * one batch: the same few messages would come back every time.
 */
export class DlqTools {
  readonly dlqUrl: string;
  readonly sourceQueueUrl: string;
  private readonly client: SQSClient;
  private readonly lease: RedriveLease | undefined;
  private readonly clock: Clock;
  private readonly answerTimeoutMs: number;

  constructor(options: DlqToolsOptions) {
    this.dlqUrl = options.dlqUrl;
    this.sourceQueueUrl = options.sourceQueueUrl;
    this.client = options.client ?? createSqsClient(options.clientOptions);
    this.lease = options.lease;
    this.clock = options.clock ?? systemClock;
    this.answerTimeoutMs = resolveClientTimeouts(GENERAL_CLIENT_DEFAULTS, options.clientOptions).requestTimeoutMs;
  }

  async list(options: DlqListOptions = {}): Promise<DlqListing> {
    const max = options.maxMessages ?? DEFAULT_LIST_MAX;
    const visibility = options.visibilityTimeoutSeconds ?? DEFAULT_LIST_VISIBILITY_SECONDS;
    const wait = options.waitTimeSeconds ?? DEFAULT_WAIT_SECONDS;
    const listed = new Map<string, DlqMessage>();
    const handles: string[] = [];
    let receiveError: { readonly error: unknown } | undefined;
    try {
      while (listed.size < max) {
        const batch = await this.receiveFromDlq(
          Math.min(MAX_BATCH_ENTRIES, max - listed.size),
          visibility,
          wait,
          false,
        );
        if (batch.length === 0) break;
        let fresh = 0;
        for (const message of batch) {
          handles.push(message.ReceiptHandle);
          if (listed.has(message.MessageId)) continue;
          fresh++;
          listed.set(message.MessageId, toDlqMessage(message));
        }
        // Only already-listed messages came back: the listing outlived their visibility timeout.
        if (fresh === 0) break;
      }
    } catch (error) {
      receiveError = { error };
    }
    // Even when a receive failed midway, what was hidden is shown again.
    const visibilityResetFailures = await this.makeVisible(handles);
    if (receiveError !== undefined) throw receiveError.error;
    return { messages: [...listed.values()], truncated: listed.size >= max, visibilityResetFailures };
  }

  /**
   * Under the lease (when there is one) for the whole decision, so that a move task is never
   * started while another run copies by hand, nor a copy begun while a task is being started:
   * 1. ListMessageMoveTasks: a task still at work on the DLQ makes this run refuse, whatever its
   *    strategy — a second task would be refused by SQS, and a copy beside it could send a message
   *    twice;
   * 2. StartMessageMoveTask (`auto`, `move-task`). Copying by hand instead is allowed only when the
   *    endpoint does not implement message move tasks (never on AWS itself, which does). Any other
   *    failure is this run's error: SQS may have refused because a task started in the meantime, or
   *    may even have started one whose answer was lost, and a copy beside it would duplicate.
   */
  async redrive(options: RedriveOptions = {}): Promise<RedriveResult> {
    const strategy = options.maxMessages === undefined ? (options.strategy ?? 'auto') : 'manual';
    const held = await this.lease?.acquire();
    try {
      const dlqArn = await getQueueArn(this.client, this.dlqUrl);
      const apiMayBeMissing = !isAwsQueueUrl(this.dlqUrl);
      const lookup = await findActiveMoveTask(this.client, dlqArn, this.dlqName, apiMayBeMissing);
      if (lookup.available && lookup.active !== undefined)
        throw new MoveTaskRunningError(this.dlqName, dlqArn, lookup.active);
      if (strategy === 'manual') return await this.moveBatches(options, held, undefined);
      if (!lookup.available && strategy === 'auto') {
        // No move tasks here at all: StartMessageMoveTask would only fail the same way.
        return await this.moveBatches(options, held, `StartMessageMoveTask is not available here (${lookup.reason})`);
      }
      const sourceArn = await getQueueArn(this.client, this.sourceQueueUrl);
      let taskError: unknown;
      try {
        return await this.startMoveTask(dlqArn, sourceArn);
      } catch (error) {
        taskError = error;
      }
      if (isMoveTaskAlreadyRunning(taskError)) throw await this.runningTaskError(dlqArn, taskError);
      // No resource named: a missing queue here may be either of the two.
      const translated = toInfrastructureError(taskError, { service: 'SQS', operation: 'StartMessageMoveTask' });
      if (strategy === 'move-task' || !apiMayBeMissing || !isMoveTaskApiMissing(taskError)) throw translated;
      return await this.moveBatches(
        options,
        held,
        `StartMessageMoveTask is not available here (${translated.code}: ${translated.message})`,
      );
    } finally {
      await held?.release();
    }
  }

  private get dlqName(): string {
    return queueNameFromUrl(this.dlqUrl);
  }

  private async startMoveTask(dlqArn: string, sourceArn: string): Promise<MoveTaskRedrive> {
    const result = await this.client.send(
      new StartMessageMoveTaskCommand({ SourceArn: dlqArn, DestinationArn: sourceArn }),
    );
    if (result.TaskHandle === undefined) throw new Error('StartMessageMoveTask answered without a TaskHandle');
    return { strategy: 'move-task', taskHandle: result.TaskHandle, dlqArn };
  }

  /** SQS refused a second task: the refusal names the one at work, when it can still be listed. */
  private async runningTaskError(dlqArn: string, cause: unknown): Promise<MoveTaskRunningError> {
    let active: ActiveMoveTask | undefined;
    try {
      const lookup = await findActiveMoveTask(this.client, dlqArn, this.dlqName, false);
      if (lookup.available) active = lookup.active;
    } catch {
      // The refusal stands without the details.
    }
    return new MoveTaskRunningError(this.dlqName, dlqArn, active, { cause });
  }

  /**
   * Receive → send → delete, one batch at a time, under the lease when there is one. A message is
   * deleted from the DLQ only after SQS accepted its copy on the source queue, and right after, so:
   * - nothing is lost: a failed or uncertain send leaves the message in the DLQ (made visible again);
   * - nothing is duplicated by this loop: each DLQ message is sent once (tracked by id), and only
   *   while its hold (visibility timeout) has at least half left, so it cannot have reappeared for
   *   another reader; with the lease, no other redrive reads the DLQ at the same time, and no move
   *   task was at work when it began (see `redrive`).
   * A copy exists twice only if a delete failed or came too late, and that is reported.
   */
  private async moveBatches(
    options: RedriveOptions,
    held: HeldRedriveLease | undefined,
    fallbackReason: string | undefined,
  ): Promise<ManualRedrive> {
    const max = options.maxMessages ?? Number.POSITIVE_INFINITY;
    const visibility = options.visibilityTimeoutSeconds ?? DEFAULT_REDRIVE_VISIBILITY_SECONDS;
    const wait = options.waitTimeSeconds ?? DEFAULT_WAIT_SECONDS;
    const holdMs = visibility * 1000;
    const seen = new Set<string>();
    const failures: RedriveFailure[] = [];
    let moved = 0;
    let stoppedBy: string | undefined;
    const result = (): ManualRedrive => ({
      strategy: 'manual',
      moved,
      failures,
      ...(fallbackReason === undefined ? {} : { fallbackReason }),
      ...(stoppedBy === undefined ? {} : { stoppedBy }),
    });

    while (seen.size < max) {
      // Everything received next is settled within its hold: the lease must outlast that.
      if (held !== undefined && !(await held.ensureHeld(holdMs + wait * 1000))) {
        stoppedBy = 'the redrive lease could not be renewed, so no more messages were read';
        return result();
      }
      const receivedAt = this.clock.now();
      let batch: ReceivedDlqMessage[];
      try {
        batch = await this.receiveFromDlq(Math.min(MAX_BATCH_ENTRIES, max - seen.size), visibility, wait, true);
      } catch (error) {
        // Nothing done yet: the caller gets the error itself (a missing DLQ, no endpoint…).
        if (seen.size === 0) throw error;
        stoppedBy = toInfrastructureError(error, { service: 'SQS', operation: 'ReceiveMessage' }).message;
        return result();
      }
      if (batch.length === 0) break;
      // The hold began when SQS handed the messages out, after the request left: counting from
      // before the request errs on the early side.
      const holdEndsAt = receivedAt + holdMs;
      // A message seen before came back because its send failed and it was released: leave it.
      const fresh = batch.filter((message) => !seen.has(message.MessageId));
      const repeats = batch.filter((message) => seen.has(message.MessageId));
      await this.makeVisible(repeats.map((message) => message.ReceiptHandle));
      if (fresh.length === 0) break;
      for (const message of fresh) seen.add(message.MessageId);

      const settled = await this.moveReceived(fresh, holdEndsAt, holdMs, failures);
      moved += settled.moved;
      if (settled.error !== undefined) {
        stoppedBy = settled.error.message;
        return result();
      }
    }
    return result();
  }

  /**
   * Sends the received messages to the source queue in batches that respect SQS's count and size
   * bounds, deletes each copied original, and makes the rest visible again in the DLQ.
   */
  private async moveReceived(
    messages: readonly ReceivedDlqMessage[],
    holdEndsAt: number,
    holdMs: number,
    failures: RedriveFailure[],
  ): Promise<{ moved: number; error?: InfrastructureError }> {
    const sent: ReceivedDlqMessage[] = [];
    let error: InfrastructureError | undefined;
    for (const chunk of chunkForBatch(messages, MAX_BATCH_ENTRIES, MAX_SEND_BATCH_BYTES, sendBatchBytes)) {
      const items = chunk.map(({ item }) => item);
      if (error !== undefined) break;
      if (holdEndsAt - this.clock.now() < holdMs * MIN_HOLD_LEFT_TO_SEND) {
        for (const message of items)
          failures.push({
            messageId: message.MessageId,
            stage: 'not_sent',
            code: 'hold_expiring',
            message: 'too little of its visibility timeout was left to copy and delete it safely; it stays in the DLQ',
          });
        continue;
      }
      const outcome = await this.sendToSource(items, failures);
      sent.push(...items.filter((message) => outcome.ids.has(message.MessageId)));
      error = outcome.error;
    }
    const sentIds = new Set(sent.map((message) => message.MessageId));
    await this.makeVisible(messages.filter((m) => !sentIds.has(m.MessageId)).map((m) => m.ReceiptHandle));
    const deleted = await this.deleteFromDlq(sent, holdEndsAt, failures);
    return {
      moved: deleted.count,
      ...((error ?? deleted.error) === undefined ? {} : { error: error ?? deleted.error }),
    };
  }

  /** Copies messages to the source queue; returns the DLQ ids SQS accepted. Entry failures go into `failures`. */
  private async sendToSource(
    messages: readonly ReceivedDlqMessage[],
    failures: RedriveFailure[],
  ): Promise<{ ids: Set<string>; error?: InfrastructureError }> {
    const ids = new Set<string>();
    try {
      const result = await this.client.send(
        new SendMessageBatchCommand({
          QueueUrl: this.sourceQueueUrl,
          Entries: messages.map((message, index) => copyEntry(message, index)),
        }),
      );
      for (const entry of result.Successful ?? []) {
        const message = entry.Id === undefined ? undefined : messages[Number(entry.Id)];
        if (message !== undefined) ids.add(message.MessageId);
      }
      for (const entry of result.Failed ?? []) {
        const message = entry.Id === undefined ? undefined : messages[Number(entry.Id)];
        if (message === undefined) continue;
        failures.push({
          messageId: message.MessageId,
          stage: 'not_sent',
          code: entry.Code ?? 'unknown',
          message: entry.Message ?? 'not sent',
        });
      }
      return { ids };
    } catch (error) {
      // Unknown whether SQS stored any copy: keeping every original in the DLQ is the side that loses nothing.
      const translated = toInfrastructureError(error, { service: 'SQS', operation: 'SendMessageBatch' });
      failures.push(...everyMessageFailed(messages, 'not_sent', translated));
      return { ids, error: translated };
    }
  }

  /**
   * Deletes the originals of the copies SQS accepted. A delete answered after the hold ran out is
   * not counted as moved: its receipt handle may have gone stale, and SQS accepts a stale handle
   * without deleting.
   */
  private async deleteFromDlq(
    messages: readonly ReceivedDlqMessage[],
    holdEndsAt: number,
    failures: RedriveFailure[],
  ): Promise<{ count: number; error?: InfrastructureError }> {
    if (messages.length === 0) return { count: 0 };
    try {
      const result = await this.client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.dlqUrl,
          Entries: messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })),
        }),
      );
      const late = this.clock.now() > holdEndsAt;
      const failed = new Set<number>();
      for (const entry of result.Failed ?? []) {
        const message = entry.Id === undefined ? undefined : messages[Number(entry.Id)];
        if (message === undefined) continue;
        failed.add(Number(entry.Id));
        failures.push({
          messageId: message.MessageId,
          stage: 'not_deleted',
          code: entry.Code ?? 'unknown',
          message: entry.Message ?? 'not deleted',
        });
      }
      if (!late) return { count: messages.length - failed.size };
      for (const [index, message] of messages.entries()) {
        if (failed.has(index)) continue;
        failures.push({
          messageId: message.MessageId,
          stage: 'delete_unconfirmed',
          code: 'hold_expired',
          message: 'deleted after its visibility timeout ran out: it may still be in the DLQ as well',
        });
      }
      return { count: 0 };
    } catch (error) {
      const translated = toInfrastructureError(error, { service: 'SQS', operation: 'DeleteMessageBatch' });
      failures.push(...everyMessageFailed(messages, 'not_deleted', translated));
      return { count: 0, error: translated };
    }
  }

  private async receiveFromDlq(
    maxMessages: number,
    visibilityTimeoutSeconds: number,
    waitTimeSeconds: number,
    withAttributes: boolean,
  ): Promise<ReceivedDlqMessage[]> {
    try {
      const result = await this.client.send(
        new ReceiveMessageCommand({
          QueueUrl: this.dlqUrl,
          MaxNumberOfMessages: maxMessages,
          VisibilityTimeout: visibilityTimeoutSeconds,
          WaitTimeSeconds: waitTimeSeconds,
          MessageSystemAttributeNames: withAttributes ? REDRIVE_SYSTEM_ATTRIBUTES : RECEIVE_SYSTEM_ATTRIBUTES,
          ...(withAttributes ? { MessageAttributeNames: ['All'] } : {}),
        }),
        // A long poll is silent for up to its wait: the client's own timeout is too short for it.
        { requestTimeout: longPollRequestTimeoutMs(waitTimeSeconds, this.answerTimeoutMs) },
      );
      return (result.Messages ?? []).filter(isComplete);
    } catch (error) {
      throw toInfrastructureError(error, {
        service: 'SQS',
        operation: 'ReceiveMessage',
        resource: { type: 'SQS queue', name: queueNameFromUrl(this.dlqUrl) },
      });
    }
  }

  /** Visibility 0 for each handle; returns how many could not be reset (they reappear on their own later). */
  private async makeVisible(receiptHandles: readonly string[]): Promise<number> {
    let failed = 0;
    for (const batch of chunkForBatch(receiptHandles, MAX_BATCH_ENTRIES)) {
      try {
        const result = await this.client.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: this.dlqUrl,
            Entries: batch.map(({ index, item }) => ({ Id: String(index), ReceiptHandle: item, VisibilityTimeout: 0 })),
          }),
        );
        failed += result.Failed?.length ?? 0;
      } catch {
        failed += batch.length;
      }
    }
    return failed;
  }
}

type ReceivedDlqMessage = Message & { MessageId: string; ReceiptHandle: string; Body: string };

const isComplete = (message: Message): message is ReceivedDlqMessage =>
  message.MessageId !== undefined && message.ReceiptHandle !== undefined && message.Body !== undefined;

function toDlqMessage(message: ReceivedDlqMessage): DlqMessage {
  const count = Number(message.Attributes?.ApproximateReceiveCount);
  const sent = Number(message.Attributes?.SentTimestamp);
  return {
    messageId: message.MessageId,
    receiveCount: Number.isFinite(count) ? Math.max(0, count - 1) : 0,
    ...(Number.isFinite(sent) ? { sentTimestamp: sent } : {}),
    diagnosis: diagnoseDlqBody(message.Body),
  };
}

/** The receive's system attributes, plus the X-Ray trace header a redriven copy carries on. */
const REDRIVE_SYSTEM_ATTRIBUTES: MessageSystemAttributeName[] = [...RECEIVE_SYSTEM_ATTRIBUTES, 'AWSTraceHeader'];

/**
 * The copy of a DLQ message: its body byte for byte (an SNS envelope stays exactly as SNS wrote
 * it, signature and all), its message attributes, and its trace header.
 */
function copyEntry(message: ReceivedDlqMessage, index: number): SendMessageBatchRequestEntry {
  const traceHeader = message.Attributes?.AWSTraceHeader;
  const attributes = message.MessageAttributes;
  return {
    Id: String(index),
    MessageBody: message.Body,
    ...(attributes === undefined || Object.keys(attributes).length === 0
      ? {}
      : { MessageAttributes: copyAttributes(attributes) }),
    ...(traceHeader === undefined
      ? {}
      : { MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: traceHeader } } }),
  };
}

/** What SQS counts toward a batch's size: the body and each attribute's name, type and value. */
export function sendBatchBytes(message: Pick<Message, 'Body' | 'MessageAttributes'>): number {
  let bytes = utf8Bytes(message.Body ?? '');
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    bytes += utf8Bytes(name) + utf8Bytes(value.DataType ?? '');
    if (value.StringValue !== undefined) bytes += utf8Bytes(value.StringValue);
    if (value.BinaryValue !== undefined) bytes += value.BinaryValue.byteLength;
  }
  return bytes;
}

/** Message attributes as SendMessage accepts them (the list forms are reserved and never set). */
function copyAttributes(attributes: Record<string, MessageAttributeValue>): Record<string, MessageAttributeValue> {
  return Object.fromEntries(
    Object.entries(attributes).map(([name, value]): [string, MessageAttributeValue] => [
      name,
      {
        DataType: value.DataType,
        ...(value.StringValue === undefined ? {} : { StringValue: value.StringValue }),
        ...(value.BinaryValue === undefined ? {} : { BinaryValue: value.BinaryValue }),
      },
    ]),
  );
}

/** A batch call that failed as a whole fails each of its messages, at that stage, for the same reason. */
function everyMessageFailed(
  messages: readonly ReceivedDlqMessage[],
  stage: RedriveFailure['stage'],
  error: InfrastructureError,
): RedriveFailure[] {
  return messages.map((message) => ({ messageId: message.MessageId, stage, code: error.code, message: error.message }));
}
