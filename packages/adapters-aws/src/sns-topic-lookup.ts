import {
  GetSubscriptionAttributesCommand,
  ListSubscriptionsByTopicCommand,
  ListTopicsCommand,
  type SNSClient,
  type Subscription,
} from '@aws-sdk/client-sns';
import { toInfrastructureError } from './aws-error-translation';
import { topicNameFromArn } from './resource-names';

/**
 * The ARN of the topic with this name, or `undefined`. SNS has no get-by-name (CreateTopic would
 * find it, but also create it), so this pages through ListTopics.
 */
export async function findTopicArn(client: SNSClient, topicName: string): Promise<string | undefined> {
  let nextToken: string | undefined;
  try {
    do {
      const page = await client.send(new ListTopicsCommand(nextToken === undefined ? {} : { NextToken: nextToken }));
      const match = (page.Topics ?? []).find(
        (topic) => topic.TopicArn !== undefined && topicNameFromArn(topic.TopicArn) === topicName,
      );
      if (match?.TopicArn !== undefined) return match.TopicArn;
      nextToken = page.NextToken;
    } while (nextToken);
  } catch (error) {
    throw toInfrastructureError(error, { service: 'SNS', operation: 'ListTopics' });
  }
  return undefined;
}

/** The confirmed subscriptions of `topicArn` that deliver to the SQS queue `queueArn`. */
export async function findQueueSubscriptions(
  client: SNSClient,
  topicArn: string,
  queueArn: string,
): Promise<Subscription[]> {
  const found: Subscription[] = [];
  let nextToken: string | undefined;
  try {
    do {
      const page = await client.send(
        new ListSubscriptionsByTopicCommand({
          TopicArn: topicArn,
          ...(nextToken === undefined ? {} : { NextToken: nextToken }),
        }),
      );
      for (const subscription of page.Subscriptions ?? []) {
        if (subscription.Protocol === 'sqs' && subscription.Endpoint === queueArn && isConfirmed(subscription))
          found.push(subscription);
      }
      nextToken = page.NextToken;
    } while (nextToken);
  } catch (error) {
    throw toInfrastructureError(error, {
      service: 'SNS',
      operation: 'ListSubscriptionsByTopic',
      resource: { type: 'SNS topic', name: topicNameFromArn(topicArn) },
    });
  }
  return found;
}

/** Whether raw message delivery is on for a subscription. */
export async function isRawDelivery(client: SNSClient, subscriptionArn: string): Promise<boolean> {
  return (await subscriptionAttributesOf(client, subscriptionArn))['RawMessageDelivery'] === 'true';
}

/** A subscription's attributes (RawMessageDelivery, RedrivePolicy, …) as SNS reports them. */
export async function subscriptionAttributesOf(
  client: SNSClient,
  subscriptionArn: string,
): Promise<Record<string, string>> {
  try {
    const result = await client.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subscriptionArn }));
    return result.Attributes ?? {};
  } catch (error) {
    throw toInfrastructureError(error, { service: 'SNS', operation: 'GetSubscriptionAttributes' });
  }
}

// SQS subscriptions in the same account confirm at once; a pending one has no usable ARN.
const isConfirmed = (subscription: Subscription): boolean =>
  subscription.SubscriptionArn !== undefined && subscription.SubscriptionArn !== 'PendingConfirmation';
