/**
 * The consumer comparison as `pnpm bench` runs it (and `pnpm --filter @orders/bench bench:consumers`
 * alone): ours at several in-flight bounds, sqs-consumer swept over its instance count, and a bare
 * loop, on the SQS and DynamoDB stand-ins, in two scenarios:
 * - drain: realistic round trips; throughput, CPU per message, start to first receive (and the CPU
 *   and requests before it), time to notice the empty queue, requests per 1,000 messages;
 * - heartbeats: a 1.2 s put against a 2 s visibility timeout, so every batch outlives half the
 *   timeout and heartbeats fire; visibility changes per 10 messages, requests per 1,000 messages.
 * With `profile`, one more (unmeasured) drain of ours and of the peer it is matched with runs under
 * `node --cpu-prof`, and the profiles are reduced to self time by area, package and file.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ActionDelays } from '../standins/delay-proxy';
import type { Standins } from '../standins/launch';
import { OUT_DIR, REPO_DIR } from '../paths';
import { table } from '../report/format';
import { round } from '../stats';
import {
  bareLoopConfig,
  buildReferenceConsumers,
  type ConsumerConfig,
  oursConfig,
  profileOne,
  runScenario,
  type Scenario,
  sqsConsumerConfig,
  warmUpConsumers,
} from './consumer-comparison';
import {
  comparisonOf,
  defaultMatched,
  matchedToBestPeer,
  scenarioJson,
  scenarioTables,
  summarizeScenario,
  type ScenarioSummary,
} from './consumer-report';
import { type CpuProfile, type ProfileSummary, summarizeProfile } from './cpu-profile';

/** SQS round trips per action, from the figures for SQS in the same region (receive 10–20 ms, delete ~10 ms). */
export const SQS_DELAYS: ActionDelays & { readonly byAction: Readonly<Record<string, number>> } = {
  defaultMs: 10,
  byAction: { ReceiveMessage: 15, DeleteMessageBatch: 10, ChangeMessageVisibilityBatch: 10, GetQueueAttributes: 10 },
};
/** A put this slow makes every batch outlive half a 2 s visibility timeout: heartbeats must fire. */
export const SLOW_PUT_MS = 1200;
/** Ours' pollers in every configuration (its default): its in-flight bound is what is varied. */
export const OURS_POLLERS = 2;
const OURS = oursConfig(OURS_POLLERS);
/**
 * The peer matched with ours' defaults: as many messages in flight (2 pollers × 3 batches of 10 =
 * 60, i.e. 6 instances). Its runs are the ones waited out to count whole-life requests.
 */
const MATCHED_PEER = sqsConsumerConfig(OURS.maxInFlight / 10);

/**
 * Which configurations run. sqs-consumer holds one batch per instance, so its instance count is its
 * in-flight bound; ours runs at each of those bounds too (but 10: one batch for 2 pollers), so that
 * whichever peer configuration turns out best, ours also ran with as many messages in flight.
 */
export const CONSUMER_PLAN = {
  // A 1 s long poll so that the references notice the empty queue quickly. Ours and its matched
  // peer only: the smoke run checks that the measurements run, not what they show.
  smoke: {
    drain: { messages: 200, rounds: 1, waitTimeSeconds: 1, noticeRounds: 1, configs: [OURS, MATCHED_PEER] },
    heartbeats: { messages: 40, rounds: 1, waitTimeSeconds: 1, noticeRounds: 1, configs: [OURS, MATCHED_PEER] },
  },
  // SQS's longest long poll, as deployed. Only the first round waits for the matched peer to notice
  // the empty queue (a whole long poll); every other reference run is stopped once the queue is
  // drained (the rest of a reference's life is that long poll, whatever its instance count).
  full: {
    drain: {
      messages: 2000,
      rounds: 5,
      waitTimeSeconds: 20,
      noticeRounds: 1,
      configs: [
        ...[20, 40].map((bound) => oursConfig(OURS_POLLERS, bound)),
        OURS,
        oursConfig(OURS_POLLERS, 80),
        ...[1, 2, 4, 6, 8].map(sqsConsumerConfig),
        bareLoopConfig(OURS_POLLERS),
      ],
    },
    heartbeats: {
      messages: 200,
      rounds: 3,
      waitTimeSeconds: 20,
      noticeRounds: 1,
      configs: [OURS, MATCHED_PEER, sqsConsumerConfig(OURS_POLLERS)],
    },
  },
} as const satisfies Record<
  'smoke' | 'full',
  Record<'drain' | 'heartbeats', Pick<Scenario, 'messages' | 'rounds' | 'waitTimeSeconds' | 'noticeRounds' | 'configs'>>
>;

