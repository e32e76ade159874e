import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { SqsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import type { ResourceNames } from '../naming';
import type { OrderQueues } from './queues';
import { addTopicTracingPolicy } from './tracing';

/**
 * OrderTopic, and OrderQueue's subscription to it (with the subscription's dead-letter queue).
 *
 * Encryption: SSE-KMS with the AWS managed key alias/aws/sns by default. Producers in this
 * account need only sns:Publish (the managed key's policy admits account principals calling
 * through SNS), SNS decrypts it itself for delivery to the SSE-SQS queue, and there is no key
 * policy with `Resource: "*"` to own. Its limit: the key policy cannot be changed, so
 * publishers that are AWS services (CloudWatch alarms, EventBridge, S3 notifications) or other
 * accounts cannot publish to a topic encrypted with it. If such a producer is needed, pass a
 * customer-managed key (topicEncryptionKey) whose key policy grants that publisher
 * kms:GenerateDataKey* and kms:Decrypt.
 *
 * Tracing: SNS passes a publisher's trace header through by default; with `activeTracing` it also
 * sends its own segments to X-Ray (TracingConfig Active), which needs the account's X-Ray resource
 * policy for SNS (`tracing.ts`).
 */
export function createOrderTopic(
  scope: Construct,
  names: ResourceNames,
  queues: OrderQueues,
  options: { readonly encryptionKey: kms.IKey | undefined; readonly activeTracing: boolean },
): sns.Topic {
  const { encryptionKey, activeTracing } = options;
  const topic = new sns.Topic(scope, 'OrderTopic', {
    topicName: names.topic,
    masterKey: encryptionKey,
    enforceSSL: true,
    ...(activeTracing ? { tracingConfig: sns.TracingConfig.ACTIVE } : {}),
  });
  if (activeTracing) {
    // In place before SNS starts sending segments for the topic.
    topic.node.addDependency(addTopicTracingPolicy(scope, names));
  }
  if (encryptionKey === undefined) {
    // The alias *name*, not the alias ARN that kms.Alias.fromAliasName would put here: SNS
    // creates the AWS managed key on first use only when it is given `alias/aws/sns`; an alias
    // ARN in an account where the key does not exist yet points at nothing (aws/aws-cdk#22605).
    (topic.node.defaultChild as sns.CfnTopic).kmsMasterKeyId = 'alias/aws/sns';
  }
  // SNS envelope delivery (raw delivery off): the consumer decodes the SNS envelope and keeps its
  // MessageId. SqsSubscription also writes OrderQueue's policy statement that admits only this
  // topic: Allow sns.amazonaws.com sqs:SendMessage on the queue if aws:SourceArn = the topic; and
  // the same statement on the subscription's dead-letter queue (its redrive policy names it).
  topic.addSubscription(
    new SqsSubscription(queues.queue, {
      rawMessageDelivery: false,
      deadLetterQueue: queues.subscriptionDeadLetterQueue,
    }),
  );
  return topic;
}
