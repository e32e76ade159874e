import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { toInfrastructureError } from './aws-error-translation';
import { ResourceMissingError } from './errors';
import { withSimilarNames } from './similar-resource-names';
import { queueNameFromUrl } from './sqs-message-queue';
import { findQueueUrl } from './sqs-queue-lookup';

/** What a long-running consumer needs to know about its queue before the first receive. */
export interface ConsumeQueue {
  readonly queueUrl: string;
  /** The queue's own visibility timeout: what its heartbeat must stay ahead of, unless told otherwise. */
  readonly visibilityTimeoutSeconds: number;
  /**
   * From the queue's redrive policy: receives before SQS moves a message to the DLQ. Undefined when
   * the queue has none (then no message is ever dead-lettered, and no receive is the last).
   */
  readonly maxReceiveCount?: number;
}

/**
 * The consumer's start-up: the queue URL (GetQueueUrl) and its visibility timeout and redrive
 * policy (one GetQueueAttributes) — two requests, and nothing about the topic, the subscription
 * or the table, which consuming does not need (a missing table shows in the first record's
 * failure, `table_not_found`, paced as systemic). A missing queue is a ResourceMissingError that
 * names the queues with a similar name (one more request, ListQueues).
 */
export async function lookUpConsumeQueue(client: SQSClient, queueName: string): Promise<ConsumeQueue> {
  const queueUrl = await findQueueUrl(client, queueName);
  if (queueUrl === undefined) {
    throw await withSimilarNames(new ResourceMissingError([{ type: 'SQS queue', name: queueName }]), {
      clients: { sqs: client },
    });
  }
  let attributes: Record<string, string>;
  try {
    const result = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['VisibilityTimeout', 'RedrivePolicy'] }),
    );
    attributes = result.Attributes ?? {};
  } catch (error) {
    throw toInfrastructureError(error, {
      service: 'SQS',
      operation: 'GetQueueAttributes',
      resource: { type: 'SQS queue', name: queueNameFromUrl(queueUrl) },
    });
  }
  const visibilityTimeoutSeconds = Number(attributes['VisibilityTimeout']);
  if (!Number.isInteger(visibilityTimeoutSeconds) || visibilityTimeoutSeconds < 0) {
    throw toInfrastructureError(new Error('GetQueueAttributes answered without a VisibilityTimeout'), {
      service: 'SQS',
      operation: 'GetQueueAttributes',
      resource: { type: 'SQS queue', name: queueName },
    });
  }
  const maxReceiveCount = maxReceiveCountOf(attributes['RedrivePolicy']);
  return { queueUrl, visibilityTimeoutSeconds, ...(maxReceiveCount === undefined ? {} : { maxReceiveCount }) };
}

/**
 * `maxReceiveCount` from a RedrivePolicy attribute (JSON; SQS writes the count as a string, CloudFormation
 * and some emulators as a number). Anything unreadable is treated as no policy: pacing then simply
 * does not know which receive is the last, which only delays a failing message's trip to the DLQ.
 */
export function maxReceiveCountOf(redrivePolicy: string | undefined): number | undefined {
  if (redrivePolicy === undefined || redrivePolicy.trim() === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(redrivePolicy);
    const raw =
      typeof parsed === 'object' && parsed !== null
        ? (parsed as { maxReceiveCount?: unknown }).maxReceiveCount
        : undefined;
    const count = typeof raw === 'string' || typeof raw === 'number' ? Number(raw) : Number.NaN;
    return Number.isInteger(count) && count >= 1 ? count : undefined;
  } catch {
    return undefined;
  }
}
