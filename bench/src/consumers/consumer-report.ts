/**
 * The consumer comparison's figures: per configuration and scenario; the best peer (the
 * sqs-consumer configuration with the highest median throughput); and each configuration of ours
 * against the best peer and against the peer that holds as many messages in flight, paired by
 * round (the median of the per-round ratios, with their range). Requests per 1,000 messages by
 * action come from the runs that lasted until the consumer noticed the empty queue (so every
 * request of its life is counted).
 */
import { ms, ratio, table } from '../report/format';
import { median, pairedRatios, round } from '../stats';
import type { ConsumerConfig, ConsumerRun, Scenario } from './consumer-comparison';

/** The actions shown as columns, in this order; anything else is summed under "other". */
const ACTIONS = [
  'ReceiveMessage',
  'PutItem',
  'DeleteMessageBatch',
  'ChangeMessageVisibilityBatch',
  'ChangeMessageVisibility',
  'DeleteMessage',
  'GetQueueAttributes',
  'GetQueueUrl',
] as const;
/** The requests that extend a message's visibility (a heartbeat; ours also paces retries with them, none here). */
const VISIBILITY_ACTIONS = ['ChangeMessageVisibilityBatch', 'ChangeMessageVisibility'];

/** A figure across rounds: its median and its range. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** Rounds (or pairs of runs) it comes from. */
  readonly n: number;
}

export interface ConfigSummary {
  readonly config: ConsumerConfig;
  readonly runs: number;
  readonly failed: number;
  readonly messagesPerSecond: number | undefined;
  /** Process CPU (user + system) from the first receive to the drain, per message (µs). */
  readonly cpuUsPerMessage: number | undefined;
  readonly startToFirstReceiveMs: number | undefined;
  readonly cpuMsBeforeFirstReceive: number | undefined;
  readonly requestsBeforeFirstReceive: number | undefined;
  /** ChangeMessageVisibility(Batch) requests per 10 messages, across rounds. */
  readonly heartbeatsPer10: Spread | undefined;
  readonly noticeEmptyMs: number | undefined;
  /** The longest notice of this configuration's runs (ours' target is a bound, not a median). */
  readonly noticeEmptyMaxMs: number | undefined;
  /** Requests per 1,000 messages by action, over the complete runs (undefined when none was complete). */
  readonly requestsPer1000: Readonly<Record<string, number>> | undefined;
  readonly requestsPer1000Total: number | undefined;
}

/** Why a configuration of ours is set against another. */
export type ComparisonBasis = 'best peer' | 'matched in flight' | 'floor';

/** A configuration of ours against another, every ratio ours / theirs, paired by round. */
export interface Comparison {
  readonly ours: string;
  readonly other: string;
  readonly basis: readonly ComparisonBasis[];
  readonly throughput: Spread | undefined;
  readonly cpuPerMessage: Spread | undefined;
  readonly startToFirstReceive: Spread | undefined;
  readonly heartbeatsPer10: Spread | undefined;
  readonly noticeEmpty: Spread | undefined;
  /** Totals per 1,000 messages over complete runs (not paired: few runs are complete). */
  readonly requestsPer1000: number | undefined;
}

export interface ScenarioSummary {
  readonly scenario: Scenario;
  readonly configs: readonly ConfigSummary[];
  /** The sqs-consumer configuration with the highest median throughput. */
  readonly bestPeer: string | undefined;
  readonly comparisons: readonly Comparison[];
  readonly notes: readonly string[];
}

const finite = (values: readonly (number | undefined)[]): number[] =>
  values.filter((value): value is number => value !== undefined && Number.isFinite(value));
const medianOf = (samples: number[]): number | undefined => (samples.length > 0 ? median(samples) : undefined);
const spreadOf = (samples: number[]): Spread | undefined =>
  samples.length > 0
    ? { median: median(samples), min: Math.min(...samples), max: Math.max(...samples), n: samples.length }
    : undefined;

