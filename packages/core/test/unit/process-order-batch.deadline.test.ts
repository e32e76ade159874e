import { rawBody, sampleOrder } from '@orders/testkit';
import { ProcessOrderBatch, type InboundMessage } from '../../src';
import { FakeOrderRepository } from '../support/fake-order-repository';
import { RecordingLogger } from '@orders/testkit';
import { RecordingMetrics } from '../support/recording-metrics';

const batch = (size: number): InboundMessage[] =>
  Array.from({ length: size }, (_, i) => ({ messageId: `m${i}`, body: rawBody(sampleOrder({ orderId: `O${i}` })) }));

describe('ProcessOrderBatch: the invocation deadline', () => {
  it('reports records not started once shouldStop says so as failed with deadline_exceeded', async () => {
    const repository = new FakeOrderRepository();
    let asked = 0;
    const result = await new ProcessOrderBatch({ repository }, { concurrency: 1 }).execute(batch(5), {
      shouldStop: () => ++asked > 2,
    });
    expect(result.outcomes.map((o) => o.status)).toEqual(['created', 'created', 'failed', 'failed', 'failed']);
    expect(result.outcomes[3]).toEqual({
      status: 'failed',
      messageId: 'm3',
      error: {
        name: 'DeadlineExceeded',
        code: 'deadline_exceeded',
        message: expect.any(String),
        failureClass: 'transient',
      },
    });
    expect(result.failedMessageIds).toEqual(['m2', 'm3', 'm4']);
    expect([...repository.stored.keys()]).toEqual(['O0', 'O1']);
  });

  it('asks before each record, and never saves anything when already past the deadline', async () => {
    const repository = new FakeOrderRepository();
    const shouldStop = jest.fn(() => true);
    const result = await new ProcessOrderBatch({ repository }, { concurrency: 3 }).execute(batch(4), { shouldStop });
    expect(shouldStop).toHaveBeenCalledTimes(4);
    expect(repository.saveCalls).toEqual([]);
    expect(result.failedMessageIds).toEqual(['m0', 'm1', 'm2', 'm3']);
  });

  it('still logs and counts every record of a batch cut short', async () => {
    const logger = new RecordingLogger();
    const metrics = new RecordingMetrics();
    let asked = 0;
    await new ProcessOrderBatch({ repository: new FakeOrderRepository(), logger, metrics }, { concurrency: 1 }).execute(
      batch(3),
      {
        shouldStop: () => ++asked > 1,
      },
    );
    expect(logger.calls.map((c) => [c.level, c.fields['errorCode']])).toEqual([
      ['info', undefined],
      ['error', 'deadline_exceeded'],
      ['error', 'deadline_exceeded'],
    ]);
    expect(metrics.batches[0]?.counts).toEqual(expect.objectContaining({ created: 1, failed: 2 }));
  });

  it('processes everything when shouldStop never says stop', async () => {
    const result = await new ProcessOrderBatch({ repository: new FakeOrderRepository() }).execute(batch(6), {
      shouldStop: () => false,
    });
    expect(result.failedMessageIds).toEqual([]);
  });
});