export interface ConsumerTarget {
  readonly id: string;
  readonly description: string;
  readonly value: number | undefined;
  readonly limit: number;
  readonly holds: boolean | undefined;
}

/** Where one configuration spent its CPU during a profiled drain. */
export interface ConsumerProfile {
  readonly config: string;
  /** The .cpuprofile, for a closer look (Chrome DevTools, speedscope). */
  readonly file: string;
  readonly messages: number;
  readonly summary: ProfileSummary;
}

export interface ConsumerMeasurement {
  readonly drain: ScenarioSummary;
  readonly heartbeats: ScenarioSummary;
  readonly targets: readonly ConsumerTarget[];
  readonly profiles: readonly ConsumerProfile[];
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
  /** Also profile one drain of ours and of its matched peer (`node --cpu-prof`). */
  readonly profile?: boolean;
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
    visibilityTimeoutSeconds: 30,
    dynamodbUrl: dynamodb.url,
    noticeConfigs: [MATCHED_PEER.id],
    ...plan.drain,
  };
  const heartbeats: Scenario = {
    name: 'heartbeats',
    description: `the same SQS stand-in, a ${SLOW_PUT_MS} ms put and a 2 s visibility timeout (heartbeats fire)`,
    visibilityTimeoutSeconds: 2,
    dynamodbUrl: options.slowDynamodb,
    noticeConfigs: [MATCHED_PEER.id],
    ...plan.heartbeats,
  };
  const summaries: ScenarioSummary[] = [];
  for (const scenario of [drain, heartbeats]) {
    log(
      `consumers (${scenario.name}): ${scenario.configs.map((c) => c.id).join(', ')} × ${scenario.rounds} round(s) of ${scenario.messages} messages`,
    );
    const summary = summarizeScenario(scenario, await runScenario(scenario, standins, references, log));
    summaries.push(summary);
    notes.push(...summary.notes);
  }
  const [drainSummary, heartbeatSummary] = summaries as [ScenarioSummary, ScenarioSummary];
  const profiles: ConsumerProfile[] = [];
  if (options.profile) {
    // Enough messages for a few thousand samples, even in a smoke run.
    const profiledDrain: Scenario = { ...drain, messages: CONSUMER_PLAN.full.drain.messages };
    for (const config of [OURS, MATCHED_PEER]) {
      log(`consumers (profile): ${config.id}, one drain of ${profiledDrain.messages} messages under node --cpu-prof`);
      const profiled = await profileConsumer(config, profiledDrain, standins, references);
      if (typeof profiled === 'string') notes.push(`profile of ${config.id}: ${profiled}`);
      else profiles.push(profiled);
    }
  }
  return {
    drain: drainSummary,
    heartbeats: heartbeatSummary,
    targets: consumerTargets(drainSummary, heartbeatSummary),
    profiles,
    notes,
  };
}