/** Per run: messages per second, CPU µs per message, visibility changes per 10 messages. */
const cpuUsPerMessage = (run: ConsumerRun): number | undefined =>
  run.cpuMsDuringDrain === undefined ? undefined : (run.cpuMsDuringDrain * 1000) / run.messages;
const heartbeatsPer10 = (run: ConsumerRun): number =>
  (VISIBILITY_ACTIONS.reduce((sum, action) => sum + (run.requests[action] ?? 0), 0) * 10) / run.messages;

function summarizeConfig(config: ConsumerConfig, runs: readonly ConsumerRun[]): ConfigSummary {
  const mine = runs.filter((run) => run.config === config.id);
  const ok = mine.filter((run) => run.ok);
  const complete = ok.filter((run) => run.complete);
  const messages = complete.reduce((sum, run) => sum + run.messages, 0);
  let requestsPer1000: Record<string, number> | undefined;
  if (messages > 0) {
    requestsPer1000 = {};
    for (const run of complete) {
      for (const [action, count] of Object.entries(run.requests)) {
        const column = (ACTIONS as readonly string[]).includes(action) ? action : 'other';
        requestsPer1000[column] = (requestsPer1000[column] ?? 0) + (count * 1000) / messages;
      }
    }
  }
  const notices = finite(ok.map((run) => run.noticeEmptyMs));
  return {
    config,
    runs: mine.length,
    failed: mine.length - ok.length,
    messagesPerSecond: medianOf(finite(ok.map((run) => run.messagesPerSecond))),
    cpuUsPerMessage: medianOf(finite(ok.map(cpuUsPerMessage))),
    startToFirstReceiveMs: medianOf(finite(ok.map((run) => run.startToFirstReceiveMs))),
    cpuMsBeforeFirstReceive: medianOf(finite(ok.map((run) => run.cpuMsBeforeFirstReceive))),
    requestsBeforeFirstReceive: medianOf(finite(ok.map((run) => run.requestsBeforeFirstReceive))),
    heartbeatsPer10: spreadOf(ok.map(heartbeatsPer10)),
    noticeEmptyMs: medianOf(notices),
    noticeEmptyMaxMs: notices.length > 0 ? Math.max(...notices) : undefined,
    requestsPer1000,
    requestsPer1000Total:
      requestsPer1000 === undefined ? undefined : Object.values(requestsPer1000).reduce((sum, n) => sum + n, 0),
  };
}

/** `ours` against `other`, round by round (only rounds where both succeeded and both figures exist). */
function paired(
  runs: readonly ConsumerRun[],
  ours: string,
  other: string,
  pick: (run: ConsumerRun) => number | undefined,
): Spread | undefined {
  const a: number[] = [];
  const b: number[] = [];
  for (const run of runs.filter((r) => r.config === ours && r.ok)) {
    const theirs = runs.find((r) => r.config === other && r.round === run.round && r.ok);
    const x = pick(run);
    const y = theirs === undefined ? undefined : pick(theirs);
    if (x === undefined || y === undefined || !Number.isFinite(x) || !(y > 0)) continue;
    a.push(x);
    b.push(y);
  }
  return a.length > 0 ? spreadOf(pairedRatios(a, b)) : undefined;
}

function compare(
  runs: readonly ConsumerRun[],
  configs: readonly ConfigSummary[],
  ours: string,
  other: string,
  basis: readonly ComparisonBasis[],
): Comparison {
  const total = (id: string): number | undefined => configs.find((c) => c.config.id === id)?.requestsPer1000Total;
  const oursTotal = total(ours);
  const otherTotal = total(other);
  return {
    ours,
    other,
    basis,
    throughput: paired(runs, ours, other, (r) => r.messagesPerSecond),
    cpuPerMessage: paired(runs, ours, other, cpuUsPerMessage),
    startToFirstReceive: paired(runs, ours, other, (r) => r.startToFirstReceiveMs),
    heartbeatsPer10: paired(runs, ours, other, heartbeatsPer10),
    noticeEmpty: paired(runs, ours, other, (r) => r.noticeEmptyMs),
    requestsPer1000:
      oursTotal === undefined || otherTotal === undefined || otherTotal === 0 ? undefined : oursTotal / otherTotal,
  };
}

