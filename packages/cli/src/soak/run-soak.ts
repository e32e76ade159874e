import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  createOrderPipeline,
  FaultInjectingOrderRepository,
  InMemoryOrderRepository,
  InMemoryQueue,
  type InMemoryTopic,
  type ManualClock,
} from '@orders/adapters-memory';
import {
  MESSAGE_STATUSES,
  parseRfc3339Instant,
  silentLogger,
  type Logger,
  type MessageStatus,
  type Order,
  type OrderRepository,
} from '@orders/core';
import {
  advanceClockWhenIdle,
  buildContainer,
  readEntryConfig,
  runEventSourceMapping,
  SQS_BATCH_HANDLER,
  type SqsBatchHandler,
} from '@orders/lambda-entry';
import { seededRandom } from '@orders/testkit';
import { CountingMetrics } from '../demo/counting-metrics';
import { DeliveryLedger } from './delivery-ledger';
import { soakOptionProblems, type SoakOptions } from './soak-options';
import { evaluateSoak, type DeadLetterRecord, type LostDetail, type PublishedMessage, type SoakFacts } from './soak-invariants';
import { buildSoakWorkload, validBody, type PlannedMessage, type ValidPlanned } from './soak-workload';

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

type Counts = Record<MessageStatus, number>;

interface PhaseSummary {
  readonly invocations: number;
  readonly deliveries: number;
  readonly acknowledged: number;
  readonly crashed_invocations: number;
  readonly outcomes: Counts;
}

/** The soak's result, as printed: the fields the issue asks for first, then the detail. */
export interface SoakSummary {
  readonly published: number;
  readonly valid: number;
  readonly poison: number;
  readonly stored_orders: number;
  readonly dlq_after_drain: number;
  readonly dlq_after_redrive: number;
  readonly lost: number;
  readonly stale_overwrites: number;
  readonly max_receive_count_seen: number;
  readonly elapsed_ms: number;
  readonly ok: boolean;
  readonly violations: readonly string[];
  readonly seed: number;
  readonly options: SoakOptions;
  /** Distinct valid orders published (each must be stored at its newest event). */
  readonly orders: number;
  readonly unexpected_orders: number;
  readonly lost_detail: LostDetail;
  readonly acknowledged: number;
  readonly redriven: number;
  /** The highest ApproximateReceiveCount any delivery carried (never above maxReceiveCount). */
  readonly max_receive_count_delivered: number;
  readonly invocations: number;
  readonly deliveries: number;
  readonly outcomes: Counts;
  readonly phases: { readonly drain: PhaseSummary; readonly redrive: PhaseSummary };
  readonly faults_injected: { readonly before_write: number; readonly after_write: number; readonly read: number; readonly crashes: number };
  readonly workload: {
    readonly duplicates_republished: number;
    readonly duplicates_sns_redelivered: number;
    readonly reordered_orders: number;
    readonly offset_timestamps: number;
    readonly poison_kinds: Readonly<Record<string, number>>;
  };
  /** sha256 of this summary without its timings: equal for equal seeds and options. */
  readonly digest: string;
  readonly timings_ms: { readonly publish: number; readonly drain: number; readonly redrive: number; readonly check: number };
  /** Set by `--check-determinism`: the soak ran twice with the same options. */
  readonly determinism_check?: { readonly runs: number; readonly same: boolean; readonly digests: readonly string[] };
}

export interface SoakResult {
  readonly summary: SoakSummary;
  /** What the run observed; `evaluateSoak(facts)` recomputes the verdict. */
  readonly facts: SoakFacts;
}

/** Keys that change from run to run (wall-clock time): left out of determinism checks and the digest. */
export const NONDETERMINISTIC_KEYS = ['elapsed_ms', 'timings_ms', 'digest', 'determinism_check'] as const;

/** The summary without its wall-clock fields: what must be identical for the same seed. */
export function deterministicPart(summary: SoakSummary): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...summary };
  for (const key of NONDETERMINISTIC_KEYS) delete copy[key];
  return copy;
}

/** Independent PRNG streams from one seed, so turning one knob does not reshuffle the others. */
const stream = (seed: number, index: number): (() => number) => seededRandom((seed ^ Math.imul(index, 0x9e3779b9)) >>> 0);

const round = (ms: number): number => Math.round(ms);

/**
 * The fault-injection soak on the in-memory pipeline: publish a seeded workload to OrderTopic,
 * drain OrderQueue through the real OrderProcessor handler (via the local event source mapping)
 * while the repository fails now and then, then switch faults off, redrive OrderDLQ and drain
 * again; finally check every invariant on what was observed.
 */
