import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
  type Message,
  type MessageAttributeValue,
  type MessageSystemAttributeName,
  type QueueAttributeName,
} from '@aws-sdk/client-sqs';
import {
  TRACEPARENT,
  TRACESTATE,
  type AbortSignalLike,
  type DeleteFailure,
  type MessageQueue,
  type QueueDepth,
  type ReceivedMessage,
  type ReceiveOptions,
  type VisibilityChange,
  type VisibilityChangeFailure,
} from '@orders/core';
import {
  ClientSettingError,
  createSqsClient,
  GENERAL_CLIENT_DEFAULTS,
  longPollRequestTimeoutMs,
  resolveClientTimeouts,
  type AwsClientOptions,
} from './aws-client-config';
import { toInfrastructureError, type AwsCallContext } from './aws-error-translation';
import { chunkForBatch, MAX_BATCH_ENTRIES } from './batching';

export interface SqsMessageQueueOptions {
  readonly queueUrl: string;
  readonly client?: SQSClient;
  readonly clientOptions?: AwsClientOptions;
  /**
   * How long a receive may still finish after its signal aborts, before it is cut off.
   * Default: ORDERS_SQS_RECEIVE_ABORT_GRACE_MS, else 300 ms.
   */
  readonly abortGraceMs?: number;
}

/** How long a receive cut by a stop may still answer, by default (see below). */
export const DEFAULT_ABORT_GRACE_MS = 300;

/**
 * SQS answers a receive that has messages within tens of milliseconds, so 300 ms lets every answer
 * already on its way arrive. An emulator can take far longer: moto walks its whole queue on each
 * receive (1–2 s at a depth of 2,000), and a receive cut before its answer leaves the messages
 * moto already handed out in flight for a visibility timeout — what a graceful stop must not do.
 * This variable gives such an endpoint the grace it needs.
 */
const ABORT_GRACE_VARIABLE = 'ORDERS_SQS_RECEIVE_ABORT_GRACE_MS';
/** A long poll's longest wait: a grace beyond it would only delay the cut of an idle poll. */
const MAX_ABORT_GRACE_MS = 20_000;

/** The grace a receive gets after its signal aborts, from the environment (or the default). */
export function receiveAbortGraceMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[ABORT_GRACE_VARIABLE];
  if (raw === undefined || raw.trim() === '') return DEFAULT_ABORT_GRACE_MS;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > MAX_ABORT_GRACE_MS) {
    throw new ClientSettingError(
      `${ABORT_GRACE_VARIABLE} must be a whole number of milliseconds from 0 to ${MAX_ABORT_GRACE_MS}, got "${raw}"`,
    );
  }
  return value;
}

/**
 * `MessageSystemAttributeNames` is the current name; `AttributeNames` is deprecated for receive
 * (moto reads both). SentTimestamp and the receive count are what the consumer and DLQ tools need.
 */
export const RECEIVE_SYSTEM_ATTRIBUTES: MessageSystemAttributeName[] = [
  'ApproximateReceiveCount',
  'SentTimestamp',
  'ApproximateFirstReceiveTimestamp',
];

/**
 * What a consumer's receive asks for besides: the X-Ray context SQS keeps as a system attribute,
 * and the W3C trace context that raw message delivery puts among the message attributes (only
 * those two names: the others are no use to processing, and each costs bytes on every receive).
 */
export const CONSUME_SYSTEM_ATTRIBUTES: MessageSystemAttributeName[] = [...RECEIVE_SYSTEM_ATTRIBUTES, 'AWSTraceHeader'];
export const CONSUME_MESSAGE_ATTRIBUTES: string[] = [TRACEPARENT, TRACESTATE];

/** SQS's bounds for a receive, checked here so a caller's mistake is a clear RangeError. */
const MAX_WAIT_SECONDS = 20;
const MAX_VISIBILITY_SECONDS = 12 * 60 * 60;

/** The MessageQueue port on an SQS queue, plus the few operations a CLI needs around it. */
export class SqsMessageQueue implements MessageQueue {
  readonly queueUrl: string;
  /** The queue's name, on every message it hands out (a process span's destination). */
  readonly queueName: string;
  private readonly client: SQSClient;
  private readonly abortGraceMs: number;
  /** A long poll's own timeout is its wait plus this (the ordinary request timeout). */
  private readonly answerTimeoutMs: number;