/**
 * Each configuration of ours against the best peer, and against the peer that holds as many
 * messages in flight (one row when that is the best peer); ours' default against the bare loops.
 */
function comparisons(
  runs: readonly ConsumerRun[],
  configs: readonly ConfigSummary[],
  bestPeer: string | undefined,
): Comparison[] {
  const peers = configs.filter((c) => c.config.kind === 'sqs-consumer').map((c) => c.config);
  const rows: Comparison[] = [];
  for (const { config } of configs.filter((c) => c.config.kind === 'ours')) {
    const matched = peers.find((peer) => peer.maxInFlight === config.maxInFlight)?.id;
    if (bestPeer !== undefined) {
      rows.push(
        compare(
          runs,
          configs,
          config.id,
          bestPeer,
          matched === bestPeer ? ['best peer', 'matched in flight'] : ['best peer'],
        ),
      );
    }
    if (matched !== undefined && matched !== bestPeer) {
      rows.push(compare(runs, configs, config.id, matched, ['matched in flight']));
    }
  }
  if (configs.some((c) => c.config.id === 'ours')) {
    for (const { config } of configs.filter((c) => c.config.kind === 'bare-loop')) {
      rows.push(compare(runs, configs, 'ours', config.id, ['floor']));
    }
  }
  return rows;
}

export function summarizeScenario(scenario: Scenario, runs: readonly ConsumerRun[]): ScenarioSummary {
  const configs = scenario.configs.map((config) => summarizeConfig(config, runs));
  let bestPeer: ConfigSummary | undefined;
  for (const summary of configs) {
    if (summary.config.kind !== 'sqs-consumer' || summary.messagesPerSecond === undefined) continue;
    if (bestPeer === undefined || summary.messagesPerSecond > (bestPeer.messagesPerSecond ?? 0)) bestPeer = summary;
  }
  const notes = runs
    .filter((run) => !run.ok)
    .map((run) => `${scenario.name}: ${run.config} round ${run.round + 1} failed: ${run.note ?? 'unknown'}`);
  return {
    scenario,
    configs,
    bestPeer: bestPeer?.config.id,
    comparisons: comparisons(runs, configs, bestPeer?.config.id),
    notes,
  };
}

/** The comparison of `ours` against `other`, if it was made. */
export function comparisonOf(
  summary: ScenarioSummary,
  ours: string,
  other: string | undefined,
): Comparison | undefined {
  return summary.comparisons.find((c) => c.ours === ours && c.other === other);
}

/** Ours at the best peer's messages in flight against the best peer (the fair throughput figure). */
export function matchedToBestPeer(summary: ScenarioSummary): Comparison | undefined {
  return summary.comparisons.find((c) => c.other === summary.bestPeer && c.basis.includes('matched in flight'));
}

/** Ours' defaults against the peer holding as many messages in flight. */
export function defaultMatched(summary: ScenarioSummary): Comparison | undefined {
  return summary.comparisons.find((c) => c.ours === 'ours' && c.basis.includes('matched in flight'));
}

const count = (value: number | undefined): string => (value === undefined ? '—' : value.toFixed(1));
/** A ratio across rounds as the tables show it: the median, then the range. */
export const formatSpread = (spread: Spread | undefined, unit = '×', digits = 2): string =>
  spread
    ? `${spread.median.toFixed(digits)}${unit} [${spread.min.toFixed(digits)}–${spread.max.toFixed(digits)}]`
    : '—';

