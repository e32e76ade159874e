import {
  type ConsumerConfig,
  type ConsumerRun,
  oursConfig,
  type Scenario,
  sqsConsumerConfig,
} from '../src/consumers/consumer-comparison';
import { summarizeScenario } from '../src/consumers/consumer-report';
import { consumerTargets } from '../src/consumers/measure-consumers';

const OURS = oursConfig(2); // 60 in flight
const OURS_80 = oursConfig(2, 80);
const PEER_6 = sqsConsumerConfig(6);
const PEER_8 = sqsConsumerConfig(8);

function scenario(name: string, configs: readonly ConsumerConfig[]): Scenario {
  return {
    name,
    description: name,
    messages: 1000,
    waitTimeSeconds: 20,
    visibilityTimeoutSeconds: 30,
    dynamodbUrl: 'http://127.0.0.1:1',
    rounds: 1,
    configs,
    noticeRounds: 1,
    noticeConfigs: [PEER_6.id],
  };
}

/** One round: msg/s, CPU ms over the drain, ms to the first receive, and visibility changes, by configuration. */
function runs(figures: Record<string, readonly [number, number, number, number]>): ConsumerRun[] {
  return Object.entries(figures).map(([config, [messagesPerSecond, cpuMsDuringDrain, start, visibility]]) => ({
    config,
    kind: config.startsWith('ours') ? 'ours' : 'sqs-consumer',
    round: 0,
    messages: 1000,
    ok: true,
    messagesPerSecond,
    cpuMsDuringDrain,
    startToFirstReceiveMs: start,
    ...(config.startsWith('ours') ? { noticeEmptyMs: 500 } : {}),
    requests: { ReceiveMessage: 101, PutItem: 1000, DeleteMessageBatch: 100, ChangeMessageVisibilityBatch: visibility },
    complete: true,
  }));
}

describe("the consumer comparison's targets", () => {
  it("hold ours at the best peer's messages in flight against the best peer, and ours' defaults against the matched peer", () => {
    const drain = summarizeScenario(
      scenario('drain', [OURS, OURS_80, PEER_6, PEER_8]),
      runs({
        ours: [400, 1200, 260, 0],
        'ours@80': [450, 1150, 250, 0],
        'sqs-consumer×6': [380, 1250, 200, 0],
        'sqs-consumer×8': [500, 1000, 220, 0], // the best peer
      }),
    );
    const heartbeats = summarizeScenario(
      scenario('heartbeats', [OURS, PEER_6]),
      runs({ ours: [40, 3000, 250, 60], 'sqs-consumer×6': [38, 3000, 200, 115] }),
    );
    const byId = Object.fromEntries(consumerTargets(drain, heartbeats).map((t) => [t.id, t]));
    // ours@80 / ×8: 450 / 500.
    expect(byId['consumer_throughput_matched_vs_best_peer']).toMatchObject({ value: 0.9, limit: 1, holds: false });
    expect(byId['consumer_throughput_matched_vs_best_peer']?.description).toContain('ours@80 / sqs-consumer×8');
    // ours / ×8: 1,200 / 1,000; ours / ×6: 1,200 / 1,250.
    expect(byId['consumer_cpu_per_message_vs_best_peer']).toMatchObject({ value: 1.2, holds: false });
    expect(byId['consumer_cpu_per_message_vs_matched_peer']).toMatchObject({ value: 0.96, holds: true });
    // ours / ×8: 260 / 220.
    expect(byId['consumer_start_vs_peer']).toMatchObject({ value: 1.182, limit: 1.3, holds: true });
    // 1,261 / 1,316 per 1,000 messages.
    expect(byId['consumer_requests_vs_peer_heartbeats']?.value).toBeCloseTo(1261 / 1316, 3);
    expect(byId['consumer_until_empty_exit_ms']).toMatchObject({ value: 500, holds: true });
  });

  it('leave the fair throughput target open when no configuration of ours matched the best peer', () => {
    const drain = summarizeScenario(
      scenario('drain', [OURS, PEER_8]),
      runs({ ours: [400, 1200, 260, 0], 'sqs-consumer×8': [500, 1000, 220, 0] }),
    );
    const [fair] = consumerTargets(drain, drain);
    expect(fair).toMatchObject({ id: 'consumer_throughput_matched_vs_best_peer', value: undefined, holds: undefined });
  });
});
