/** The names of the resources the system runs on. Defaults are the seed's. */
export interface ResourceNames {
  readonly tableName: string;
  readonly topicName: string;
  readonly queueName: string;
  readonly dlqName: string;
  /** Where SNS puts notifications it could not deliver to the queue (the subscription's DLQ). */
  readonly subscriptionDlqName: string;
}

export const DEFAULT_RESOURCE_NAMES: ResourceNames = {
  tableName: 'Orders',
  topicName: 'OrderTopic',
  queueName: 'OrderQueue',
  dlqName: 'OrderDLQ',
  subscriptionDlqName: 'OrderSubscriptionDLQ',
};

/** The default names, each with `-<suffix>`: a set no other run uses (soak runs, test suites). */
export function suffixedResourceNames(suffix: string): ResourceNames {
  const suffixed = (name: string): string => `${name}-${suffix}`;
  return {
    tableName: suffixed(DEFAULT_RESOURCE_NAMES.tableName),
    topicName: suffixed(DEFAULT_RESOURCE_NAMES.topicName),
    queueName: suffixed(DEFAULT_RESOURCE_NAMES.queueName),
    dlqName: suffixed(DEFAULT_RESOURCE_NAMES.dlqName),
    subscriptionDlqName: suffixed(DEFAULT_RESOURCE_NAMES.subscriptionDlqName),
  };
}

export function resolveResourceNames(names: Partial<ResourceNames> = {}): ResourceNames {
  const queueName = names.queueName ?? DEFAULT_RESOURCE_NAMES.queueName;
  return {
    tableName: names.tableName ?? DEFAULT_RESOURCE_NAMES.tableName,
    topicName: names.topicName ?? DEFAULT_RESOURCE_NAMES.topicName,
    queueName,
    dlqName: names.dlqName ?? DEFAULT_RESOURCE_NAMES.dlqName,
    // Follows a renamed queue, so two setups in one account never share (and fight over) it.
    subscriptionDlqName:
      names.subscriptionDlqName ??
      (queueName === DEFAULT_RESOURCE_NAMES.queueName
        ? DEFAULT_RESOURCE_NAMES.subscriptionDlqName
        : `${queueName}-SubscriptionDLQ`),
  };
}

/** Where everything is, once it exists. */
export interface OrderResources {
  readonly names: ResourceNames;
  readonly tableArn: string;
  readonly topicArn: string;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly dlqUrl: string;
  readonly dlqArn: string;
  /** The subscription's dead-letter queue; absent from a lookup (consumers do not need it). */
  readonly subscriptionDlqUrl?: string;
  /** The topic → queue subscription; absent from a lookup when nobody subscribed the queue. */
  readonly subscriptionArn?: string;
}

/** The topic name is the last field of its ARN: `arn:aws:sns:region:account:name`. */
export const topicNameFromArn = (arn: string): string => arn.slice(arn.lastIndexOf(':') + 1);
