/**
 * The consumer comparison as `pnpm bench` runs it (and `pnpm --filter @orders/bench bench:consumers`
 * alone): two scenarios on the SQS and DynamoDB stand-ins, each consumer with the same pollers.
 * - drain: realistic round trips; throughput, start to first receive (and the CPU and requests
 *   before it), time to notice the empty queue, requests per 1,000 messages;
 * - heartbeats: a 1.2 s put against a 2 s visibility timeout, so every batch outlives half the
 *   timeout and heartbeats fire; requests per 1,000 messages.
 */
import { execFileSync } from 'node:child_process';
import type { ActionDelays } from '../standins/delay-proxy';
import type { Standins } from '../standins/launch';
import { REPO_DIR } from '../paths';
import { table } from '../report/format';
import { round } from '../stats';
import { buildReferenceConsumers, runScenario, type Scenario, warmUpConsumers } from './consumer-comparison';
import { scenarioJson, scenarioTables, summarizeScenario, type ScenarioSummary } from './consumer-report';

/** SQS round trips per action, from the figures for SQS in the same region (receive 10–20 ms, delete ~10 ms). */
export const SQS_DELAYS: ActionDelays & { readonly byAction: Readonly<Record<string, number>> } = {
  defaultMs: 10,
  byAction: { ReceiveMessage: 15, DeleteMessageBatch: 10, ChangeMessageVisibilityBatch: 10, GetQueueAttributes: 10 },
};
/** A put this slow makes every batch outlive half a 2 s visibility timeout: heartbeats must fire. */
export const SLOW_PUT_MS = 1200;
export const CONSUMER_POLLERS = 2;

export const CONSUMER_PLAN = {
  // A 1 s long poll so that the references notice the empty queue quickly.
  smoke: {
    drain: { messages: 200, rounds: 1, waitTimeSeconds: 1, noticeRounds: 1 },
    heartbeats: { messages: 40, rounds: 1, waitTimeSeconds: 1 },
  },
  // SQS's longest long poll, as deployed. In the drain, only the first round waits for the
  // references to notice the empty queue (a whole long poll each); later ones stop them once the
  // queue is drained. The heartbeat scenario counts requests over whole lives: one round, waited out.
  full: {
    drain: { messages: 2000, rounds: 5, waitTimeSeconds: 20, noticeRounds: 1 },
    heartbeats: { messages: 200, rounds: 1, waitTimeSeconds: 20 },
  },
} as const;

export interface ConsumerTarget {
  readonly id: string;
  readonly description: string;
  readonly value: number | undefined;
  readonly limit: number;
  readonly holds: boolean | undefined;
}

export interface ConsumerMeasurement {
  readonly drain: ScenarioSummary;
  readonly heartbeats: ScenarioSummary;
  readonly targets: readonly ConsumerTarget[];
  readonly notes: readonly string[];
}

export interface MeasureConsumersOptions {
  readonly standins: Standins;
  /** DynamoDB stand-in listeners: at the ordinary put round trip, and at SLOW_PUT_MS. */
  readonly dynamodb: { readonly url: string; readonly putMs: number };
  readonly slowDynamodb: string;
  readonly smoke: boolean;
  /** Bring the CLI's build up to date first (ours runs from packages/cli/dist). */
  readonly rebuild: boolean;
  readonly log: (message: string) => void;
}

