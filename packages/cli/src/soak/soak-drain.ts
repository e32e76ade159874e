import { MESSAGE_STATUSES, type MessageQueue } from '@orders/core';
import { runEventSourceMapping } from '@orders/lambda-local';
import type { SoakHooks, SoakPhase } from './soak-hooks';
import type { SoakOptions } from './soak-options';
import type { OutcomeCounts, PhaseSummary } from './soak-summary';
import type { SoakSystem } from './soak-system';
import type { SoakTarget } from './soak-target';

export interface DrainResult {
  /** False when the drain hit its bound on invocations while messages were left. */
  readonly finished: boolean;
  /** Messages still on OrderQueue when the drain ended. */
  readonly left: number;
  /** What this drain did, on its own. */
  readonly summary: PhaseSummary;
}

/** Every `PROGRESS_EVERY` receives the progress hook hears how far the drain is. */
const PROGRESS_EVERY = 64;

/**
 * Drains OrderQueue through the local event source mapping (one poller), as Lambda's would, until
 * the target says it is empty. Each invocation takes at least one receive of a message, and a
 * message is received at most K times before it moves to OrderDLQ: more invocations than
 * `total × K` (+10) means a runaway loop, and the drain stops there.
 */
export async function drainPhase(
  phase: SoakPhase,
  total: number,
  run: {
    readonly target: SoakTarget;
    readonly system: SoakSystem;
    readonly options: SoakOptions;
    readonly hooks: SoakHooks;
  },
): Promise<DrainResult> {
  const { target, system, options } = run;
  const before = countsSoFar(system);
  const report = progressReport(phase, total, run);
  let receives = 0;
  const queue: MessageQueue = system.ledger.watch(
    target.queue,
    report ? () => (++receives % PROGRESS_EVERY === 0 ? report() : undefined) : undefined,
  );
  const maxInvocations = total * options.maxReceiveCount + 10;
  const runner = await runEventSourceMapping({
    queue,
    queueArn: target.queueArn,
    handler: system.handler,
    batchSize: options.batchSize,
    waitTimeSeconds: target.waitTimeSeconds,
    onIdle: target.onIdle,
    maxInvocations,
  });
  const left = (await target.counts()).onQueue;
  await report?.();
  return {
    finished: runner.invocations < maxInvocations || left === 0,
    left,
    summary: phaseSummary(before, countsSoFar(system)),
  };
}

/** The ledger's and the metrics' running totals, to tell one phase's share from the next. */
interface RunningCounts {
  readonly invocations: number;
  readonly deliveries: number;
  readonly acknowledged: number;
  readonly crashes: number;
  readonly outcomes: OutcomeCounts;
}

function countsSoFar({ ledger, metrics }: SoakSystem): RunningCounts {
  return {
    invocations: ledger.invocations,
    deliveries: ledger.deliveries,
    acknowledged: ledger.acknowledged.size,
    crashes: ledger.crashes,
    outcomes: { ...metrics.totals },
  };
}

function phaseSummary(before: RunningCounts, after: RunningCounts): PhaseSummary {
  return {
    invocations: after.invocations - before.invocations,
    deliveries: after.deliveries - before.deliveries,
    acknowledged: after.acknowledged - before.acknowledged,
    crashed_invocations: after.crashes - before.crashes,
    outcomes: Object.fromEntries(
      MESSAGE_STATUSES.map((s) => [s, after.outcomes[s] - before.outcomes[s]]),
    ) as OutcomeCounts,
  };
}

/** Tells the progress hook, if there is one, how many of the phase's messages have settled. */
function progressReport(
  phase: SoakPhase,
  total: number,
  { target, system, hooks }: { readonly target: SoakTarget; readonly system: SoakSystem; readonly hooks: SoakHooks },
): (() => Promise<void>) | undefined {
  const onProgress = hooks.onProgress;
  if (!onProgress) return undefined;
  return async () => {
    const counts = await target.counts();
    onProgress({
      phase,
      settled: total - counts.onQueue,
      total,
      invocations: system.ledger.invocations,
      deadLetters: counts.inDeadLetterQueue,
    });
  };
}
