/** The scale-out stage as the report shows it: its table, and its keys in the JSON line. */
import type { ScaleOutResult } from '../stages/measure-scale-out';
import { round } from '../stats';
import { table } from './format';

const fixed = (value: number | undefined, digits = 0): string =>
  value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits);
const percent = (share: number | undefined): string =>
  share === undefined || !Number.isFinite(share) ? '—' : `${(share * 100).toFixed(0)}%`;

export function scaleOutTable(result: ScaleOutResult): string {
  const { scenario } = result;
  const { workload } = scenario;
  const title = `Scale-out: N \`orders consume --until-empty\` processes on one queue, ${scenario.description}; ${scenario.orders} orders (${scenario.messagesPerRound.join('/')} messages per round; round 1: ${workload.duplicates} duplicates, ${workload.ties} same-instant twins, ${workload.reorderedOrders} orders out of order, ${workload.poisonMessages} poison), ${scenario.rounds} round(s), long poll ${scenario.waitTimeSeconds} s (medians, from the release of the held queue with all N polling to its last message leaving)`;
  const notes = [
    `  On ${scenario.cores} cores: the N processes share them with each other, the stand-ins (one process) and the bench, so growth flattens early; once "machine busy" nears 100%, the limit is this machine's, not SQS's or DynamoDB's.`,
    '  ×1 process: paired by round, median [min–max]. raced: orders whose messages went to 2 or more processes. lost, wrong state, DLQ other, left: summed over the runs, each must be 0.',
  ];
  const rendered = table(
    title,
    [
      'processes',
      'pollers',
      'msg/s',
      '×1 process',
      'CPU µs / msg',
      'stand-in cores',
      'machine busy',
      'raced',
      'busiest share',
      'lost',
      'wrong state',
      'DLQ other',
      'left',
      'runs failed',
    ],
    result.rows.map((row) => [
      row.processes,
      row.processes * scenario.pollersPerProcess,
      fixed(row.messagesPerSecond),
      row.overOneProcess === undefined
        ? '—'
        : `${row.overOneProcess.median.toFixed(2)}× [${row.overOneProcess.min.toFixed(2)}–${row.overOneProcess.max.toFixed(2)}]`,
      fixed(row.cpuUsPerMessage),
      fixed(row.standinCores, 2),
      percent(row.machineBusy),
      percent(row.contendedShare),
      percent(row.largestShare),
      row.lost,
      row.wrongState,
      row.deadLetteredOther,
      row.leftOnQueue,
      `${row.failed} of ${row.runs}`,
    ]),
  );
  return [rendered, ...notes].join('\n');
}

export function scaleOutJson(result: ScaleOutResult): object {
  const maybe = (value: number | undefined, digits = 3): number | null =>
    value === undefined || !Number.isFinite(value) ? null : round(value, digits);
  return {
    scenario: result.scenario,
    rows: result.rows.map((row) => ({
      processes: row.processes,
      pollers: row.processes * result.scenario.pollersPerProcess,
      runs: row.runs,
      failed: row.failed,
      messagesPerSecond: maybe(row.messagesPerSecond, 1),
      overOneProcess:
        row.overOneProcess === undefined
          ? null
          : {
              median: round(row.overOneProcess.median),
              min: round(row.overOneProcess.min),
              max: round(row.overOneProcess.max),
              pairs: row.overOneProcess.pairs,
            },
      cpuUsPerMessage: maybe(row.cpuUsPerMessage, 1),
      standinCores: maybe(row.standinCores),
      machineBusy: maybe(row.machineBusy),
      racedShare: maybe(row.contendedShare),
      busiestShare: maybe(row.largestShare),
      lost: row.lost,
      wrongState: row.wrongState,
      deadLetteredOther: row.deadLetteredOther,
      leftOnQueue: row.leftOnQueue,
    })),
    runs: result.runs.map((run) => ({
      processes: run.processes,
      round: run.round,
      messages: run.messages,
      ok: run.ok,
      ...(run.note === undefined ? {} : { note: run.note }),
      messagesPerSecond: maybe(run.messagesPerSecond, 1),
      cpuUsPerMessage: maybe(run.cpuUsPerMessage, 1),
      lost: run.verdict?.lost ?? null,
      wrongState: run.verdict?.wrongState ?? null,
      violations: run.verdict?.violations ?? [],
    })),
  };
}
