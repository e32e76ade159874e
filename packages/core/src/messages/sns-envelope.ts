/**
 * The JSON body SNS puts on an SQS queue for a subscription without raw message delivery.
 * Decoding reads only `Type`, `MessageId` and `Message`; the rest is here so simulators and
 * tests produce what AWS produces.
 */
export interface SnsNotificationEnvelope {
  readonly Type: 'Notification';
  readonly MessageId: string;
  readonly TopicArn: string;
  readonly Message: string;
  readonly Timestamp: string;
  readonly SignatureVersion: '1';
  readonly Signature: string;
  readonly SigningCertURL: string;
  readonly UnsubscribeURL: string;
  readonly MessageAttributes?: Readonly<Record<string, { readonly Type: 'String'; readonly Value: string }>>;
}

export interface SnsEnvelopeOptions {
  readonly messageId: string;
  readonly topicArn: string;
  /** ISO-8601 publish time. */
  readonly timestamp: string;
  readonly attributes?: Readonly<Record<string, string>>;
}

export function wrapInSnsNotification(message: string, options: SnsEnvelopeOptions): SnsNotificationEnvelope {
  const region = options.topicArn.split(':')[3] ?? 'us-east-1';
  const attributes = Object.entries(options.attributes ?? {});
  return {
    Type: 'Notification',
    MessageId: options.messageId,
    TopicArn: options.topicArn,
    Message: message,
    Timestamp: options.timestamp,
    SignatureVersion: '1',
    Signature: 'c2ltdWxhdGVk',
    SigningCertURL: `https://sns.${region}.amazonaws.com/SimpleNotificationService-simulated.pem`,
    UnsubscribeURL: `https://sns.${region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${options.topicArn}:simulated`,
    ...(attributes.length === 0
      ? {}
      : {
          MessageAttributes: Object.fromEntries(attributes.map(([k, v]) => [k, { Type: 'String' as const, Value: v }])),
        }),
  };
}
