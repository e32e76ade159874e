import { PublishBatchCommand, PublishCommand, type SNSClient, type MessageAttributeValue } from '@aws-sdk/client-sns';
import type { InfrastructureError, OrderEventPublisher, OutboundOrderMessage, PublishFailure } from '@orders/core';
import { createSnsClient, type AwsClientOptions } from './aws-client-config';
import { toInfrastructureError, type AwsCallContext } from './aws-error-translation';
import { chunkForBatch, MAX_BATCH_ENTRIES, utf8Bytes } from './batching';
import { AwsRequestError } from './errors';
import { topicNameFromArn } from './resource-names';

export interface SnsOrderPublisherOptions {
  readonly topicArn: string;
  readonly client?: SNSClient;
  readonly clientOptions?: AwsClientOptions;
}

/** SNS refuses a PublishBatch whose messages and attributes add up to more than 256 KiB. */
export const MAX_PUBLISH_BATCH_BYTES = 256 * 1024;

/**
 * Publishes order events to the order topic. `orderId` and `status` travel as String message
 * attributes as well as in the body, so subscriptions can filter on them without parsing.
 */
export class SnsOrderPublisher implements OrderEventPublisher {
  readonly topicArn: string;
  private readonly client: SNSClient;

  constructor(options: SnsOrderPublisherOptions) {
    this.topicArn = options.topicArn;
    this.client = options.client ?? createSnsClient(options.clientOptions);
  }

  async publish(message: OutboundOrderMessage): Promise<{ readonly messageId: string }> {
    const attributes = messageAttributes(message);
    let messageId: string | undefined;
    try {
      const result = await this.client.send(
        new PublishCommand({
          TopicArn: this.topicArn,
          Message: message.body,
          ...(attributes === undefined ? {} : { MessageAttributes: attributes }),
        }),
      );
      messageId = result.MessageId;
    } catch (error) {
      throw toInfrastructureError(error, this.context('Publish'));
    }
    if (messageId === undefined) {
      throw new AwsRequestError('aws_request_failed', 'SNS Publish answered without a MessageId.', {
        service: 'SNS',
        operation: 'Publish',
        awsErrorName: 'MissingMessageId',
        retryable: true,
      });
    }
    return { messageId };
  }

  /**
   * Publishes in PublishBatch calls of up to 10 (and 256 KiB). Never throws: every input index is
   * either published or listed in `failures`, whether SNS refused that entry or the whole call
   * failed. After a call fails in a way no later call can escape (unreachable endpoint, no
   * credentials, missing topic, access denied), the remaining messages are reported failed with
   * the same cause without being sent.
   */
  async publishBatch(
    messages: readonly OutboundOrderMessage[],
  ): Promise<{ readonly published: number; readonly failures: readonly PublishFailure[] }> {
    const failures: PublishFailure[] = [];
    let published = 0;
    let fatal: InfrastructureError | undefined;
    for (const batch of chunkForBatch(messages, MAX_BATCH_ENTRIES, MAX_PUBLISH_BATCH_BYTES, publishedBytes)) {
      if (fatal !== undefined) {
        for (const { index } of batch)
          failures.push({ index, code: fatal.code, message: fatal.message, retryable: fatal.retryable });
        continue;
      }
      try {
        const result = await this.client.send(
          new PublishBatchCommand({
            TopicArn: this.topicArn,
            PublishBatchRequestEntries: batch.map(({ index, item }) => {
              const attributes = messageAttributes(item);
              // The entry id is the input index: failures map straight back to the caller's message.
              return {
                Id: String(index),
                Message: item.body,
                ...(attributes === undefined ? {} : { MessageAttributes: attributes }),
              };
            }),
          }),
        );
        const failed = new Map((result.Failed ?? []).map((entry) => [entry.Id, entry]));
        for (const { index } of batch) {
          const failure = failed.get(String(index));
          if (failure === undefined) published++;
          else
            failures.push({
              index,
              code: failure.Code ?? 'unknown',
              message: failure.Message ?? 'SNS did not publish this message',
              // SNS blames itself (an internal error, a throttle) or the entry (too big, bad attributes).
              retryable: failure.SenderFault !== true,
            });
        }
      } catch (error) {
        const translated = toInfrastructureError(error, this.context('PublishBatch'));
        for (const { index } of batch)
          failures.push({ index, code: translated.code, message: translated.message, retryable: translated.retryable });
        if (dooms(translated)) fatal = translated;
      }
    }
    return { published, failures: failures.sort((a, b) => a.index - b.index) };
  }

  private context(operation: string): AwsCallContext {
    // By its name, as the user gave it (--topic), not its ARN.
    return { service: 'SNS', operation, resource: { type: 'SNS topic', name: topicNameFromArn(this.topicArn) } };
  }
}

/** Failures that will fail every later call just the same: stop calling. */
function dooms(error: InfrastructureError): boolean {
  return [
    'endpoint_unreachable',
    'credentials_missing',
    'region_missing',
    'resource_missing',
    'access_denied',
  ].includes(error.code);
}

function messageAttributes(message: OutboundOrderMessage): Record<string, MessageAttributeValue> | undefined {
  const attributes: Record<string, MessageAttributeValue> = {};
  // SNS rejects empty attribute values, so an empty string is left out like an absent one.
  if (message.orderId) attributes['orderId'] = { DataType: 'String', StringValue: message.orderId };
  if (message.status) attributes['status'] = { DataType: 'String', StringValue: message.status };
  return Object.keys(attributes).length === 0 ? undefined : attributes;
}

/** What SNS counts toward its size limit: the body plus attribute names, types and values. */
function publishedBytes(message: OutboundOrderMessage): number {
  let bytes = utf8Bytes(message.body);
  if (message.orderId) bytes += utf8Bytes('orderId') + utf8Bytes('String') + utf8Bytes(message.orderId);
  if (message.status) bytes += utf8Bytes('status') + utf8Bytes('String') + utf8Bytes(message.status);
  return bytes;
}
