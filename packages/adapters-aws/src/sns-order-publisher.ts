import { PublishBatchCommand, PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Span } from '@opentelemetry/api';
import {
  type InfrastructureError,
  type Logger,
  type OrderEventPublisher,
  type OutboundOrderMessage,
  type PublishFailure,
  silentLogger,
  TRACEPARENT,
  type W3cTraceFields,
} from '@orders/core';
import { createSnsClient, type AwsClientOptions } from './aws-client-config';
import { toInfrastructureError, type AwsCallContext } from './aws-error-translation';
import { chunkForBatch, MAX_BATCH_ENTRIES } from './batching';
import { AwsRequestError } from './errors';
import { topicNameFromArn } from './resource-names';
import {
  MAX_SNS_MESSAGE_ATTRIBUTES,
  type SnsMessageAttributes,
  snsMessageAttributes,
  TooManyMessageAttributesError,
} from './sns-message-attributes';
import {
  endFailed,
  type PublishDestination,
  startBatchSendSpan,
  startProducerSpan,
  withSpan,
} from './sns-publish-tracing';

export interface SnsOrderPublisherOptions {
  readonly topicArn: string;
  readonly client?: SNSClient;
  readonly clientOptions?: AwsClientOptions;
  /** Where the publisher says, once, that a message's attributes left no room for its trace context. */
  readonly logger?: Logger;
}

/** A message ready to go: its attributes (trace context included) and its creation span, if any. */
interface PreparedMessage {
  readonly message: OutboundOrderMessage;
  readonly attributes: SnsMessageAttributes;
  readonly creation: Span | undefined;
}

/** SNS refuses a PublishBatch whose messages and attributes add up to more than 256 KiB. */
export const MAX_PUBLISH_BATCH_BYTES = 256 * 1024;

/**
 * Publishes order events to the order topic. `orderId` and `status` travel as String message
 * attributes as well as in the body, so subscriptions can filter on them without parsing.
 *
 * Each message carries its producer's W3C trace context (`traceparent`, `tracestate`, from
 * OpenTelemetry's global propagator) as String attributes, within SNS's limit of 10: the caller's
 * attributes come first, and a message they leave no room on is published without it (a warn line,
 * once per publisher), never refused (`snsMessageAttributes`). A single `publish` is one PRODUCER
 * span `publish <topic>`; `publishBatch` makes a `create <topic>` span per message, so each order
 * has a trace of its own, and a `publish <topic>` CLIENT span per PublishBatch call linked to them.
 * With tracing off, OpenTelemetry's no-op API does nothing and no trace attribute is sent.
 */
export class SnsOrderPublisher implements OrderEventPublisher {
  readonly topicArn: string;
  private readonly client: SNSClient;
  private readonly logger: Logger;
  private readonly destination: PublishDestination;
  private saidNoRoom = false;

  constructor(options: SnsOrderPublisherOptions) {
    this.topicArn = options.topicArn;
    this.client = options.client ?? createSnsClient(options.clientOptions);
    this.logger = options.logger ?? silentLogger;
    this.destination = { topicArn: this.topicArn, topicName: topicNameFromArn(this.topicArn) };
  }