  constructor(options: SqsMessageQueueOptions) {
    this.queueUrl = options.queueUrl;
    this.queueName = queueNameFromUrl(options.queueUrl);
    this.client = options.client ?? createSqsClient(options.clientOptions);
    this.abortGraceMs = options.abortGraceMs ?? receiveAbortGraceMs();
    this.answerTimeoutMs = resolveClientTimeouts(GENERAL_CLIENT_DEFAULTS, options.clientOptions).requestTimeoutMs;
  }

  /**
   * One long poll. `options.signal` ends it early for a graceful shutdown; a stop is not a failure,
   * so the call then returns no messages. Cutting off a response SQS is already sending would leave
   * its messages invisible (in flight) until their visibility timeout — not lost, but late — so
   * the request gets `abortGraceMs` to finish first: a receive that was answered at once (the queue
   * had messages) still returns them, for the caller to process; only an idle long poll is cut.
   */
  async receive(options: ReceiveOptions): Promise<readonly ReceivedMessage[]> {
    checkReceiveOptions(options);
    const { signal } = options;
    if (signal?.aborted) return [];
    const abort = signal === undefined ? undefined : linkedAbortController(signal, this.abortGraceMs);
    try {
      const result = await this.client.send(
        new ReceiveMessageCommand({
          QueueUrl: this.queueUrl,
          MaxNumberOfMessages: options.maxMessages,
          WaitTimeSeconds: options.waitTimeSeconds,
          ...(options.visibilityTimeoutSeconds === undefined
            ? {}
            : { VisibilityTimeout: options.visibilityTimeoutSeconds }),
          MessageSystemAttributeNames: CONSUME_SYSTEM_ATTRIBUTES,
          MessageAttributeNames: CONSUME_MESSAGE_ATTRIBUTES,
        }),
        {
          // The client's request timeout is shorter than a long poll's legitimate silence.
          requestTimeout: longPollRequestTimeoutMs(options.waitTimeSeconds, this.answerTimeoutMs),
          ...(abort === undefined ? {} : { abortSignal: abort.controller.signal }),
        },
      );
      return (result.Messages ?? []).flatMap((message) => {
        const received = toReceivedMessage(message, this.queueName);
        return received === undefined ? [] : [received];
      });
    } catch (error) {
      if (abort?.controller.signal.aborted) return [];
      throw toInfrastructureError(error, this.context('ReceiveMessage'));
    } finally {
      abort?.dispose();
    }
  }

  /**
   * Deletes in DeleteMessageBatch calls of 10. Never throws: entries SQS refused, and every entry
   * of a call that failed as a whole, come back as failures. A message not deleted is redelivered
   * after its visibility timeout, and processing is idempotent, so reporting is enough.
   */
  deleteBatch(receiptHandles: readonly string[]): Promise<readonly DeleteFailure[]> {
    return this.inBatches(
      receiptHandles,
      (handle) => handle,
      'DeleteMessageBatch',
      'SQS did not delete this message',
      (entries) =>
        this.client.send(
          new DeleteMessageBatchCommand({
            QueueUrl: this.queueUrl,
            Entries: entries.map(({ id, item }) => ({ Id: id, ReceiptHandle: item })),
          }),
        ),
    );
  }

