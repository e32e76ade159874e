import type { ConsumerRun, Scenario } from '../src/consumers/consumer-comparison';
import { summarizeScenario } from '../src/consumers/consumer-report';

const scenario: Scenario = {
  name: 'drain',
  description: 'test',
  messages: 1000,
  pollers: 2,
  waitTimeSeconds: 20,
  visibilityTimeoutSeconds: 30,
  dynamodbUrl: 'http://127.0.0.1:1',
  rounds: 2,
  noticeRounds: 1,
};

function run(kind: ConsumerRun['kind'], round: number, extra: Partial<ConsumerRun> = {}): ConsumerRun {
  return {
    kind,
    round,
    messages: 1000,
    ok: true,
    startToFirstReceiveMs: kind === 'ours' ? 300 : 200,
    messagesPerSecond: kind === 'ours' ? 800 + round * 100 : 400,
    requests: { ReceiveMessage: 101, PutItem: 1000, DeleteMessageBatch: 100 },
    complete: round === 0,
    ...extra,
  };
}

describe('the consumer comparison summary', () => {
  it('pairs ratios by round, and counts requests per 1,000 messages over complete runs only', () => {
    const summary = summarizeScenario(scenario, [
      run('ours', 0, {
        requests: {
          ReceiveMessage: 101,
          PutItem: 1000,
          DeleteMessageBatch: 100,
          GetQueueUrl: 1,
          GetQueueAttributes: 2,
        },
      }),
      run('sqs-consumer', 0),
      run('bare-loop', 0, { requests: { ReceiveMessage: 101, PutItem: 1000, DeleteMessageBatch: 100, Scan: 1 } }),
      // Round 1 was stopped at the drain: its counts miss the end, so they are left out.
      run('ours', 1, { requests: { ReceiveMessage: 1 } }),
      run('sqs-consumer', 1, { requests: { ReceiveMessage: 1 } }),
      run('bare-loop', 1, { ok: false, note: 'died' }),
    ]);
    expect(summary.ratios.throughput['ours / sqs-consumer']).toMatchObject({ median: 2.125, pairs: 2 }); // 800/400 and 900/400
    expect(summary.ratios.throughput['ours / bare-loop']).toMatchObject({ median: 2, pairs: 1 });
    expect(summary.ratios.startToFirstReceive['ours / sqs-consumer']?.median).toBe(1.5);
    const ours = summary.consumers.find((c) => c.kind === 'ours');
    expect(ours?.requestsPer1000).toEqual({
      ReceiveMessage: 101,
      PutItem: 1000,
      DeleteMessageBatch: 100,
      GetQueueUrl: 1,
      GetQueueAttributes: 2,
    });
    expect(ours?.requestsPer1000Total).toBe(1204);
    expect(summary.consumers.find((c) => c.kind === 'bare-loop')?.requestsPer1000?.['other']).toBe(1);
    expect(summary.ratios.requestsPer1000['ours / sqs-consumer']).toBeCloseTo(1204 / 1201);
    expect(summary.notes).toEqual(['drain: bare-loop round 2 failed: died']);
  });
});
