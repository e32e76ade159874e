import { resolveResourceNames, type ResourceNames } from '@orders/adapters-aws';
import {
  resourcesOfType,
  TemplateError,
  type SqsEventSourceDefinition,
  type SynthesizedStack,
} from '@orders/lambda-local';

/** What `orders provision` needs to create the stack's resources the way the template declares them. */
export interface TemplateResources {
  readonly names: ResourceNames;
  readonly visibilityTimeoutSeconds: number;
  readonly maxReceiveCount: number;
}

/**
 * The table, topic, queue and dead-letter queue of the OrderProcessing template, by their physical
 * names (the stack fixes them), and the queue's settings: so `lambda serve --provision` creates on
 * an emulator what a deploy would create in AWS.
 */
export function templateResources(stack: SynthesizedStack, eventSource: SqsEventSourceDefinition): TemplateResources {
  const { queue } = eventSource;
  if (queue.deadLetterQueueName === undefined || queue.maxReceiveCount === undefined) {
    throw new TemplateError(
      'queue_without_dlq',
      `${stack.templatePath}: ${queue.queueName} has no redrive policy to a named dead-letter queue`,
    );
  }
  const subscriptionDlqName = subscriptionDeadLetterQueueName(stack);
  return {
    names: resolveResourceNames({
      tableName: onlyName(stack, 'AWS::DynamoDB::Table', 'TableName'),
      topicName: onlyName(stack, 'AWS::SNS::Topic', 'TopicName'),
      queueName: queue.queueName,
      dlqName: queue.deadLetterQueueName,
      ...(subscriptionDlqName === undefined ? {} : { subscriptionDlqName }),
    }),
    visibilityTimeoutSeconds: queue.visibilityTimeoutSeconds,
    maxReceiveCount: queue.maxReceiveCount,
  };
}

/** The queue the topic's subscription sends undeliverable notifications to (its RedrivePolicy), if any. */
function subscriptionDeadLetterQueueName(stack: SynthesizedStack): string | undefined {
  for (const [, subscription] of resourcesOfType(stack.template, 'AWS::SNS::Subscription')) {
    const target = (subscription.Properties?.['RedrivePolicy'] as { deadLetterTargetArn?: unknown } | undefined)
      ?.deadLetterTargetArn;
    const getAtt = (target as { 'Fn::GetAtt'?: unknown } | undefined)?.['Fn::GetAtt'];
    const logicalId = Array.isArray(getAtt) && typeof getAtt[0] === 'string' ? getAtt[0] : undefined;
    const name = logicalId === undefined ? undefined : stack.template.Resources?.[logicalId]?.Properties?.['QueueName'];
    if (typeof name === 'string') return name;
  }
  return undefined;
}

function onlyName(stack: SynthesizedStack, type: string, property: string): string {
  const found = resourcesOfType(stack.template, type);
  const name = found.length === 1 ? found[0]?.[1].Properties?.[property] : undefined;
  if (typeof name !== 'string') {
    throw new TemplateError('resource_unnamed', `${stack.templatePath}: expected one ${type} with a ${property}`);
  }
  return name;
}
