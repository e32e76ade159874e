/**
 * The scale-out runs reduced to one row per process count: throughput and its ratio to one process
 * (paired by round), CPU per message, how busy the stand-ins and the machine were, how many orders
 * really were raced for, and the correctness counts summed over the runs. Pure.
 */
import { median } from '../stats';
import type { ScaleOutVerdict } from './scale-out-verdict';

/** One drain of one queue by `processes` consumer processes. */
export interface ScaleOutRun {
  readonly processes: number;
  readonly round: number;
  /** Messages published (valid and poison). */
  readonly messages: number;
  readonly orders: number;
  /** Every process exited 0 with the queue drained; the figures below are then all there. */
  readonly ok: boolean;
  readonly note?: string;
  /** Messages / (the last message leaving the queue − the release of the held queue). */
  readonly messagesPerSecond?: number;
  /** The consumer processes' CPU time together over that window, per message. */
  readonly cpuUsPerMessage?: number;
  /** The stand-in process's CPU time over the window / the window: cores it kept busy. */
  readonly standinCores?: number;
  /** Share of the machine's CPU time (all cores) that was busy during the window. */
  readonly machineBusy?: number;
  /** Orders whose messages were handed to two or more of the processes. */
  readonly contendedOrders?: number;
  /** Each process's share of the messages handed out (receives), largest first. */
  readonly receivedShares?: readonly number[];
  /** Undefined when the end state could not be read. */
  readonly verdict?: ScaleOutVerdict;
}

export interface RatioRange {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly pairs: number;
}

export interface ScaleOutRow {
  readonly processes: number;
  readonly runs: number;
  readonly failed: number;
  /** Medians over the runs that finished. */
  readonly messagesPerSecond: number | undefined;
  /** This row's throughput over one process's, per round (both finished), as median [min–max]. */
  readonly overOneProcess: RatioRange | undefined;
  readonly cpuUsPerMessage: number | undefined;
  readonly standinCores: number | undefined;
  readonly machineBusy: number | undefined;
  /** Median share of the orders whose messages went to two or more processes. */
  readonly contendedShare: number | undefined;
  /** The busiest process's share of the messages, at its median over the runs (1 / processes is even). */
  readonly largestShare: number | undefined;
  /** Summed over every run (any run of ours that ended at all). */
  readonly lost: number;
  readonly wrongState: number;
  readonly deadLetteredOther: number;
  readonly leftOnQueue: number;
}

const medianOf = (values: readonly (number | undefined)[]): number | undefined => {
  const known = values.filter((value): value is number => value !== undefined && Number.isFinite(value));
  return known.length === 0 ? undefined : median(known);
};

/** One row per process count, in the order given. */
export function summarizeScaleOut(processCounts: readonly number[], runs: readonly ScaleOutRun[]): ScaleOutRow[] {
  const oneProcess = new Map(
    runs.filter((run) => run.processes === 1 && run.ok).map((run) => [run.round, run.messagesPerSecond]),
  );
  return processCounts.map((processes) => {
    const mine = runs.filter((run) => run.processes === processes);
    const finished = mine.filter((run) => run.ok);
    const ratios = finished.flatMap((run) => {
      const base = oneProcess.get(run.round);
      return base !== undefined && base > 0 && run.messagesPerSecond !== undefined
        ? [run.messagesPerSecond / base]
        : [];
    });
    const sum = (pick: (verdict: ScaleOutVerdict) => number): number =>
      mine.reduce((total, run) => total + (run.verdict === undefined ? 0 : pick(run.verdict)), 0);
    return {
      processes,
      runs: mine.length,
      failed: mine.length - finished.length,
      messagesPerSecond: medianOf(finished.map((run) => run.messagesPerSecond)),
      overOneProcess:
        ratios.length === 0
          ? undefined
          : { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios), pairs: ratios.length },
      cpuUsPerMessage: medianOf(finished.map((run) => run.cpuUsPerMessage)),
      standinCores: medianOf(finished.map((run) => run.standinCores)),
      machineBusy: medianOf(finished.map((run) => run.machineBusy)),
      contendedShare: medianOf(
        finished.map((run) => (run.contendedOrders === undefined ? undefined : run.contendedOrders / run.orders)),
      ),
      largestShare: medianOf(finished.map((run) => run.receivedShares?.[0])),
      lost: sum((verdict) => verdict.lost),
      wrongState: sum((verdict) => verdict.wrongState),
      deadLetteredOther: sum((verdict) => verdict.deadLettered.other),
      leftOnQueue: sum((verdict) => verdict.leftOnQueue),
    };
  });
}

/**
 * From the stand-in's receive records (which client, which message ids) and which order each
 * message belongs to: how many orders had messages handed to two or more clients, and each
 * client's share of the messages handed out (largest first).
 */
export function receiveSpread(
  receives: readonly { readonly client?: string; readonly messageIds?: readonly string[] }[],
  orderOf: (messageId: string) => string | undefined,
): { contendedOrders: number; shares: number[] } {
  const clientsByOrder = new Map<string, Set<string>>();
  const byClient = new Map<string, number>();
  let total = 0;
  for (const receive of receives) {
    const client = receive.client ?? '(unnamed)';
    for (const id of receive.messageIds ?? []) {
      total++;
      byClient.set(client, (byClient.get(client) ?? 0) + 1);
      const orderId = orderOf(id);
      if (orderId === undefined) continue;
      const clients = clientsByOrder.get(orderId) ?? new Set<string>();
      clients.add(client);
      clientsByOrder.set(orderId, clients);
    }
  }
  const contendedOrders = [...clientsByOrder.values()].filter((clients) => clients.size >= 2).length;
  const shares = [...byClient.values()].map((count) => count / total).sort((a, b) => b - a);
  return { contendedOrders, shares };
}
