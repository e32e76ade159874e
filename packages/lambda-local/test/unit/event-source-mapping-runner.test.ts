import { advanceClockWhenIdle, createOrderPipeline, type ManualClock } from '@orders/adapters-memory';
import { type InProcessSqsHandler, runEventSourceMapping } from '@orders/lambda-local';

/** A pipeline with `count` messages published, and its clock. */
async function pipelineWith(count: number, maxReceiveCount = 3) {
  const pipeline = createOrderPipeline({ maxReceiveCount });
  for (let n = 0; n < count; n++) await pipeline.topic.publish({ body: `message ${n}` });
  return { pipeline, clock: pipeline.clock as ManualClock };
}

describe('the in-process event source mapping', () => {
  it('deletes nothing when the handler throws, and everything when it answers null', async () => {
    const { pipeline, clock } = await pipelineWith(1, 2);
    const throwing: InProcessSqsHandler = async () => {
      throw new Error('boom');
    };
    const thrown = await runEventSourceMapping({
      queue: pipeline.queue,
      queueArn: pipeline.queue.arn,
      handler: throwing,
      maxInvocations: 1,
    });
    expect(thrown).toMatchObject({ invocations: 1, failedInvocations: 1, recordsDeleted: 0, recordsReturned: 1 });
    expect(pipeline.queue.size).toBe(1);

    clock.advance(180_000);
    const acked = await runEventSourceMapping({
      queue: pipeline.queue,
      queueArn: pipeline.queue.arn,
      handler: async () => null,
    });
    expect(acked).toMatchObject({ invocations: 1, recordsDeleted: 1 });
    expect(pipeline.queue.size).toBe(0);
  });

  it('deletes the records a partial batch response does not name, and leaves the named ones', async () => {
    const { pipeline } = await pipelineWith(3);
    const report = await runEventSourceMapping({
      queue: pipeline.queue,
      queueArn: pipeline.queue.arn,
      // The topic wraps each body in an SNS envelope, so the body contains the text.
      handler: async (event) => ({
        batchItemFailures: event.Records.filter((r) => r.body.includes('message 1')).map((r) => ({
          itemIdentifier: r.messageId,
        })),
      }),
      maxInvocations: 1,
    });
    expect(report).toMatchObject({ recordsDelivered: 3, recordsDeleted: 2, recordsReturned: 1 });
    expect(pipeline.queue.size).toBe(1);
  });

  it('fails the whole batch for an itemIdentifier Lambda would refuse, as Lambda does', async () => {
    const { pipeline } = await pipelineWith(2);
    const report = await runEventSourceMapping({
      queue: pipeline.queue,
      queueArn: pipeline.queue.arn,
      handler: async () => ({ batchItemFailures: [{ itemIdentifier: 'not-in-this-batch' }] }),
      maxInvocations: 1,
    });
    expect(report).toMatchObject({ failedInvocations: 1, recordsDeleted: 0, recordsReturned: 2 });
  });

  it('hands the handler the event Lambda delivers and a context with a request id and time left', async () => {
    const { pipeline } = await pipelineWith(1);
    const seen: { source: string | undefined; receiveCount: string | undefined; requestId: string; left: number }[] =
      [];
    await runEventSourceMapping({
      queue: pipeline.queue,
      queueArn: pipeline.queue.arn,
      handler: async (event, context) => {
        const [record] = event.Records;
        seen.push({
          source: record?.eventSourceARN,
          receiveCount: record?.attributes.ApproximateReceiveCount,
          requestId: context.awsRequestId,
          left: context.getRemainingTimeInMillis(),
        });
        return undefined;
      },
    });
    expect(seen).toEqual([
      {
        source: pipeline.queue.arn,
        receiveCount: '1',
        requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        left: expect.any(Number),
      },
    ]);
    expect(seen[0]?.left).toBeGreaterThan(29_000);
  });

  it('on a manual clock, waits out visibility timeouts in no time and stops when the queue is empty', async () => {
    const { pipeline, clock } = await pipelineWith(1, 3);
    const report = await runEventSourceMapping({
      queue: pipeline.queue,
      queueArn: pipeline.queue.arn,
      handler: async (event) => ({ batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) }),
      onIdle: advanceClockWhenIdle(pipeline.queue, clock),
    });
    expect(report).toMatchObject({ invocations: 3, recordsDeleted: 0 });
    expect(pipeline.queue.size).toBe(0);
    expect(pipeline.deadLetterQueue.peekAll()).toHaveLength(1);
  });
});
