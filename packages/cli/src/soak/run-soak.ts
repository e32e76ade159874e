import { performance } from 'node:perf_hooks';
import { FaultInjectingOrderRepository } from '@orders/adapters-memory';
import {
  greatestEvent,
  type Logger,
  MESSAGE_STATUSES,
  type Order,
  type OrderRepository,
  parseRfc3339Instant,
  silentLogger,
  type TimedOrder,
  deadLetterTimeline,
} from '@orders/core';
import {
  buildContainer,
  readEntryConfig,
  runEventSourceMapping,
  SQS_BATCH_HANDLER,
  type SqsBatchHandler,
} from '@orders/lambda-entry';
import { seededRandom } from '@orders/testkit';
import { CountingMetrics } from '../demo/counting-metrics';
import { DeliveryLedger } from './delivery-ledger';
import { createMemorySoakTarget } from './memory-soak-target';
import { evaluateSoak, type OutageFacts, type SoakFacts } from './soak-invariants';
import { OutageWindow } from './outage-window';
import { soakOptionProblems, type SoakOptions } from './soak-options';
import { type OutcomeCounts, type PhaseSummary, type SoakSummary, summaryDigest, tableDigest } from './soak-summary';
import type { SoakTarget, SoakTargetFactory } from './soak-target';
import { buildSoakWorkload, type PlannedMessage, type ValidPlanned } from './soak-workload';

export { deterministicPart, NONDETERMINISTIC_KEYS, type SoakSummary } from './soak-summary';

export type SoakPhase = 'publish' | 'drain' | 'redrive';

export interface SoakProgress {
  readonly phase: SoakPhase;
  /** Messages of this phase no longer on OrderQueue (acknowledged or dead-lettered). */
  readonly settled: number;
  readonly total: number;
  readonly invocations: number;
  readonly deadLetters: number;
}

export interface SoakHooks {
  /** The handler's logger (default: silent, for speed). */
  readonly logger?: Logger;
  /** Called now and then while the soak runs (every 64 receives and at each phase's end). */
  readonly onProgress?: (progress: SoakProgress) => void;
  /**
   * Seams to run the soak against a deliberately broken system (e.g. a handler that swallows
   * failures, a store that ignores instants) and see the invariants catch it. Identity by default.
   */
  readonly wrapHandler?: (handler: SqsBatchHandler) => SqsBatchHandler;
  readonly wrapRepository?: (repository: OrderRepository) => OrderRepository;
}

export interface SoakResult {
  readonly summary: SoakSummary;
  /** What the run observed; `evaluateSoak(facts)` recomputes the verdict. */
  readonly facts: SoakFacts;
}

/** Independent PRNG streams from one seed, so turning one knob does not reshuffle the others. */
const stream = (seed: number, index: number): (() => number) =>
  seededRandom((seed ^ Math.imul(index, 0x9e3779b9)) >>> 0);

const round = (ms: number): number => Math.round(ms);

/**
 * The fault-injection soak: publish a seeded workload to OrderTopic, drain OrderQueue through
 * the real OrderProcessor handler (via the local event source mapping) while the repository
 * fails now and then, then switch faults off, redrive OrderDLQ and drain again; finally check
 * every invariant on what was observed. The target (default: the in-memory simulator) is the
 * system the soak runs against; everything else is the same for every target.
 */
export async function runSoak(
  options: SoakOptions,
  hooks: SoakHooks = {},
  createTarget: SoakTargetFactory = createMemorySoakTarget,
): Promise<SoakResult> {
  const problems = soakOptionProblems(options);
  if (problems.length > 0) throw new RangeError(problems.join('; '));
  const started = performance.now();
  const target = await createTarget(options);
  try {
    return await soakOn(target, options, hooks, started);
  } finally {
    await target.close();
  }
}

