import { createHash } from 'node:crypto';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { ReceivedMessage } from '@orders/core';

/**
 * The event Lambda's SQS event source mapping delivers for these messages: the String message
 * attributes the receive asked for (with raw message delivery, the producer's W3C `traceparent`
 * and `tracestate`) in Lambda's shape, SQS's `AWSTraceHeader` among the system attributes when the
 * message has one; `md5OfBody` is computed as SQS computes it.
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
          ...(message.awsTraceHeader === undefined ? {} : { AWSTraceHeader: message.awsTraceHeader }),
        },
        messageAttributes: Object.fromEntries(
          Object.entries(message.messageAttributes ?? {}).map(([name, stringValue]) => [
            name,
            { stringValue, stringListValues: [], binaryListValues: [], dataType: 'String' },
          ]),
        ),
        md5OfBody: createHash('md5').update(message.body, 'utf8').digest('hex'),
        eventSource: 'aws:sqs',
        eventSourceARN: queueArn,
        awsRegion: region,
      }),
    ),
  };
}
