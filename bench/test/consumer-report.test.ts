import {
  bareLoopConfig,
  type ConsumerConfig,
  type ConsumerRun,
  oursConfig,
  type Scenario,
  sqsConsumerConfig,
} from '../src/consumers/consumer-comparison';
import { defaultMatched, matchedToBestPeer, scenarioTables, summarizeScenario } from '../src/consumers/consumer-report';

const OURS = oursConfig(2); // 60 in flight
const OURS_20 = oursConfig(2, 20);
const PEER_2 = sqsConsumerConfig(2);
const PEER_6 = sqsConsumerConfig(6);
const BARE = bareLoopConfig(2);

const scenario: Scenario = {
  name: 'drain',
  description: 'test',
  messages: 1000,
  waitTimeSeconds: 20,
  visibilityTimeoutSeconds: 30,
  dynamodbUrl: 'http://127.0.0.1:1',
  rounds: 2,
  configs: [OURS_20, OURS, PEER_2, PEER_6, BARE],
  noticeRounds: 1,
  noticeConfigs: [PEER_6.id],
};

/** msg/s, CPU ms during the drain, and visibility changes, by configuration and round. */
const FIGURES: Record<string, readonly [number, number, number][]> = {
  ours: [
    [800, 1000, 120],
    [900, 1100, 140],
  ],
  'ours@20': [
    [300, 1200, 100],
    [330, 1200, 100],
  ],
  'sqs-consumer×2': [
    [280, 1300, 100],
    [600, 1300, 100],
  ],
  'sqs-consumer×6': [
    [500, 1250, 100],
    [450, 1250, 100],
  ],
  'bare-loop×2': [
    [300, 900, 0],
    [300, 900, 0],
  ],
};

function run(config: ConsumerConfig, round: number, extra: Partial<ConsumerRun> = {}): ConsumerRun {
  const [messagesPerSecond, cpuMsDuringDrain, visibilityChanges] = FIGURES[config.id]?.[round] ?? [0, 0, 0];
  return {
    config: config.id,
    kind: config.kind,
    round,
    messages: 1000,
    ok: true,
    startToFirstReceiveMs: config.kind === 'ours' ? 300 : 200,
    messagesPerSecond,
    cpuMsDuringDrain,
    requests: {
      ReceiveMessage: 101,
      PutItem: 1000,
      DeleteMessageBatch: 100,
      ...(visibilityChanges > 0 ? { ChangeMessageVisibilityBatch: visibilityChanges } : {}),
    },
    complete: round === 0,
    ...extra,
  };
}

const runs = (): ConsumerRun[] => [0, 1].flatMap((round) => scenario.configs.map((config) => run(config, round)));

describe('the consumer comparison summary', () => {
  it('takes the peer configuration with the highest median throughput as the best peer', () => {
    // ×2 has the single fastest run (600), ×6 the higher median (475 against 440).
    expect(summarizeScenario(scenario, runs()).bestPeer).toBe('sqs-consumer×6');
  });

  it('sets each configuration of ours against the best peer and the peer holding as many messages in flight', () => {
    const summary = summarizeScenario(scenario, runs());
    expect(summary.comparisons.map((c) => [c.ours, c.other, c.basis])).toEqual([
      ['ours@20', 'sqs-consumer×6', ['best peer']],
      ['ours@20', 'sqs-consumer×2', ['matched in flight']],
      ['ours', 'sqs-consumer×6', ['best peer', 'matched in flight']],
      ['ours', 'bare-loop×2', ['floor']],
    ]);
    expect(matchedToBestPeer(summary)?.ours).toBe('ours');
    expect(defaultMatched(summary)?.other).toBe('sqs-consumer×6');
  });

  it('pairs ratios by round and reports their median and range', () => {
    const fair = matchedToBestPeer(summarizeScenario(scenario, runs()));
    // Throughput 800/500 and 900/450; CPU per message 1000/1250 and 1100/1250.
    expect(fair?.throughput).toEqual({ median: expect.closeTo(1.8), min: 1.6, max: 2, n: 2 });
    expect(fair?.cpuPerMessage?.min).toBeCloseTo(0.8);
    expect(fair?.cpuPerMessage?.max).toBeCloseTo(0.88);
    expect(fair?.startToFirstReceive?.median).toBe(1.5);
    expect(fair?.heartbeatsPer10).toEqual({ median: expect.closeTo(1.3), min: 1.2, max: 1.4, n: 2 });
  });

  it('gives CPU per message and visibility changes per 10 messages per configuration', () => {
    const ours = summarizeScenario(scenario, runs()).configs.find((c) => c.config.id === 'ours');
    expect(ours?.cpuUsPerMessage).toBe(1050); // 1,000 and 1,100 ms over 1,000 messages
    expect(ours?.heartbeatsPer10).toEqual({ median: expect.closeTo(1.3), min: 1.2, max: 1.4, n: 2 });
  });

  it('counts requests per 1,000 messages over complete runs only, and notes the failed runs', () => {
    const all = runs();
    all[0] = run(OURS_20, 0, {
      requests: { ReceiveMessage: 101, PutItem: 1000, DeleteMessageBatch: 100, GetQueueUrl: 1, Scan: 1 },
    });
    all.push(run(PEER_2, 2, { ok: false, note: 'died' }));
    const summary = summarizeScenario(scenario, all);
    const ours20 = summary.configs.find((c) => c.config.id === 'ours@20');
    expect(ours20?.requestsPer1000).toEqual({
      ReceiveMessage: 101,
      PutItem: 1000,
      DeleteMessageBatch: 100,
      GetQueueUrl: 1,
      other: 1,
    });
    expect(ours20?.requestsPer1000Total).toBe(1203);
    expect(summary.comparisons[1]?.requestsPer1000).toBeCloseTo(1203 / 1301);
    expect(summary.configs.find((c) => c.config.id === 'sqs-consumer×2')).toMatchObject({ runs: 3, failed: 1 });
    expect(summary.notes).toEqual(['drain: sqs-consumer×2 round 3 failed: died']);
  });

  it('marks the best peer and prints every comparison in the tables', () => {
    const [perConfig = '', ratios = ''] = scenarioTables(summarizeScenario(scenario, runs()));
    const rows = (text: string) =>
      text
        .split('\n')
        .slice(4)
        .map((line) => line.split(/ {2,}/));
    expect(rows(perConfig).map((cells) => cells[0])).toEqual([
      'ours@20',
      'ours',
      'sqs-consumer×2',
      'sqs-consumer×6 *',
      'bare-loop×2',
    ]);
    expect(rows(ratios)[2]?.slice(0, 4)).toEqual([
      'ours / sqs-consumer×6',
      'best peer, matched in flight',
      '1.80× [1.60–2.00]',
      '0.84× [0.80–0.88]',
    ]);
  });
});
