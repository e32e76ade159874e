import { createHash } from 'node:crypto';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { ReceivedMessage } from '@orders/core';

/**
 * The event Lambda's SQS event source mapping delivers for these messages. Message attributes are
 * not received here, so `messageAttributes` is empty; `md5OfBody` is computed as SQS computes it.
 */
export function sqsEventOf(messages: readonly ReceivedMessage[], queueArn: string): SQSEvent {
  const [, , , region = 'us-east-1', account = '000000000000'] = queueArn.split(':');
  return {
    Records: messages.map(
      (message): SQSRecord => ({
        messageId: message.messageId,
        receiptHandle: message.receiptHandle,
        body: message.body,
        attributes: {
          ApproximateReceiveCount: String(message.receiveCount),
          SentTimestamp: String(message.sentTimestamp),
          SenderId: account,
          ApproximateFirstReceiveTimestamp: String(message.firstReceiveTimestamp ?? message.sentTimestamp),
        },
        messageAttributes: {},
        md5OfBody: createHash('md5').update(message.body, 'utf8').digest('hex'),
        eventSource: 'aws:sqs',
        eventSourceARN: queueArn,
        awsRegion: region,
      }),
    ),
  };
}
