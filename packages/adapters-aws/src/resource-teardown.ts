import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { DeleteTopicCommand } from '@aws-sdk/client-sns';
import { DeleteQueueCommand } from '@aws-sdk/client-sqs';
import { createAwsClients, type AwsClientOptions, type AwsClients } from './aws-client-config';

/** What to delete: what `provisionResources` (or a test, or a soak) created. */
export interface ResourcesToDelete {
  readonly tableName?: string;
  /** Deleting a topic deletes its subscriptions. */
  readonly topicArn?: string;
  readonly queueUrls?: readonly string[];
}

export interface TeardownReport {
  readonly deleted: readonly string[];
  readonly failed: readonly { readonly resource: string; readonly message: string }[];
}

/**
 * Deletes a table, a topic and queues — for throwaway environments (a soak, a demo account), never
 * for the production table, which the CDK stack retains on purpose. Never throws: every resource is
 * tried, and what could not be deleted is reported by name, so the caller can say what is left
 * behind (and still billed). The topic goes first, so nothing is delivered into a queue that is
 * about to disappear.
 */
export async function deleteOrderResources(
  resources: ResourcesToDelete,
  options: { readonly clientOptions?: AwsClientOptions; readonly clients?: Partial<AwsClients> } = {},
): Promise<TeardownReport> {
  const clients = createAwsClients(options.clientOptions, options.clients);
  const deleted: string[] = [];
  const failed: { resource: string; message: string }[] = [];
  const attempt = async (resource: string, call: () => Promise<unknown>): Promise<void> => {
    try {
      await call();
      deleted.push(resource);
    } catch (error) {
      failed.push({ resource, message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    }
  };
  const { topicArn, tableName } = resources;
  if (topicArn !== undefined)
    await attempt(`SNS topic ${topicArn}`, () => clients.sns.send(new DeleteTopicCommand({ TopicArn: topicArn })));
  for (const queueUrl of resources.queueUrls ?? []) {
    await attempt(`SQS queue ${queueUrl}`, () => clients.sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl })));
  }
  if (tableName !== undefined)
    await attempt(`DynamoDB table ${tableName}`, () =>
      clients.dynamodb.send(new DeleteTableCommand({ TableName: tableName })),
    );
  return { deleted, failed };
}
