/**
 * The consumer comparison's figures: per consumer, per scenario, and the ratios ours / sqs-consumer
 * and ours / bare loop, paired by round; requests per 1,000 messages by action from the runs that
 * lasted until the consumer noticed the empty queue (so every request of its life is counted).
 */
import { formatRatio, ms, ratio, table } from '../report/format';
import { median, pairedRatio, round, type RatioSummary } from '../stats';
import { CONSUMER_KINDS, type ConsumerKind, type ConsumerRun, type Scenario } from './consumer-comparison';

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

export interface ConsumerSummary {
  readonly kind: ConsumerKind;
  readonly runs: number;
  readonly failed: number;
  readonly messagesPerSecond: number | undefined;
  readonly startToFirstReceiveMs: number | undefined;
  readonly cpuMsBeforeFirstReceive: number | undefined;
  readonly requestsBeforeFirstReceive: number | undefined;
  readonly noticeEmptyMs: number | undefined;
  /** The longest notice of ours' runs (the target is a bound, not a median). */
  readonly noticeEmptyMaxMs: number | undefined;
  /** Requests per 1,000 messages by action, over the complete runs (undefined when none was complete). */
  readonly requestsPer1000: Readonly<Record<string, number>> | undefined;
  readonly requestsPer1000Total: number | undefined;
}

export interface ScenarioSummary {
  readonly scenario: Scenario;
  readonly consumers: readonly ConsumerSummary[];
  readonly ratios: {
    readonly throughput: Readonly<Record<string, RatioSummary | undefined>>;
    readonly startToFirstReceive: Readonly<Record<string, RatioSummary | undefined>>;
    readonly requestsPer1000: Readonly<Record<string, number | undefined>>;
  };
  readonly notes: readonly string[];
}

const values = (runs: readonly ConsumerRun[], pick: (run: ConsumerRun) => number | undefined): number[] =>
  runs.map(pick).filter((value): value is number => value !== undefined && Number.isFinite(value));
const medianOf = (samples: number[]): number | undefined => (samples.length > 0 ? median(samples) : undefined);

function summarizeKind(kind: ConsumerKind, runs: readonly ConsumerRun[]): ConsumerSummary {
  const mine = runs.filter((run) => run.kind === kind);
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
  const notices = values(ok, (run) => run.noticeEmptyMs);
  return {
    kind,
    runs: mine.length,
    failed: mine.length - ok.length,
    messagesPerSecond: medianOf(values(ok, (run) => run.messagesPerSecond)),
    startToFirstReceiveMs: medianOf(values(ok, (run) => run.startToFirstReceiveMs)),
    cpuMsBeforeFirstReceive: medianOf(values(ok, (run) => run.cpuMsBeforeFirstReceive)),
    requestsBeforeFirstReceive: medianOf(values(ok, (run) => run.requestsBeforeFirstReceive)),
    noticeEmptyMs: medianOf(notices),
    noticeEmptyMaxMs: notices.length > 0 ? Math.max(...notices) : undefined,
    requestsPer1000,
    requestsPer1000Total:
      requestsPer1000 === undefined ? undefined : Object.values(requestsPer1000).reduce((sum, n) => sum + n, 0),
  };
}

/** Ours against `other`, round by round (only rounds where both succeeded). */
function paired(
  runs: readonly ConsumerRun[],
  other: ConsumerKind,
  pick: (run: ConsumerRun) => number | undefined,
): RatioSummary | undefined {
  const a: number[] = [];
  const b: number[] = [];
  for (const run of runs.filter((r) => r.kind === 'ours' && r.ok)) {
    const peer = runs.find((r) => r.kind === other && r.round === run.round && r.ok);
    const x = pick(run);
    const y = peer === undefined ? undefined : pick(peer);
    if (x === undefined || y === undefined || !(y > 0)) continue;
    a.push(x);
    b.push(y);
  }
  return a.length > 0 ? pairedRatio(a, b) : undefined;
}

