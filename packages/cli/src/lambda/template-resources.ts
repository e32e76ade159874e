import type { ResourceNames } from '@orders/adapters-aws';
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
  return {
    names: {
      tableName: onlyName(stack, 'AWS::DynamoDB::Table', 'TableName'),
      topicName: onlyName(stack, 'AWS::SNS::Topic', 'TopicName'),
      queueName: queue.queueName,
      dlqName: queue.deadLetterQueueName,
    },
    visibilityTimeoutSeconds: queue.visibilityTimeoutSeconds,
    maxReceiveCount: queue.maxReceiveCount,
  };
}

function onlyName(stack: SynthesizedStack, type: string, property: string): string {
  const found = resourcesOfType(stack.template, type);
  const name = found.length === 1 ? found[0]?.[1].Properties?.[property] : undefined;
  if (typeof name !== 'string') {
    throw new TemplateError('resource_unnamed', `${stack.templatePath}: expected one ${type} with a ${property}`);
  }
  return name;
}