async function soakOn(
  target: SoakTarget,
  options: SoakOptions,
  hooks: SoakHooks,
  started: number,
): Promise<SoakResult> {
  // The system: OrderTopic → OrderQueue (→ OrderDLQ after K receives) → real handler → faulty store.
  const beforeShare = options.faultMode === 'before-write' ? 1 : options.faultMode === 'after-write' ? 0 : 0.5;
  const repository = new FaultInjectingOrderRepository(target.store, {
    random: stream(options.seed, 1),
    beforeWriteRate: options.faultRate * beforeShare,
    afterWriteRate: options.faultRate * (1 - beforeShare),
  });
  const outage = options.outage === undefined ? undefined : new OutageWindow(options.outage, target.now);
  const store = outage ? outage.wrap(repository) : repository;
  const metrics = new CountingMetrics();
  const entryConfig = readEntryConfig(target.entryEnvironment);
  const container = buildContainer(entryConfig, {
    repository: hooks.wrapRepository ? hooks.wrapRepository(store) : store,
    metrics,
    logger: hooks.logger ?? silentLogger,
    // Failed records are paced on the target's own OrderQueue, with jitter from the seed.
    visibilityFor: () => target.queue,
    random: stream(options.seed, 3),
  });
  const realHandler = container.resolve<SqsBatchHandler>(SQS_BATCH_HANDLER);
  const handler = hooks.wrapHandler ? hooks.wrapHandler(realHandler) : realHandler;
  const crashRandom = stream(options.seed, 2);
  let crashesOn = true;
  const ledger = new DeliveryLedger();
  if (outage) ledger.inOutage = () => outage.isActive();
  const trackedHandler = ledger.invoke(
    handler,
    () => crashesOn && options.crashRate > 0 && crashRandom() < options.crashRate,
  );

  // Publish.
  const workload = buildSoakWorkload(options);
  await target.publish(workload.messages);
  const publishedCount = workload.messages.length;
  const publishedAt = performance.now();
  hooks.onProgress?.({
    phase: 'publish',
    settled: publishedCount,
    total: publishedCount,
    invocations: 0,
    deadLetters: 0,
  });

  // Drain with faults on, then redrive OrderDLQ with faults off and drain again.
  const drain = async (
    phase: SoakPhase,
    total: number,
  ): Promise<{ finished: boolean; left: number; summary: PhaseSummary }> => {
    const before = {
      invocations: ledger.invocations,
      deliveries: ledger.deliveries,
      acknowledged: ledger.acknowledged.size,
      crashes: ledger.crashes,
    };
    const outcomesBefore = { ...metrics.totals };
    const report = async (): Promise<void> => {
      if (!hooks.onProgress) return;
      const counts = await target.counts();
      hooks.onProgress({
        phase,
        settled: total - counts.onQueue,
        total,
        invocations: ledger.invocations,
        deadLetters: counts.inDeadLetterQueue,
      });
    };
    let receives = 0;
    const queue = ledger.watch(
      target.queue,
      hooks.onProgress ? () => (++receives % 64 === 0 ? report() : undefined) : undefined,
    );
    // Each invocation takes at least one receive of a message, and a message is received at most
    // K times before it moves to OrderDLQ: more invocations than that means a runaway loop.
    const maxInvocations = total * options.maxReceiveCount + 10;
    const runner = await runEventSourceMapping({
      queue,
      queueArn: target.queueArn,
      handler: trackedHandler,
      batchSize: options.batchSize,
      waitTimeSeconds: target.waitTimeSeconds,
      onIdle: target.onIdle,
      maxInvocations,
    });
    const left = (await target.counts()).onQueue;
    await report();
    return {
      finished: runner.invocations < maxInvocations || left === 0,
      left,
      summary: {
        invocations: ledger.invocations - before.invocations,
        deliveries: ledger.deliveries - before.deliveries,
        acknowledged: ledger.acknowledged.size - before.acknowledged,
        crashed_invocations: ledger.crashes - before.crashes,
        outcomes: Object.fromEntries(
          MESSAGE_STATUSES.map((s) => [s, metrics.totals[s] - outcomesBefore[s]]),
        ) as OutcomeCounts,
      },
    };
  };

  outage?.begin();
  const first = await drain('drain', publishedCount);
  const deadLettersAfterDrain = await target.deadLetters();
  const drainedAt = performance.now();

  repository.enabled = false;
  crashesOn = false;
  const redriven = await target.redrive();
  const second = await drain('redrive', redriven);
  const deadLettersAfterRedrive = await target.deadLetters();
  const redrivenAt = performance.now();

  // Check.
  const expectedOrders = greatestEvents(workload.messages);
  const storedOrders = await target.storedOrders(expectedOrders);
  const identified = target.identify({
    acknowledged: ledger.acknowledged,
    deletedWithoutSuccess: ledger.deletedWithoutSuccess,
    deadLettersAfterDrain,
    deadLettersAfterRedrive,
  });
  const facts: SoakFacts = {
    maxReceiveCount: options.maxReceiveCount,
    published: identified.published,
    expectedOrders,
    storedOrders,
    acknowledged: identified.acknowledged,
    deletedWithoutSuccess: identified.deletedWithoutSuccess,
    deadLettersAfterDrain: identified.deadLettersAfterDrain,
    deadLettersAfterRedrive: identified.deadLettersAfterRedrive,
    leftOnQueue: { afterDrain: first.left, afterRedrive: second.left },
    drainsFinished: first.finished && second.finished,
    ...(outage ? { outage: outageFacts(outage, identified, ledger, deadLettersAfterDrain, entryConfig, options) } : {}),
  };
  const verdict = evaluateSoak(facts);
  const finished = performance.now();

  const valid = workload.messages.filter((m): m is ValidPlanned => m.kind === 'valid');
  const injected = repository.injected;
  const described = target.describe();
  const summaryWithoutDigest: Omit<SoakSummary, 'digest' | 'timings_ms'> = {
    published: publishedCount,
    valid: valid.length,
    poison: publishedCount - valid.length,
    stored_orders: storedOrders.size,
    dlq_after_drain: deadLettersAfterDrain.length,
    dlq_after_redrive: deadLettersAfterRedrive.length,
    lost: verdict.lost,
    stale_overwrites: verdict.staleOverwrites,
    table_digest: tableDigest(storedOrders.values()),
    max_receive_count_seen: verdict.maxReceiveCountSeen,
    elapsed_ms: round(finished - started),
    ok: verdict.violations.length === 0,
    violations: verdict.violations,
    seed: options.seed,
    options,
    orders: facts.expectedOrders.size,
    unexpected_orders: verdict.unexpectedOrders,
    lost_detail: verdict.lostDetail,
    acknowledged: identified.acknowledged.size,
    redriven,
    max_receive_count_delivered: ledger.maxReceiveCountDelivered,
    invocations: ledger.invocations,
    deliveries: ledger.deliveries,
    outcomes: { ...metrics.totals },
    phases: { drain: first.summary, redrive: second.summary },
    faults_injected: {
      before_write: injected.beforeWrite,
      after_write: injected.afterWrite,
      read: injected.read,
      crashes: ledger.crashes,
    },
    ...(facts.outage
      ? {
          outage: {
            start_s: options.outage?.startSeconds ?? 0,
            duration_s: facts.outage.durationSeconds,
            failure_class: options.outage?.failureClass ?? 'systemic',
            survivable_s: facts.outage.survivableSeconds,
            refused_calls: facts.outage.refusedCalls,
            valid_dead_lettered: facts.outage.validDeadLetteredByOutage.length,
          },
        }
      : {}),
    workload: {
      duplicates_republished: valid.filter((m) => m.duplicate?.kind === 'republish').length,
      duplicates_sns_redelivered: valid.filter((m) => m.duplicate?.kind === 'sns-redelivery').length,
      reordered_orders: workload.stats.reorderedOrders,
      ties_different_content: workload.stats.ties.differentContent,
      ties_same_content_respelled: workload.stats.ties.sameContentRespelled,
      offset_timestamps: valid.filter((m) => !m.duplicate && !m.order.timestamp.endsWith('Z')).length,
      poison_kinds: workload.stats.poisonKinds,
    },
    // Only when there is something to say, so the in-memory summary (and its digest) keeps its shape.
    ...(described === undefined ? {} : { target: described }),
  };
  const summary: SoakSummary = {
    ...summaryWithoutDigest,
    digest: summaryDigest(summaryWithoutDigest),
    timings_ms: {
      publish: round(publishedAt - started),
      drain: round(drainedAt - publishedAt),
      redrive: round(redrivenAt - drainedAt),
      check: round(finished - redrivenAt),
    },
  };
  return { summary, facts };
}

