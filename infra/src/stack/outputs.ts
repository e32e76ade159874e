import { CfnOutput } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { OrderQueues } from './queues';

/**
 * The names, URLs and ARNs operators and the CLI need. Plain outputs, no exports: exports are
 * account-wide names too, and nothing imports them.
 */
export function addOutputs(
  scope: Construct,
  resources: OrderQueues & {
    readonly table: dynamodb.Table;
    readonly topic: sns.Topic;
    readonly function: lambda.Function;
    readonly logGroup: logs.LogGroup;
  },
): void {
  const { table, topic, queue, deadLetterQueue, subscriptionDeadLetterQueue, logGroup } = resources;
  const output = (id: string, value: string, description: string): void => {
    new CfnOutput(scope, id, { value, description });
  };
  output('TableName', table.tableName, 'DynamoDB table of orders');
  output('TableArn', table.tableArn, 'DynamoDB table of orders');
  output('TopicName', topic.topicName, 'SNS topic producers publish new-order events to');
  output('TopicArn', topic.topicArn, 'SNS topic producers publish new-order events to');
  output('QueueName', queue.queueName, 'SQS queue the function consumes');
  output('QueueUrl', queue.queueUrl, 'SQS queue the function consumes');
  output('QueueArn', queue.queueArn, 'SQS queue the function consumes');
  output('DeadLetterQueueName', deadLetterQueue.queueName, 'Dead-letter queue of OrderQueue');
  output('DeadLetterQueueUrl', deadLetterQueue.queueUrl, 'Dead-letter queue of OrderQueue');
  output('DeadLetterQueueArn', deadLetterQueue.queueArn, 'Dead-letter queue of OrderQueue');
  output(
    'SubscriptionDeadLetterQueueUrl',
    subscriptionDeadLetterQueue.queueUrl,
    'Notifications SNS could not deliver to OrderQueue',
  );
  output('FunctionName', resources.function.functionName, 'The OrderProcessor Lambda function');
  output('FunctionArn', resources.function.functionArn, 'The OrderProcessor Lambda function');
  output('LogGroupName', logGroup.logGroupName, 'Log group of the OrderProcessor function');
}
