import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { ResourceNames } from '../naming';
import type { StackSettings } from './settings';

export interface OrderQueues {
  /** OrderQueue: what the function consumes. */
  readonly queue: sqs.Queue;
  /** OrderDLQ: where OrderQueue moves a message after maxReceiveCount receives. */
  readonly deadLetterQueue: sqs.Queue;
  /** Where SNS puts notifications it could not deliver to OrderQueue. */
  readonly subscriptionDeadLetterQueue: sqs.Queue;
}

/**
 * OrderQueue, its dead-letter queue OrderDLQ, and the subscription's dead-letter queue. All three
 * are retained with the stack: they hold orders not yet stored.
 *
 * Encryption: SSE-SQS (SQS managed keys). With SSE-KMS, SNS would need kms:GenerateDataKey and
 * kms:Decrypt on the queue's key, which the AWS managed key alias/aws/sqs cannot grant (its key
 * policy is fixed), so SSE-KMS would mean a customer-managed key ($1/month + requests) with a key
 * policy for sns.amazonaws.com. SSE-SQS encrypts at rest just the same, works with SNS delivery
 * and the Lambda poller without any key permission, and costs nothing.
 * enforceSSL: a Deny for any request not made over TLS.
 */
export function createOrderQueues(
  scope: Construct,
  names: ResourceNames,
  settings: StackSettings['queues'],
): OrderQueues {
  const queueArnFromName = (queueName: string): string =>
    Stack.of(scope).formatArn({ service: 'sqs', resource: queueName });
  const deadLetterQueue = new sqs.Queue(scope, 'OrderDLQ', {
    queueName: names.deadLetterQueue,
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: settings.deadLetterRetention,
    // Dead letters are orders waiting for an operator: they outlive the stack, like the table.
    removalPolicy: RemovalPolicy.RETAIN,
    // Only OrderQueue may use this queue as its dead-letter queue. The ARN is built from the
    // name: referencing the queue resource would create a cycle (it references this queue).
    redriveAllowPolicy: {
      redrivePermission: sqs.RedrivePermission.BY_QUEUE,
      sourceQueues: [sqs.Queue.fromQueueArn(scope, 'OrderQueueByName', queueArnFromName(names.queue))],
    },
  });
  const queue = new sqs.Queue(scope, 'OrderQueue', {
    queueName: names.queue,
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    visibilityTimeout: settings.visibilityTimeout,
    retentionPeriod: settings.retention,
    deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: settings.maxReceiveCount },
    // Orders not yet stored must not vanish with the stack.
    removalPolicy: RemovalPolicy.RETAIN,
  });
  // Notifications SNS could not deliver to OrderQueue (a broken queue policy or key, a deleted
  // queue) would otherwise be dropped after SNS's retries. Kept, alarmed, and retained.
  const subscriptionDeadLetterQueue = new sqs.Queue(scope, 'OrderSubscriptionDLQ', {
    queueName: names.subscriptionDeadLetterQueue,
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: settings.deadLetterRetention,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  return { queue, deadLetterQueue, subscriptionDeadLetterQueue };
}
