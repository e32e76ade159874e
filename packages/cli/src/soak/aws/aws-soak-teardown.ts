import { createRequire } from 'node:module';
import { awsClientConfig, sqsClientConfig, type AwsClientOptions } from '@orders/adapters-aws';

/** What the soak created and must delete again. */
export interface SoakResourcesToDelete {
  readonly tableName: string;
  /** Absent when no topic was found. */
  readonly topicArn?: string;
  readonly queueUrls: readonly string[];
}

export interface TeardownReport {
  readonly deleted: readonly string[];
  readonly failed: readonly { readonly resource: string; readonly message: string }[];
}

interface Client {
  send(command: object): Promise<unknown>;
  destroy(): void;
}
type ClientClass = new (config: object) => Client;
type CommandClass<Input> = new (input: Input) => object;

interface TeardownSdk {
  readonly dynamodb: { readonly DynamoDBClient: ClientClass; readonly DeleteTableCommand: CommandClass<{ TableName: string }> };
  readonly sqs: { readonly SQSClient: ClientClass; readonly DeleteQueueCommand: CommandClass<{ QueueUrl: string }> };
  readonly sns: { readonly SNSClient: ClientClass; readonly DeleteTopicCommand: CommandClass<{ TopicArn: string }> };
}

/**
 * STOPGAP. @orders/adapters-aws creates resources (`provisionResources`) but exports no way to
 * delete them, and @orders/cli does not depend on the AWS SDK itself, so the three SDK clients
 * are loaded from where @orders/adapters-aws resolves them (the same installed copies it uses).
 * The right home for this is a `deleteOrderResources()` beside `provisionResources` in
 * adapters-aws; then this file shrinks to one call.
 */
function loadSdk(): TeardownSdk {
  const fromAdapters = createRequire(require.resolve('@orders/adapters-aws'));
  const load = (name: string, exports: readonly string[]): Record<string, unknown> => {
    const loaded: unknown = fromAdapters(name);
    const module = typeof loaded === 'object' && loaded !== null ? (loaded as Record<string, unknown>) : {};
    const missing = exports.filter((key) => typeof module[key] !== 'function');
    if (missing.length > 0) throw new Error(`${name} has no ${missing.join(', ')}`);
    return module;
  };
  return {
    dynamodb: load('@aws-sdk/client-dynamodb', ['DynamoDBClient', 'DeleteTableCommand']) as unknown as TeardownSdk['dynamodb'],
    sqs: load('@aws-sdk/client-sqs', ['SQSClient', 'DeleteQueueCommand']) as unknown as TeardownSdk['sqs'],
    sns: load('@aws-sdk/client-sns', ['SNSClient', 'DeleteTopicCommand']) as unknown as TeardownSdk['sns'],
  };
}

/**
 * Deletes the soak's table, queues and topic (deleting the topic deletes its subscriptions).
 * Never throws: each resource is tried, and what could not be deleted is reported by name, so
 * the caller can tell the operator what is left behind (and still billed).
 */
export async function deleteSoakResources(resources: SoakResourcesToDelete, clientOptions: AwsClientOptions): Promise<TeardownReport> {
  const deleted: string[] = [];
  const failed: { resource: string; message: string }[] = [];
  let sdk: TeardownSdk;
  try {
    sdk = loadSdk();
  } catch (error) {
    const message = `cannot load the AWS SDK to delete resources: ${error instanceof Error ? error.message : String(error)}`;
    const all = [...(resources.topicArn === undefined ? [] : [resources.topicArn]), ...resources.queueUrls, resources.tableName];
    return { deleted, failed: all.map((resource) => ({ resource, message })) };
  }
  const sns = new sdk.sns.SNSClient(awsClientConfig(clientOptions));
  const sqs = new sdk.sqs.SQSClient(sqsClientConfig(clientOptions));
  const dynamodb = new sdk.dynamodb.DynamoDBClient(awsClientConfig(clientOptions));
  const attempt = async (resource: string, call: () => Promise<unknown>): Promise<void> => {
    try {
      await call();
      deleted.push(resource);
    } catch (error) {
      failed.push({ resource, message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    }
  };
  try {
    // The topic first: nothing is delivered into a queue that is about to go.
    const { topicArn } = resources;
    if (topicArn !== undefined) await attempt(`SNS topic ${topicArn}`, () => sns.send(new sdk.sns.DeleteTopicCommand({ TopicArn: topicArn })));
    for (const queueUrl of resources.queueUrls) {
      await attempt(`SQS queue ${queueUrl}`, () => sqs.send(new sdk.sqs.DeleteQueueCommand({ QueueUrl: queueUrl })));
    }
    await attempt(`DynamoDB table ${resources.tableName}`, () => dynamodb.send(new sdk.dynamodb.DeleteTableCommand({ TableName: resources.tableName })));
  } finally {
    sns.destroy();
    sqs.destroy();
    dynamodb.destroy();
  }
  return { deleted, failed };
}