/** The tables of one scenario, for the terminal. */
export function scenarioTables(summary: ScenarioSummary): string[] {
  const { scenario } = summary;
  const complete = summary.configs.filter((c) => c.requestsPer1000 !== undefined);
  const columns = ACTIONS.filter((action) => complete.some((c) => (c.requestsPer1000?.[action] ?? 0) > 0));
  const hasOther = complete.some((c) => (c.requestsPer1000?.['other'] ?? 0) > 0);
  return [
    table(
      `Consumers, ${scenario.description}: ${scenario.messages} messages, ${scenario.rounds} round(s), long poll ${scenario.waitTimeSeconds} s (medians; * = the best sqs-consumer configuration)`,
      [
        'consumer',
        'pollers',
        'max in flight',
        'msg/s',
        'CPU µs / msg',
        'start → 1st receive ms',
        'CPU ms before',
        'requests before',
        'visibility changes / 10 msgs [range]',
        'notice empty ms',
        'runs failed',
      ],
      summary.configs.map((c) => [
        `${c.config.id}${c.config.id === summary.bestPeer ? ' *' : ''}`,
        String(c.config.pollers),
        String(c.config.maxInFlight),
        c.messagesPerSecond === undefined ? '—' : c.messagesPerSecond.toFixed(0),
        c.cpuUsPerMessage === undefined ? '—' : c.cpuUsPerMessage.toFixed(0),
        ms(c.startToFirstReceiveMs),
        ms(c.cpuMsBeforeFirstReceive),
        c.requestsBeforeFirstReceive === undefined ? '—' : String(c.requestsBeforeFirstReceive),
        formatSpread(c.heartbeatsPer10, ''),
        ms(c.noticeEmptyMs),
        `${c.failed} of ${c.runs}`,
      ]),
    ),
    table(
      `Consumers, ${scenario.name}: ours / the others (median of the per-round ratios [min–max]; requests: totals per 1,000 messages)`,
      [
        'pair',
        'compared as',
        'throughput',
        'CPU / msg',
        'start → 1st receive',
        'visibility changes',
        'notice empty',
        'requests / 1,000 msgs',
      ],
      summary.comparisons.map((c) => [
        `${c.ours} / ${c.other}`,
        c.basis.join(', '),
        formatSpread(c.throughput),
        formatSpread(c.cpuPerMessage),
        formatSpread(c.startToFirstReceive),
        formatSpread(c.heartbeatsPer10),
        formatSpread(c.noticeEmpty, '×', 3),
        ratio(c.requestsPer1000),
      ]),
    ),
    table(
      `Consumers, ${scenario.name}: requests per 1,000 messages by action (whole life: start-up, draining, noticing the empty queue; runs waited out only)`,
      ['consumer', ...columns, ...(hasOther ? ['other'] : []), 'total'],
      complete.map((c) => [
        c.config.id,
        ...columns.map((action) => count(c.requestsPer1000?.[action] ?? 0)),
        ...(hasOther ? [count(c.requestsPer1000?.['other'] ?? 0)] : []),
        count(c.requestsPer1000Total),
      ]),
    ),
  ];
}

/** The scenario as the JSON line carries it. */
export function scenarioJson(summary: ScenarioSummary): object {
  const spreadJson = (s: Spread | undefined) =>
    s && { median: round(s.median), min: round(s.min), max: round(s.max), n: s.n };
  const mapRecord = <V, W>(record: Readonly<Record<string, V>>, map: (value: V) => W): Record<string, W> =>
    Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value)]));
  return {
    ...summary.scenario,
    bestPeer: summary.bestPeer,
    configs: summary.configs.map((c) => ({
      ...c,
      heartbeatsPer10: spreadJson(c.heartbeatsPer10),
      requestsPer1000: c.requestsPer1000 && mapRecord(c.requestsPer1000, (n) => round(n, 1)),
      requestsPer1000Total: c.requestsPer1000Total === undefined ? undefined : round(c.requestsPer1000Total, 1),
    })),
    comparisons: summary.comparisons.map((c) => ({
      ...c,
      throughput: spreadJson(c.throughput),
      cpuPerMessage: spreadJson(c.cpuPerMessage),
      startToFirstReceive: spreadJson(c.startToFirstReceive),
      heartbeatsPer10: spreadJson(c.heartbeatsPer10),
      noticeEmpty: spreadJson(c.noticeEmpty),
      requestsPer1000: c.requestsPer1000 === undefined ? undefined : round(c.requestsPer1000),
    })),
  };
}