export function summarizeScenario(scenario: Scenario, runs: readonly ConsumerRun[]): ScenarioSummary {
  const consumers = CONSUMER_KINDS.map((kind) => summarizeKind(kind, runs));
  const total = (kind: ConsumerKind): number | undefined =>
    consumers.find((c) => c.kind === kind)?.requestsPer1000Total;
  const ours = total('ours');
  const requestsRatio = (other: ConsumerKind): number | undefined => {
    const theirs = total(other);
    return ours === undefined || theirs === undefined || theirs === 0 ? undefined : ours / theirs;
  };
  const notes = runs
    .filter((run) => !run.ok)
    .map((run) => `${scenario.name}: ${run.kind} round ${run.round + 1} failed: ${run.note ?? 'unknown'}`);
  return {
    scenario,
    consumers,
    ratios: {
      throughput: {
        'ours / sqs-consumer': paired(runs, 'sqs-consumer', (r) => r.messagesPerSecond),
        'ours / bare-loop': paired(runs, 'bare-loop', (r) => r.messagesPerSecond),
      },
      startToFirstReceive: {
        'ours / sqs-consumer': paired(runs, 'sqs-consumer', (r) => r.startToFirstReceiveMs),
        'ours / bare-loop': paired(runs, 'bare-loop', (r) => r.startToFirstReceiveMs),
      },
      requestsPer1000: {
        'ours / sqs-consumer': requestsRatio('sqs-consumer'),
        'ours / bare-loop': requestsRatio('bare-loop'),
      },
    },
    notes,
  };
}

const count = (value: number | undefined): string => (value === undefined ? '—' : value.toFixed(1));

/** The tables of one scenario, for the terminal. */
export function scenarioTables(summary: ScenarioSummary): string[] {
  const { scenario } = summary;
  const columns = ACTIONS.filter((action) =>
    summary.consumers.some((consumer) => (consumer.requestsPer1000?.[action] ?? 0) > 0),
  );
  const hasOther = summary.consumers.some((consumer) => (consumer.requestsPer1000?.['other'] ?? 0) > 0);
  return [
    table(
      `Consumers, ${scenario.description}: ${scenario.messages} messages, ${scenario.pollers} pollers each, ${scenario.rounds} round(s), long poll ${scenario.waitTimeSeconds} s (medians)`,
      [
        'consumer',
        'msg/s',
        'start → 1st receive ms',
        'CPU ms before',
        'requests before',
        'notice empty ms',
        'runs failed',
      ],
      summary.consumers.map((c) => [
        c.kind,
        c.messagesPerSecond === undefined ? '—' : c.messagesPerSecond.toFixed(0),
        ms(c.startToFirstReceiveMs),
        ms(c.cpuMsBeforeFirstReceive),
        c.requestsBeforeFirstReceive === undefined ? '—' : String(c.requestsBeforeFirstReceive),
        ms(c.noticeEmptyMs),
        String(c.failed),
      ]),
    ),
    table(
      `Consumers, ${scenario.name}: ratios (median of per-round ratios [p25–p75]; requests: totals per 1,000 messages)`,
      ['pair', 'throughput', 'start → 1st receive', 'requests / 1,000 msgs'],
      Object.keys(summary.ratios.throughput).map((pair) => [
        pair,
        formatRatio(summary.ratios.throughput[pair]),
        formatRatio(summary.ratios.startToFirstReceive[pair]),
        ratio(summary.ratios.requestsPer1000[pair]),
      ]),
    ),
    table(
      `Consumers, ${scenario.name}: requests per 1,000 messages by action (whole life: start-up, draining, noticing the empty queue)`,
      ['consumer', ...columns, ...(hasOther ? ['other'] : []), 'total'],
      summary.consumers.map((c) => [
        c.kind,
        ...columns.map((action) => count(c.requestsPer1000?.[action] ?? (c.requestsPer1000 ? 0 : undefined))),
        ...(hasOther ? [count(c.requestsPer1000?.['other'] ?? 0)] : []),
        count(c.requestsPer1000Total),
      ]),
    ),
  ];
}

/** The scenario as the JSON line carries it. */
export function scenarioJson(summary: ScenarioSummary): object {
  const ratioJson = (r: RatioSummary | undefined) =>
    r && { median: round(r.median), p25: round(r.p25), p75: round(r.p75), pairs: r.pairs };
  const mapRecord = <V, W>(record: Readonly<Record<string, V>>, map: (value: V) => W): Record<string, W> =>
    Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value)]));
  return {
    ...summary.scenario,
    consumers: summary.consumers.map((c) => ({
      ...c,
      requestsPer1000: c.requestsPer1000 && mapRecord(c.requestsPer1000, (n) => round(n, 1)),
      requestsPer1000Total: c.requestsPer1000Total === undefined ? undefined : round(c.requestsPer1000Total, 1),
    })),
    ratios: {
      throughput: mapRecord(summary.ratios.throughput, ratioJson),
      startToFirstReceive: mapRecord(summary.ratios.startToFirstReceive, ratioJson),
      requestsPer1000: mapRecord(summary.ratios.requestsPer1000, (n) => (n === undefined ? undefined : round(n))),
    },
  };
}