export async function runSoak(options: SoakOptions, hooks: SoakHooks = {}): Promise<SoakResult> {
  const problems = soakOptionProblems(options);
  if (problems.length > 0) throw new RangeError(problems.join('; '));
  const started = performance.now();

  // The system: OrderTopic → OrderQueue (→ OrderDLQ after K receives) → real handler → faulty store.
  const pipeline = createOrderPipeline({ maxReceiveCount: options.maxReceiveCount, rawMessageDelivery: options.rawDelivery });
  const clock = pipeline.clock as ManualClock;
  const store = new InMemoryOrderRepository();
  const beforeShare = options.faultMode === 'before-write' ? 1 : options.faultMode === 'after-write' ? 0 : 0.5;
  const repository = new FaultInjectingOrderRepository(store, {
    random: stream(options.seed, 1),
    beforeWriteRate: options.faultRate * beforeShare,
    afterWriteRate: options.faultRate * (1 - beforeShare),
  });
  const metrics = new CountingMetrics();
  const container = buildContainer(readEntryConfig({ ORDERS_REPOSITORY: 'memory' }), {
    repository: hooks.wrapRepository ? hooks.wrapRepository(repository) : repository,
    metrics,
    logger: hooks.logger ?? silentLogger,
  });
  const realHandler = container.resolve<SqsBatchHandler>(SQS_BATCH_HANDLER);
  const handler = hooks.wrapHandler ? hooks.wrapHandler(realHandler) : realHandler;
  const crashRandom = stream(options.seed, 2);
  let crashesOn = true;
  const ledger = new DeliveryLedger();
  const trackedHandler = ledger.invoke(handler, () => crashesOn && options.crashRate > 0 && crashRandom() < options.crashRate);

  // Publish.
  const workload = buildSoakWorkload(options);
  const published = publish(pipeline.topic, pipeline.queue, clock, workload.messages, options.rawDelivery);
  const publishedAt = performance.now();
  hooks.onProgress?.({ phase: 'publish', settled: published.length, total: published.length, invocations: 0, deadLetters: 0 });

  // Drain with faults on, then redrive OrderDLQ with faults off and drain again.
  const drain = async (phase: SoakPhase, total: number): Promise<{ finished: boolean; summary: PhaseSummary }> => {
    const before = { invocations: ledger.invocations, deliveries: ledger.deliveries, acknowledged: ledger.acknowledged.size, crashes: ledger.crashes };
    const outcomesBefore = { ...metrics.totals };
    const report = () =>
      hooks.onProgress?.({
        phase,
        settled: total - pipeline.queue.size,
        total,
        invocations: ledger.invocations,
        deadLetters: pipeline.deadLetterQueue.size,
      });
    let receives = 0;
    const queue = ledger.watch(pipeline.queue, hooks.onProgress ? () => (++receives % 64 === 0 ? report() : undefined) : undefined);
    // Each invocation takes at least one receive of a message, and a message is received at most
    // K times before it moves to OrderDLQ: more invocations than that means a runaway loop.
    const maxInvocations = total * options.maxReceiveCount + 10;
    const runner = await runEventSourceMapping({
      queue,
      queueArn: pipeline.queue.arn,
      handler: trackedHandler,
      batchSize: options.batchSize,
      onIdle: advanceClockWhenIdle(pipeline.queue, clock),
      maxInvocations,
    });
    report();
    return {
      finished: runner.invocations < maxInvocations || pipeline.queue.size === 0,
      summary: {
        invocations: ledger.invocations - before.invocations,
        deliveries: ledger.deliveries - before.deliveries,
        acknowledged: ledger.acknowledged.size - before.acknowledged,
        crashed_invocations: ledger.crashes - before.crashes,
        outcomes: Object.fromEntries(MESSAGE_STATUSES.map((s) => [s, metrics.totals[s] - outcomesBefore[s]])) as Counts,
      },
    };
  };

  const first = await drain('drain', published.length);
  const deadLettersAfterDrain = deadLetters(pipeline.deadLetterQueue);
  const leftAfterDrain = pipeline.queue.size;
  const drainedAt = performance.now();

  repository.enabled = false;
  crashesOn = false;
  const redriven = pipeline.deadLetterQueue.redriveTo(pipeline.queue);
  const second = await drain('redrive', redriven);
  const deadLettersAfterRedrive = deadLetters(pipeline.deadLetterQueue);
  const redrivenAt = performance.now();

  // Check.
  const facts: SoakFacts = {
    maxReceiveCount: options.maxReceiveCount,
    published,
    expectedOrders: newestEvents(workload.messages),
    storedOrders: new Map(store.all().map((o) => [o.orderId, o])),
    acknowledged: ledger.acknowledged,
    deletedWithoutSuccess: ledger.deletedWithoutSuccess,
    deadLettersAfterDrain,
    deadLettersAfterRedrive,
    leftOnQueue: { afterDrain: leftAfterDrain, afterRedrive: pipeline.queue.size },
    drainsFinished: first.finished && second.finished,
  };
  const verdict = evaluateSoak(facts);
  const finished = performance.now();

  const valid = workload.messages.filter((m): m is ValidPlanned => m.kind === 'valid');
  const injected = repository.injected;
  const summaryWithoutDigest: Omit<SoakSummary, 'digest' | 'timings_ms'> = {
    published: published.length,
    valid: valid.length,
    poison: published.length - valid.length,
    stored_orders: store.size,
    dlq_after_drain: deadLettersAfterDrain.length,
    dlq_after_redrive: deadLettersAfterRedrive.length,
    lost: verdict.lost,
    stale_overwrites: verdict.staleOverwrites,
    max_receive_count_seen: verdict.maxReceiveCountSeen,
    elapsed_ms: round(finished - started),
    ok: verdict.violations.length === 0,
    violations: verdict.violations,
    seed: options.seed,
    options,
    orders: facts.expectedOrders.size,
    unexpected_orders: verdict.unexpectedOrders,
    lost_detail: verdict.lostDetail,
    acknowledged: ledger.acknowledged.size,
    redriven,
    max_receive_count_delivered: ledger.maxReceiveCountDelivered,
    invocations: ledger.invocations,
    deliveries: ledger.deliveries,
    outcomes: { ...metrics.totals },
    phases: { drain: first.summary, redrive: second.summary },
    faults_injected: { before_write: injected.beforeWrite, after_write: injected.afterWrite, read: injected.read, crashes: ledger.crashes },
    workload: {
      duplicates_republished: valid.filter((m) => m.duplicate?.kind === 'republish').length,
      duplicates_sns_redelivered: valid.filter((m) => m.duplicate?.kind === 'sns-redelivery').length,
      reordered_orders: workload.stats.reorderedOrders,
      offset_timestamps: valid.filter((m) => !m.duplicate && !m.order.timestamp.endsWith('Z')).length,
      poison_kinds: workload.stats.poisonKinds,
    },
  };
  const digest = createHash('sha256')
    .update(JSON.stringify(deterministicPart(summaryWithoutDigest as SoakSummary)))
    .digest('hex')
    .slice(0, 16);
  const summary: SoakSummary = {
    ...summaryWithoutDigest,
    digest,
    timings_ms: {
      publish: round(publishedAt - started),
      drain: round(drainedAt - publishedAt),
      redrive: round(redrivenAt - drainedAt),
      check: round(finished - redrivenAt),
    },
  };
  return { summary, facts };
}