  /**
   * Changes visibilities in ChangeMessageVisibilityBatch calls of 10 (one IAM action:
   * sqs:ChangeMessageVisibility). Never throws, like `deleteBatch`.
   */
  changeVisibilityBatch(
    changes: readonly VisibilityChange[],
    options: { readonly signal?: AbortSignalLike } = {},
  ): Promise<readonly VisibilityChangeFailure[]> {
    const abortSignal = options.signal as AbortSignal | undefined;
    return this.inBatches(
      changes,
      (change) => change.receiptHandle,
      'ChangeMessageVisibilityBatch',
      "SQS did not change this message's visibility",
      (entries) =>
        this.client.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: this.queueUrl,
            Entries: entries.map(({ id, item }) => ({
              Id: id,
              ReceiptHandle: item.receiptHandle,
              VisibilityTimeout: item.visibilityTimeoutSeconds,
            })),
          }),
          abortSignal ? { abortSignal } : {},
        ),
    );
  }

  /**
   * One SQS batch action over any number of entries: calls of 10, entry ids that are input positions
   * (unique within a call even if a handle repeats), and failures reported per entry — those SQS
   * refused, and every entry of a call that failed as a whole.
   */
  private async inBatches<T>(
    items: readonly T[],
    handleOf: (item: T) => string,
    operation: string,
    refusedMessage: string,
    send: (
      entries: { id: string; item: T }[],
    ) => Promise<{ Failed?: { Id?: string; Code?: string; Message?: string }[] }>,
  ): Promise<DeleteFailure[]> {
    const failures: DeleteFailure[] = [];
    for (const batch of chunkForBatch(items, MAX_BATCH_ENTRIES)) {
      const entries = batch.map(({ index, item }) => ({ id: String(index), item }));
      try {
        const result = await send(entries);
        const byId = new Map(entries.map((entry) => [entry.id, entry.item]));
        for (const failed of result.Failed ?? []) {
          const item = failed.Id === undefined ? undefined : byId.get(failed.Id);
          if (item === undefined) continue;
          failures.push({
            receiptHandle: handleOf(item),
            code: failed.Code ?? 'unknown',
            message: failed.Message ?? refusedMessage,
          });
        }
      } catch (error) {
        const translated = toInfrastructureError(error, this.context(operation));
        for (const { item } of entries) {
          failures.push({ receiptHandle: handleOf(item), code: translated.code, message: translated.message });
        }
      }
    }
    return failures;
  }

  async changeVisibility(receiptHandle: string, visibilityTimeoutSeconds: number): Promise<void> {
    try {
      await this.client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: this.queueUrl,
          ReceiptHandle: receiptHandle,
          VisibilityTimeout: visibilityTimeoutSeconds,
        }),
      );
    } catch (error) {
      throw toInfrastructureError(error, this.context('ChangeMessageVisibility'));
    }
  }

  /** Sends a body exactly as given (a test's poison message, a CLI's raw send). */
  async sendRaw(
    body: string,
    options: { readonly delaySeconds?: number; readonly attributes?: Readonly<Record<string, string>> } = {},
  ): Promise<{ readonly messageId: string }> {
    const attributes = Object.entries(options.attributes ?? {});
    try {
      const result = await this.client.send(
        new SendMessageCommand({
          QueueUrl: this.queueUrl,
          MessageBody: body,
          ...(options.delaySeconds === undefined ? {} : { DelaySeconds: options.delaySeconds }),
          ...(attributes.length === 0
            ? {}
            : {
                MessageAttributes: Object.fromEntries(
                  attributes.map(([name, value]): [string, MessageAttributeValue] => [
                    name,
                    { DataType: 'String', StringValue: value },
                  ]),
                ),
              }),
        }),
      );
      if (result.MessageId === undefined) throw new Error('SendMessage answered without a MessageId');
      return { messageId: result.MessageId };
    } catch (error) {
      throw toInfrastructureError(error, this.context('SendMessage'));
    }
  }

  /** SQS always reports delayed messages, so `delayed` is always there. */
  async depth(): Promise<Required<QueueDepth>> {
    try {
      const result = await this.client.send(
        new GetQueueAttributesCommand({
          QueueUrl: this.queueUrl,
          AttributeNames: [
            'ApproximateNumberOfMessages',
            'ApproximateNumberOfMessagesNotVisible',
            'ApproximateNumberOfMessagesDelayed',
          ],
        }),
      );
      const count = (name: QueueAttributeName): number => Number(result.Attributes?.[name] ?? 0);
      return {
        visible: count('ApproximateNumberOfMessages'),
        inFlight: count('ApproximateNumberOfMessagesNotVisible'),
        delayed: count('ApproximateNumberOfMessagesDelayed'),
      };
    } catch (error) {
      throw toInfrastructureError(error, this.context('GetQueueAttributes'));
    }
  }

  /** The queue's own visibility timeout: what a consumer's heartbeat must stay ahead of. */
  async visibilityTimeoutSeconds(): Promise<number> {
    try {
      const result = await this.client.send(
        new GetQueueAttributesCommand({ QueueUrl: this.queueUrl, AttributeNames: ['VisibilityTimeout'] }),
      );
      const seconds = Number(result.Attributes?.VisibilityTimeout);
      if (!Number.isInteger(seconds) || seconds < 0)
        throw new Error('GetQueueAttributes answered without a VisibilityTimeout');
      return seconds;
    } catch (error) {
      throw toInfrastructureError(error, this.context('GetQueueAttributes'));
    }
  }

  /** Deletes every message. SQS allows one purge per queue per 60 s and may take that long to finish. */
  async purge(): Promise<void> {
    try {
      await this.client.send(new PurgeQueueCommand({ QueueUrl: this.queueUrl }));
    } catch (error) {
      throw toInfrastructureError(error, this.context('PurgeQueue'));
    }
  }

  private context(operation: string): AwsCallContext {
    return { service: 'SQS', operation, resource: { type: 'SQS queue', name: queueNameFromUrl(this.queueUrl) } };
  }
}

