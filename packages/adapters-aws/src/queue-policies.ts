/**
 * The JSON documents SQS keeps as queue attributes, built in one place so provisioning writes
 * them and compares them the same way.
 */

/**
 * Lets SNS deliver to the queue for this one topic and nothing else: the service principal alone
 * would admit any topic in any account, so `aws:SourceArn` pins it (the confused-deputy guard).
 */
export function topicToQueuePolicy(queueArn: string, topicArn: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Id: 'OrderTopicToQueue',
    Statement: [
      {
        Sid: 'AllowOrderTopicSendMessage',
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queueArn,
        Condition: { ArnEquals: { 'aws:SourceArn': topicArn } },
      },
    ],
  });
}

export function redrivePolicy(dlqArn: string, maxReceiveCount: number): string {
  return JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount });
}

/**
 * Whether two JSON attribute values mean the same, whatever the key order, spacing or whether a
 * number came back as a string (SQS returns maxReceiveCount as either).
 */
export function sameJsonAttribute(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  try {
    return canonical(JSON.parse(a)) === canonical(JSON.parse(b));
  } catch {
    return a === b;
  }
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(',')}}`;
  }
  // "3" and 3 are the same setting.
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return value;
  return JSON.stringify(value);
}