export async function measureConsumers(options: MeasureConsumersOptions): Promise<ConsumerMeasurement> {
  const { standins, dynamodb, log } = options;
  const notes: string[] = [];
  if (options.rebuild) {
    try {
      execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', 'packages/cli'], {
        cwd: REPO_DIR,
        stdio: 'pipe',
      });
    } catch (error) {
      notes.push(
        `the CLI build (tsc -b packages/cli) failed; ours ran from the existing build: ${String(error).slice(0, 200)}`,
      );
    }
  }
  const plan = options.smoke ? CONSUMER_PLAN.smoke : CONSUMER_PLAN.full;
  const references = await buildReferenceConsumers();
  await warmUpConsumers(references);
  const drain: Scenario = {
    name: 'drain',
    description: `SQS stand-in (receive ${SQS_DELAYS.byAction['ReceiveMessage']} ms, delete ${SQS_DELAYS.byAction['DeleteMessageBatch']} ms, other ${SQS_DELAYS.defaultMs} ms) + DynamoDB stand-in (put ${dynamodb.putMs} ms)`,
    pollers: CONSUMER_POLLERS,
    visibilityTimeoutSeconds: 30,
    dynamodbUrl: dynamodb.url,
    ...plan.drain,
  };
  const heartbeats: Scenario = {
    name: 'heartbeats',
    description: `the same SQS stand-in, a ${SLOW_PUT_MS} ms put and a 2 s visibility timeout (heartbeats fire)`,
    pollers: CONSUMER_POLLERS,
    visibilityTimeoutSeconds: 2,
    dynamodbUrl: options.slowDynamodb,
    noticeRounds: plan.heartbeats.rounds,
    ...plan.heartbeats,
  };
  const summaries: ScenarioSummary[] = [];
  for (const scenario of [drain, heartbeats]) {
    log(
      `consumers (${scenario.name}): ours, sqs-consumer, bare loop × ${scenario.rounds} round(s) of ${scenario.messages} messages`,
    );
    const summary = summarizeScenario(scenario, await runScenario(scenario, standins, references, log));
    summaries.push(summary);
    notes.push(...summary.notes);
  }
  const [drainSummary, heartbeatSummary] = summaries as [ScenarioSummary, ScenarioSummary];
  return {
    drain: drainSummary,
    heartbeats: heartbeatSummary,
    targets: consumerTargets(drainSummary, heartbeatSummary),
    notes,
  };
}

function target(
  id: string,
  description: string,
  value: number | undefined,
  limit: number,
  bound: 'at most' | 'at least' = 'at most',
): ConsumerTarget {
  const known = value !== undefined && Number.isFinite(value);
  return {
    id,
    description,
    value: known ? round(value, 3) : undefined,
    limit,
    holds: known ? (bound === 'at most' ? value <= limit : value >= limit) : undefined,
  };
}

/** Issue 15's targets. */
function consumerTargets(drain: ScenarioSummary, heartbeats: ScenarioSummary): ConsumerTarget[] {
  const oursIn = (summary: ScenarioSummary) => summary.consumers.find((c) => c.kind === 'ours');
  const notices = [oursIn(drain)?.noticeEmptyMaxMs, oursIn(heartbeats)?.noticeEmptyMaxMs].filter(
    (value): value is number => value !== undefined,
  );
  return [
    target(
      'consumer_throughput_vs_sqs_consumer',
      `throughput ≥ 1.5× sqs-consumer, ${CONSUMER_POLLERS} pollers each (drain, median of paired rounds)`,
      drain.ratios.throughput['ours / sqs-consumer']?.median,
      1.5,
      'at least',
    ),
    target(
      'consumer_requests_vs_sqs_consumer_heartbeats',
      'requests per 1,000 messages ≤ sqs-consumer, heartbeats firing (heartbeats, whole life)',
      heartbeats.ratios.requestsPer1000['ours / sqs-consumer'],
      1,
    ),
    target(
      'consumer_requests_vs_sqs_consumer_drain',
      'requests per 1,000 messages ≤ sqs-consumer (drain, whole life, start-up included)',
      drain.ratios.requestsPer1000['ours / sqs-consumer'],
      1,
    ),
    target(
      'consumer_start_vs_sqs_consumer',
      'start to first receive ≤ 1.5× sqs-consumer (drain, median of paired rounds)',
      drain.ratios.startToFirstReceive['ours / sqs-consumer']?.median,
      1.5,
    ),
    target(
      'consumer_until_empty_exit_ms',
      "--until-empty exits within 1,000 ms of the last delete (ms, the slowest of ours' runs)",
      notices.length > 0 ? Math.max(...notices) : undefined,
      1000,
    ),
  ];
}

/** The comparison's tables, then its targets. */
export function consumerTables(measurement: ConsumerMeasurement): string[] {
  return [
    ...scenarioTables(measurement.drain),
    ...scenarioTables(measurement.heartbeats),
    table(
      'Targets: the long-running consumer',
      ['target', 'value', 'limit', 'holds'],
      measurement.targets.map((t) => [
        t.description,
        t.value === undefined ? '—' : String(t.value),
        String(t.limit),
        t.holds === undefined ? 'n/a' : t.holds ? 'yes' : 'NO',
      ]),
    ),
  ];
}

export function consumerJson(measurement: ConsumerMeasurement): object {
  return {
    drain: scenarioJson(measurement.drain),
    heartbeats: scenarioJson(measurement.heartbeats),
    targets: measurement.targets,
  };
}