/**
 * Publishes the planned messages in order and returns them by SQS message id. Producer messages
 * go through OrderTopic; an `sns-redelivery` copy is SNS delivering the same notification again,
 * so the exact body the topic delivered the first time is sent to OrderQueue once more. A tap
 * queue subscribed like OrderQueue shows that body (the topic itself keeps no record).
 */
function publish(
  topic: InMemoryTopic,
  queue: InMemoryQueue,
  clock: ManualClock,
  messages: readonly PlannedMessage[],
  rawDelivery: boolean,
): PublishedMessage[] {
  const tap = new InMemoryQueue({ name: 'SoakTap', clock });
  topic.subscribe(tap, { rawMessageDelivery: rawDelivery });
  const delivered = new Map<ValidPlanned, string>();
  for (const message of messages) {
    if (message.kind === 'valid' && message.duplicate?.kind === 'sns-redelivery') {
      const body = delivered.get(message.duplicate.of);
      if (body === undefined) throw new Error('soak bug: an SNS redelivery came before the delivery it repeats');
      queue.send(body);
      continue;
    }
    topic.publishNow(
      message.kind === 'poison'
        ? { body: message.body }
        : { body: validBody(message), orderId: message.order.orderId, status: message.order.status },
    );
    const [copy] = tap.receiveNow({ maxMessages: 1 });
    if (copy === undefined) throw new Error('soak bug: the tap queue missed a notification');
    tap.deleteNow([copy.receiptHandle]);
    if (message.kind === 'valid' && message.bodyNeeded) delivered.set(message, copy.body);
  }

  const onQueue = queue.peekAll();
  if (onQueue.length !== messages.length) {
    throw new Error(`soak bug: ${messages.length} messages published but ${onQueue.length} reached OrderQueue`);
  }
  return messages.map((message, index): PublishedMessage => {
    const { messageId, body } = onQueue[index] as (typeof onQueue)[number];
    if (rawDelivery && body !== (message.kind === 'poison' ? message.body : validBody(message))) {
      throw new Error(`soak bug: message ${messageId} on OrderQueue is not the one published in position ${index}`);
    }
    if (message.kind === 'poison') return { messageId, kind: 'poison' };
    const parsed = parseRfc3339Instant(message.order.timestamp);
    if (!parsed.ok) throw new Error(`soak bug: generated timestamp ${message.order.timestamp} does not parse`);
    return { messageId, kind: 'valid', orderId: message.order.orderId, instant: parsed.instant };
  });
}

/** Each order's newest published event. The workload never publishes two events of one order at one instant. */
function newestEvents(messages: readonly PlannedMessage[]): Map<string, Order> {
  const newest = new Map<string, { order: Order; ms: number }>();
  for (const message of messages) {
    if (message.kind !== 'valid') continue;
    const ms = Date.parse(message.order.timestamp);
    const current = newest.get(message.order.orderId);
    if (current === undefined || ms > current.ms) newest.set(message.order.orderId, { order: message.order, ms });
  }
  return new Map([...newest].map(([id, { order }]) => [id, order]));
}

function deadLetters(queue: InMemoryQueue): DeadLetterRecord[] {
  return queue.peekAll().map((m) => ({ messageId: m.messageId, receiveCount: m.deadLetterSource?.receiveCount ?? 0 }));
}

