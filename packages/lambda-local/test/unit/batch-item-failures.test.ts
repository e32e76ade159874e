import { readBatchItemFailures, sqsEventOf } from '@orders/lambda-local';

const batch = new Set(['a', 'b', 'c']);

describe("Lambda's reading of a partial batch response", () => {
  it.each([
    ['null', null],
    ['undefined', undefined],
    ['an empty object', {}],
    ['an empty list', { batchItemFailures: [] }],
    ['a null list', { batchItemFailures: null }],
  ])('%s means every record succeeded', (_label, response) => {
    expect(readBatchItemFailures(response, batch, true)).toEqual({ kind: 'partial', failedIds: new Set() });
  });

  it('names exactly the failed records', () => {
    const verdict = readBatchItemFailures(
      { batchItemFailures: [{ itemIdentifier: 'b' }, { itemIdentifier: 'c' }, { itemIdentifier: 'b' }] },
      batch,
      true,
    );
    expect(verdict).toEqual({ kind: 'partial', failedIds: new Set(['b', 'c']) });
  });

  it.each([
    ['an empty itemIdentifier', { batchItemFailures: [{ itemIdentifier: 'a' }, { itemIdentifier: '' }] }],
    ['a missing itemIdentifier', { batchItemFailures: [{}] }],
    ['a null entry', { batchItemFailures: [null] }],
    ['an id not in the batch', { batchItemFailures: [{ itemIdentifier: 'z' }] }],
    ['a list that is not a list', { batchItemFailures: 'a' }],
    ['a response that is not an object', 'a'],
    ['an array response', [{ itemIdentifier: 'a' }]],
  ])('%s fails the whole batch', (_label, response) => {
    expect(readBatchItemFailures(response, batch, true)).toMatchObject({ kind: 'whole-batch-failed' });
  });

  it('ignores the response when ReportBatchItemFailures is off: a successful invocation deletes everything', () => {
    expect(readBatchItemFailures({ batchItemFailures: [{ itemIdentifier: 'a' }] }, batch, false)).toEqual({
      kind: 'partial',
      failedIds: new Set(),
    });
  });
});

describe('the SQS event', () => {
  it('carries what Lambda delivers: ids, handle, body, receive count, MD5 of the body, source ARN and region', () => {
    const event = sqsEventOf(
      [
        {
          messageId: 'm-1',
          receiptHandle: 'h-1',
          body: 'hello',
          receiveCount: 2,
          sentTimestamp: 1000,
          firstReceiveTimestamp: 2000,
        },
      ],
      'arn:aws:sqs:eu-west-1:123456789012:OrderQueue',
    );
    expect(event.Records).toEqual([
      {
        messageId: 'm-1',
        receiptHandle: 'h-1',
        body: 'hello',
        attributes: {
          ApproximateReceiveCount: '2',
          SentTimestamp: '1000',
          SenderId: '123456789012',
          ApproximateFirstReceiveTimestamp: '2000',
        },
        messageAttributes: {},
        md5OfBody: '5d41402abc4b2a76b9719d911017c592',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:OrderQueue',
        awsRegion: 'eu-west-1',
      },
    ]);
  });
});
