import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { serializeOrder, wrapInSnsNotification, type Order } from '@orders/core';

export const TEST_TOPIC_ARN = 'arn:aws:sns:us-east-1:000000000000:OrderTopic';
export const TEST_QUEUE_ARN = 'arn:aws:sqs:us-east-1:000000000000:OrderQueue';

let sequence = 0;
const nextUuid = (): string => `00000000-0000-4000-8000-${(++sequence).toString(16).padStart(12, '0')}`;

/** The SQS body SNS delivers without raw message delivery: the order JSON inside an envelope. */
export function snsEnvelopeBody(message: string | Order, attributes?: Record<string, string>): string {
  const text = typeof message === 'string' ? message : serializeOrder(message);
  return JSON.stringify(
    wrapInSnsNotification(text, {
      messageId: nextUuid(),
      topicArn: TEST_TOPIC_ARN,
      timestamp: '2025-05-03T12:00:01.000Z',
      ...(attributes ? { attributes } : {}),
    }),
  );
}

/** The body with raw message delivery on: the order JSON itself. */
export const rawBody = (order: Order): string => serializeOrder(order);

/** One record exactly as Lambda's SQS event source hands it to a function. */
export function sqsRecord(body: string, overrides: Partial<SQSRecord> = {}): SQSRecord {
  const messageId = overrides.messageId ?? nextUuid();
  return {
    messageId,
    receiptHandle: `AQEB${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1746273601000',
      SenderId: 'AIDAIENQZJOLO23YVJ4VO',
      ApproximateFirstReceiveTimestamp: '1746273601500',
    },
    messageAttributes: {},
    md5OfBody: '00000000000000000000000000000000',
    eventSource: 'aws:sqs',
    eventSourceARN: TEST_QUEUE_ARN,
    awsRegion: 'us-east-1',
    ...overrides,
  };
}

export const sqsEvent = (records: readonly SQSRecord[]): SQSEvent => ({ Records: [...records] });
