import { sqsEventOf } from '@orders/lambda-local';

describe('sqsEventOf: the event the SQS event source mapping delivers', () => {
  const received = {
    messageId: 'm-1',
    receiptHandle: 'rh-1',
    body: '{"orderId":"O1234"}',
    receiveCount: 2,
    sentTimestamp: 1_746_273_601_000,
  };

  it("carries the received String message attributes in Lambda's shape, and AWSTraceHeader among the system attributes", () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const [record] = sqsEventOf(
      [
        {
          ...received,
          messageAttributes: { traceparent, tracestate: 'vendor=1' },
          awsTraceHeader: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
        },
      ],
      'arn:aws:sqs:eu-west-1:123456789012:OrderQueue',
    ).Records;
    expect(record?.messageAttributes).toEqual({
      traceparent: { stringValue: traceparent, stringListValues: [], binaryListValues: [], dataType: 'String' },
      tracestate: { stringValue: 'vendor=1', stringListValues: [], binaryListValues: [], dataType: 'String' },
    });
    expect(record?.attributes).toMatchObject({
      ApproximateReceiveCount: '2',
      AWSTraceHeader: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
    });
    expect(record).toMatchObject({ awsRegion: 'eu-west-1', eventSource: 'aws:sqs' });
  });

  it('has no message attributes and no AWSTraceHeader when the message had none', () => {
    const [record] = sqsEventOf([received], 'arn:aws:sqs:us-east-1:000000000000:OrderQueue').Records;
    expect(record?.messageAttributes).toEqual({});
    expect(record?.attributes).not.toHaveProperty('AWSTraceHeader');
  });
});