  async publish(message: OutboundOrderMessage): Promise<{ readonly messageId: string }> {
    const { span, traceContext } = startProducerSpan(this.destination, 'publish', message.orderId);
    let attributes: SnsMessageAttributes['attributes'];
    try {
      ({ attributes } = this.attributesOf(message, traceContext));
    } catch (error) {
      endFailed(span, error instanceof TooManyMessageAttributesError ? error.code : 'unexpected');
      throw error;
    }
    let messageId: string | undefined;
    try {
      const result = await withSpan(span, () =>
        this.client.send(
          new PublishCommand({
            TopicArn: this.topicArn,
            Message: message.body,
            ...(attributes === undefined ? {} : { MessageAttributes: attributes }),
          }),
        ),
      );
      messageId = result.MessageId;
    } catch (error) {
      const translated = toInfrastructureError(error, this.context('Publish'));
      endFailed(span, translated.code);
      throw translated;
    }
    if (messageId === undefined) {
      endFailed(span, 'aws_request_failed');
      throw new AwsRequestError('aws_request_failed', 'SNS Publish answered without a MessageId.', {
        service: 'SNS',
        operation: 'Publish',
        awsErrorName: 'MissingMessageId',
        retryable: true,
      });
    }
    span.setAttribute('messaging.message.id', messageId);
    span.end();
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
    const prepared: { readonly index: number; readonly item: PreparedMessage }[] = [];
    messages.forEach((message, index) => {
      try {
        prepared.push({ index, item: this.prepareForBatch(message) });
      } catch (error) {
        // Not sent: SNS would take it and then discard it. Sending it again cannot help.
        if (!(error instanceof TooManyMessageAttributesError)) throw error;
        failures.push({ index, code: error.code, message: error.message, retryable: false });
      }
    });
    const sizeOf = ({ item }: { readonly item: PreparedMessage }): number => item.attributes.bytes;
    for (const chunk of chunkForBatch(prepared, MAX_BATCH_ENTRIES, MAX_PUBLISH_BATCH_BYTES, sizeOf)) {
      // Each entry keeps the caller's index: a refused message left a gap in `prepared`.
      const batch = chunk.map(({ item }) => item);
      if (fatal !== undefined) {
        for (const { index } of batch)
          failures.push({ index, code: fatal.code, message: fatal.message, retryable: fatal.retryable });
        continue;
      }
      const creations = batch.flatMap(({ item }) => (item.creation === undefined ? [] : [item.creation]));
      const send = startBatchSendSpan(this.destination, creations);
      try {
        const result = await withSpan(send, () =>
          this.client.send(
            new PublishBatchCommand({
              TopicArn: this.topicArn,
              PublishBatchRequestEntries: batch.map(({ index, item }) => {
                const { attributes } = item.attributes;
                // The entry id is the input index: failures map straight back to the caller's message.
                return {
                  Id: String(index),
                  Message: item.message.body,
                  ...(attributes === undefined ? {} : { MessageAttributes: attributes }),
                };
              }),
            }),
          ),
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
        if (failed.size > 0) endFailed(send, 'entries_failed');
        else send.end();
      } catch (error) {
        const translated = toInfrastructureError(error, this.context('PublishBatch'));
        endFailed(send, translated.code);
        for (const { index } of batch)
          failures.push({ index, code: translated.code, message: translated.message, retryable: translated.retryable });
        if (dooms(translated)) fatal = translated;
      }
    }
    return { published, failures: failures.sort((a, b) => a.index - b.index) };
  }

  /**
   * A message of a batch: its own creation span (ended at once: creating it is instant) whose
   * context it carries. A caller that set its own `traceparent` keeps it, with no creation span.
   */
  private prepareForBatch(message: OutboundOrderMessage): PreparedMessage {
    if (message.attributes !== undefined && Object.hasOwn(message.attributes, TRACEPARENT))
      return { message, attributes: this.attributesOf(message, {}), creation: undefined };
    const { span, traceContext } = startProducerSpan(this.destination, 'create', message.orderId);
    span.end();
    return { message, attributes: this.attributesOf(message, traceContext), creation: span };
  }

  /** The message's attributes; a trace context left off for want of room is said once per publisher. */
  private attributesOf(message: OutboundOrderMessage, traceContext: W3cTraceFields): SnsMessageAttributes {
    const attributes = snsMessageAttributes(message, traceContext);
    if (attributes.traceContext === 'no_room' && !this.saidNoRoom) {
      this.saidNoRoom = true;
      this.logger.warn(
        "published without trace context: the message's own attributes take all of SNS's places (later messages like it are not said again)",
        { topicName: this.destination.topicName, maxMessageAttributes: MAX_SNS_MESSAGE_ATTRIBUTES },
      );
    }
    return attributes;
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