/**
 * The SDK takes a platform AbortSignal; the port hands over core's structural AbortSignalLike.
 * A private controller follows it, `graceMs` later, for the duration of one call.
 */
function linkedAbortController(
  signal: AbortSignalLike,
  graceMs: number,
): { controller: AbortController; dispose: () => void } {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const onAbort = (): void => {
    timer = setTimeout(() => controller.abort(), graceMs);
  };
  signal.addEventListener('abort', onAbort, { once: true });
  return {
    controller,
    dispose: () => {
      if (timer !== undefined) clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    },
  };
}

const SQS_ARN = /^arn:(aws[a-z-]*):sqs:([a-z0-9-]+):(\d+):([A-Za-z0-9_-]{1,80}(?:\.fifo)?)$/;

/**
 * The queue URL an SQS queue ARN stands for (`arn:aws:sqs:REGION:ACCOUNT:NAME`), e.g. the
 * `eventSourceARN` of a Lambda SQS record; undefined for anything else. Only the account and name
 * matter: the client sends every call to its configured endpoint, whatever host the URL names.
 */
export function queueUrlFromArn(arn: string): string | undefined {
  const match = SQS_ARN.exec(arn);
  if (!match) return undefined;
  const [, partition, region, account, name] = match;
  const domain = partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://sqs.${region}.${domain}/${account}/${name}`;
}

/** The last path segment of a queue URL: its name. */
export function queueNameFromUrl(queueUrl: string): string {
  const trimmed = queueUrl.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

function checkReceiveOptions(options: ReceiveOptions): void {
  const { maxMessages, waitTimeSeconds, visibilityTimeoutSeconds } = options;
  if (!Number.isInteger(maxMessages) || maxMessages < 1 || maxMessages > MAX_BATCH_ENTRIES) {
    throw new RangeError(`maxMessages must be an integer from 1 to 10, got ${maxMessages}`);
  }
  if (!Number.isInteger(waitTimeSeconds) || waitTimeSeconds < 0 || waitTimeSeconds > MAX_WAIT_SECONDS) {
    throw new RangeError(`waitTimeSeconds must be an integer from 0 to 20, got ${waitTimeSeconds}`);
  }
  if (
    visibilityTimeoutSeconds !== undefined &&
    (!Number.isInteger(visibilityTimeoutSeconds) ||
      visibilityTimeoutSeconds < 0 ||
      visibilityTimeoutSeconds > MAX_VISIBILITY_SECONDS)
  ) {
    throw new RangeError(
      `visibilityTimeoutSeconds must be an integer from 0 to 43200, got ${visibilityTimeoutSeconds}`,
    );
  }
}

/** Maps an SQS message to the port's shape; one without id, handle or body cannot be processed. */
export function toReceivedMessage(message: Message, queueName?: string): ReceivedMessage | undefined {
  const { MessageId: messageId, ReceiptHandle: receiptHandle, Body: body } = message;
  if (messageId === undefined || receiptHandle === undefined || body === undefined) return undefined;
  const attributes = message.Attributes ?? {};
  const number = (value: string | undefined): number | undefined => {
    const parsed = value === undefined ? Number.NaN : Number(value);
    return Number.isFinite(parsed) ? parsed : undefined;
  };
  const firstReceive = number(attributes.ApproximateFirstReceiveTimestamp);
  const messageAttributes = stringAttributes(message.MessageAttributes);
  const awsTraceHeader = attributes.AWSTraceHeader;
  return {
    messageId,
    receiptHandle,
    body,
    // A delivery is at least the first one, even if an endpoint omits the count.
    receiveCount: number(attributes.ApproximateReceiveCount) ?? 1,
    sentTimestamp: number(attributes.SentTimestamp) ?? 0,
    ...(firstReceive === undefined ? {} : { firstReceiveTimestamp: firstReceive }),
    ...(queueName === undefined ? {} : { queueName }),
    ...(messageAttributes === undefined ? {} : { messageAttributes }),
    ...(awsTraceHeader === undefined ? {} : { awsTraceHeader }),
  };
}

/** The String-typed message attributes (`String` or `String.<custom>`), by name; undefined when there are none. */
export function stringAttributes(
  attributes: Record<string, { DataType?: string | undefined; StringValue?: string | undefined }> | undefined,
): Record<string, string> | undefined {
  if (attributes === undefined) return undefined;
  let strings: Record<string, string> | undefined;
  for (const [name, value] of Object.entries(attributes)) {
    if (value.StringValue === undefined || !value.DataType?.startsWith('String')) continue;
    strings ??= {};
    strings[name] = value.StringValue;
  }
  return strings;
}
