import { GetQueueAttributesCommand, GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { isNotFoundError, toInfrastructureError } from './aws-error-translation';
import { queueNameFromUrl } from './sqs-message-queue';

/** The URL of the queue with this name, or `undefined` when there is none. */
export async function findQueueUrl(client: SQSClient, queueName: string): Promise<string | undefined> {
  try {
    const result = await client.send(new GetQueueUrlCommand({ QueueName: queueName }));
    return result.QueueUrl;
  } catch (error) {
    if (isNotFoundError(error)) return undefined;
    throw toInfrastructureError(error, { service: 'SQS', operation: 'GetQueueUrl' });
  }
}

/** A queue's ARN (what redrive policies, queue policies and move tasks name it by). */
export async function getQueueArn(client: SQSClient, queueUrl: string): Promise<string> {
  try {
    const result = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
    );
    const arn = result.Attributes?.QueueArn;
    if (arn === undefined) throw new Error(`GetQueueAttributes returned no QueueArn for ${queueUrl}`);
    return arn;
  } catch (error) {
    throw toInfrastructureError(error, {
      service: 'SQS',
      operation: 'GetQueueAttributes',
      resource: { type: 'SQS queue', name: queueNameFromUrl(queueUrl) },
    });
  }
}