/** One profiled drain, reduced to self time over the drain's window; a sentence when it did not work. */
async function profileConsumer(
  config: ConsumerConfig,
  drain: Scenario,
  standins: Standins,
  references: Awaited<ReturnType<typeof buildReferenceConsumers>>,
): Promise<ConsumerProfile | string> {
  const dir = join(OUT_DIR, 'profiles', `consumer-${config.id}`);
  rmSync(dir, { recursive: true, force: true });
  const { run, profile, drainWindowUs } = await profileOne(config, drain, standins, references, dir);
  if (!run.ok) return `the run failed (${run.note ?? 'unknown'})`;
  if (profile === undefined) return 'the process wrote no profile';
  const parsed = JSON.parse(readFileSync(profile, 'utf8')) as CpuProfile;
  return {
    config: config.id,
    file: profile,
    messages: run.messages,
    summary: summarizeProfile(parsed, {
      ...(drainWindowUs === undefined ? {} : { window: drainWindowUs }),
      ...(run.cpuMsDuringDrain === undefined ? {} : { cpuMs: run.cpuMsDuringDrain }),
    }),
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

/** Issue 18's targets (fair comparisons), and issue 15's that still hold their meaning. */
export function consumerTargets(drain: ScenarioSummary, heartbeats: ScenarioSummary): ConsumerTarget[] {
  const oursIn = (summary: ScenarioSummary) => summary.configs.find((c) => c.config.id === OURS.id);
  const notices = [oursIn(drain)?.noticeEmptyMaxMs, oursIn(heartbeats)?.noticeEmptyMaxMs].filter(
    (value): value is number => value !== undefined,
  );
  const fair = matchedToBestPeer(drain);
  const fairPair = fair === undefined ? 'no configuration of ours matched it' : `${fair.ours} / ${fair.other}`;
  const bestPeer = comparisonOf(drain, OURS.id, drain.bestPeer);
  const matched = defaultMatched(drain);
  return [
    target(
      'consumer_throughput_matched_vs_best_peer',
      `throughput at the best peer's messages in flight ≥ 1.0× the best peer (drain, ${fairPair})`,
      fair?.throughput?.median,
      1,
      'at least',
    ),
    target(
      'consumer_cpu_per_message_vs_best_peer',
      `CPU per message ≤ 1.0× the best peer's (drain, ${OURS.id} / ${drain.bestPeer ?? '—'})`,
      bestPeer?.cpuPerMessage?.median,
      1,
    ),
    target(
      'consumer_cpu_per_message_vs_matched_peer',
      `CPU per message ≤ 1.0× the peer's at the same messages in flight (drain, ${OURS.id} / ${MATCHED_PEER.id})`,
      matched?.cpuPerMessage?.median,
      1,
    ),
    target(
      'consumer_start_vs_peer',
      `start to first receive ≤ 1.3× the best peer's (drain, ${OURS.id} / ${drain.bestPeer ?? '—'})`,
      bestPeer?.startToFirstReceive?.median,
      1.3,
    ),
    target(
      'consumer_requests_vs_peer_heartbeats',
      `requests per 1,000 messages ≤ the peer's, heartbeats firing (heartbeats, ${OURS.id} / ${MATCHED_PEER.id}, whole life)`,
      defaultMatched(heartbeats)?.requestsPer1000,
      1,
    ),
    target(
      'consumer_requests_vs_peer_drain',
      `requests per 1,000 messages ≤ the peer's (drain, ${OURS.id} / ${MATCHED_PEER.id}, whole life, start-up included)`,
      matched?.requestsPer1000,
      1,
    ),
    target(
      'consumer_until_empty_exit_ms',
      "--until-empty exits within 1,000 ms of the last delete (ms, the slowest of ours' runs)",
      notices.length > 0 ? Math.max(...notices) : undefined,
      1000,
    ),
  ];
}

/** The profiles' tables: self time by area, then the top files, per profiled configuration. */
function profileTables(profiles: readonly ConsumerProfile[]): string[] {
  const percent = (share: number): string => `${(share * 100).toFixed(1)}%`;
  return profiles.flatMap((p) => {
    const perMessage = (msValue: number): string => ((msValue * 1000) / p.messages).toFixed(0);
    const rows = (shares: ProfileSummary['byArea']) =>
      shares.map((share) => [share.name, share.ms.toFixed(0), perMessage(share.ms), percent(share.share)]);
    const where = p.summary.windowed
      ? 'the drain (first receive → last delete)'
      : 'the whole process (the drain window was not in the profile)';
    const header = ['', 'self ms', 'µs / msg', 'share'];
    return [
      table(
        `CPU profile of ${p.config} (node --cpu-prof, one unmeasured drain of ${p.messages} messages; ${where}: ${p.summary.cpuMs.toFixed(0)} ms of CPU, ${p.summary.samples} samples), self time by area`,
        ['area', ...header.slice(1)],
        rows(p.summary.byArea),
      ),
      table(
        `CPU profile of ${p.config}: top packages by self time`,
        ['package', ...header.slice(1)],
        rows(p.summary.byPackage),
      ),
      table(`CPU profile of ${p.config}: top files by self time`, ['file', ...header.slice(1)], rows(p.summary.byFile)),
      table(
        `CPU profile of ${p.config}: top functions by self time`,
        ['function', ...header.slice(1)],
        rows(p.summary.byFunction),
      ),
    ];
  });
}

/** The comparison's tables, then its targets. */
export function consumerTables(measurement: ConsumerMeasurement): string[] {
  return [
    ...scenarioTables(measurement.drain),
    ...scenarioTables(measurement.heartbeats),
    ...profileTables(measurement.profiles),
    // A benchmark's targets, not a test's assertions: printed, never failing the run.
    table(
      'Targets: the long-running consumer (medians of paired rounds; met or not met, nothing fails on them)',
      ['target', 'value', 'limit', 'met'],
      measurement.targets.map((t) => [
        t.description,
        t.value === undefined ? '—' : String(t.value),
        String(t.limit),
        t.holds === undefined ? 'n/a' : t.holds ? 'met' : 'not met',
      ]),
    ),
  ];
}

export function consumerJson(measurement: ConsumerMeasurement): object {
  return {
    drain: scenarioJson(measurement.drain),
    heartbeats: scenarioJson(measurement.heartbeats),
    targets: measurement.targets,
    profiles: measurement.profiles.map((p) => ({
      ...p,
      summary: {
        ...p.summary,
        cpuMs: round(p.summary.cpuMs, 1),
      },
    })),
  };
}
