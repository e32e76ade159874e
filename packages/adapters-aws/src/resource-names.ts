/** The names of the four resources the system runs on. Defaults are the seed's. */
export interface ResourceNames {
  readonly tableName: string;
  readonly topicName: string;
  readonly queueName: string;
  readonly dlqName: string;
}

export const DEFAULT_RESOURCE_NAMES: ResourceNames = {
  tableName: 'Orders',
  topicName: 'OrderTopic',
  queueName: 'OrderQueue',
  dlqName: 'OrderDLQ',
};

export const resolveResourceNames = (names: Partial<ResourceNames> = {}): ResourceNames => ({
  tableName: names.tableName ?? DEFAULT_RESOURCE_NAMES.tableName,
  topicName: names.topicName ?? DEFAULT_RESOURCE_NAMES.topicName,
  queueName: names.queueName ?? DEFAULT_RESOURCE_NAMES.queueName,
  dlqName: names.dlqName ?? DEFAULT_RESOURCE_NAMES.dlqName,
});

/** Where everything is, once it exists. */
export interface OrderResources {
  readonly names: ResourceNames;
  readonly tableArn: string;
  readonly topicArn: string;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly dlqUrl: string;
  readonly dlqArn: string;
  /** The topic → queue subscription; absent from a lookup when nobody subscribed the queue. */
  readonly subscriptionArn?: string;
}

/** The topic name is the last field of its ARN: `arn:aws:sns:region:account:name`. */
export const topicNameFromArn = (arn: string): string => arn.slice(arn.lastIndexOf(':') + 1);