/** Each order's greatest published event under the ordering rule (ties included): what it must end at. */
function greatestEvents(messages: readonly PlannedMessage[]): Map<string, Order> {
  const events = new Map<string, TimedOrder[]>();
  for (const message of messages) {
    if (message.kind !== 'valid') continue;
    const parsed = parseRfc3339Instant(message.order.timestamp);
    if (!parsed.ok) throw new Error(`soak bug: generated timestamp ${message.order.timestamp} does not parse`);
    const list = events.get(message.order.orderId);
    const event = { order: message.order, instant: parsed.instant };
    if (list === undefined) events.set(message.order.orderId, [event]);
    else list.push(event);
  }
  return new Map([...events].map(([orderId, list]) => [orderId, (greatestEvent(list) as TimedOrder).order]));
}

/**
 * What the outage did: the valid messages it dead-lettered on its own (every failed receive fell
 * inside it), against the window the retry pacing promises to survive.
 */
function outageFacts(
  outage: OutageWindow,
  identified: { readonly published: readonly { messageId: string; kind: string }[] },
  ledger: DeliveryLedger,
  deadLettersAfterDrain: readonly { messageId: string }[],
  entryConfig: ReturnType<typeof readEntryConfig>,
  options: SoakOptions,
): OutageFacts {
  const valid = new Set(identified.published.filter((m) => m.kind === 'valid').map((m) => m.messageId));
  const deadLetteredByOutage = deadLettersAfterDrain
    .map((d) => d.messageId)
    .filter((id) => {
      const failures = ledger.failures.get(id);
      return valid.has(id) && failures !== undefined && failures.outside === 0 && failures.inOutage > 0;
    });
  return {
    durationSeconds: outage.options.durationSeconds,
    survivableSeconds: deadLetterTimeline(options.maxReceiveCount, entryConfig.retryPacing).survivableOutageSeconds,
    refusedCalls: outage.refused,
    validDeadLetteredByOutage: deadLetteredByOutage,
  };
}
