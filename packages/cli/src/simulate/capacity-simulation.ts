import { performance } from 'node:perf_hooks';
import { createOrderPipeline, InMemoryOrderRepository, ManualClock, type InMemoryQueue } from '@orders/adapters-memory';
import {
  type MessageQueue,
  type ProcessOrderBatch,
  type ReceivedMessage,
  RETRY_PACING_ENVIRONMENT,
  silentLogger,
} from '@orders/core';
import {
  buildContainer,
  PROCESS_ORDER_BATCH,
  readEntryConfig,
  SQS_BATCH_HANDLER,
  type SqsBatchHandler,
} from '@orders/lambda-entry';
import { lambdaContext, readBatchItemFailures, sqsEventOf } from '@orders/lambda-local';
import {
  EventSourceMappingScaling,
  FUNCTION_SCALING_ENVIRONMENTS,
  LambdaConcurrencyPool,
  SQS_LONG_POLL_SECONDS,
  seededRandom,
  TableWriteThroughput,
  ThroughputLimitedOrderRepository,
} from '@orders/simulation';
import { EventQueue } from './event-queue';
import { InvocationSaves } from './invocation-saves';
import { OutageWindow } from '../soak/outage-window';
import type { SimulationOptions, TimeWindow } from './simulation-options';
import { SimulatedEnvironments, SimulationMetrics, type WriteConcurrencyFacts } from './simulated-environments';
import { rateAt, SimulatedWorkload } from './simulated-workload';

/** What a run observed: the summary is computed from these. */
export interface SimulationFacts {
  readonly simulatedSeconds: number;
  readonly drained: boolean;
  /** From the start until the queue was empty and nothing was running; undefined when it never was. */
  readonly drainSeconds: number | undefined;
  readonly arrivalsSeconds: number;
  /** Ages (ms, from SQS's SentTimestamp to the delete) of every acknowledged message, sorted. */
  readonly agesMs: Float64Array;
  readonly peakConcurrency: number;
  readonly peakMappingBatches: number;
  readonly coldStarts: number;
  readonly invocations: number;
  readonly throttledInvocations: Readonly<
    Record<'reserved-concurrency' | 'account-concurrency' | 'scaling-rate', number>
  >;
  readonly throttledRecords: number;
  readonly timedOutInvocations: number;
  readonly failedInvocations: number;
  readonly deliveries: number;
  readonly dynamo: {
    readonly writeUnits: number;
    /** PutItem attempts a partition throttled. */
    readonly throttledAttempts: number;
    /** Saves throttled on some attempt, as the handler counted them (its `throttledSaves` metric). */
    readonly throttledSaves: number;
    /** Saves whose every attempt was throttled: the adapter's `throttled` error reached the handler. */
    readonly failedSaves: number;
  };
  /** The execution environments' adaptive limits on saves in flight. */
  readonly writeConcurrency: WriteConcurrencyFacts;
  readonly sqsRequests: {
    readonly send: number;
    readonly receive: number;
    readonly emptyReceive: number;
    readonly delete: number;
    readonly changeVisibility: number;
  };
  readonly snsPublishes: number;
  readonly lambdaGbSeconds: number;
  readonly published: {
    readonly total: number;
    readonly valid: number;
    readonly poison: number;
    readonly duplicates: number;
    readonly hot: number;
  };
  readonly acknowledged: number;
  readonly deadLettered: { readonly valid: number; readonly poison: number };
  readonly remaining: number;
  readonly lost: number;
  /** Orders whose stored state is not the greatest event published for them (none of their messages dead-lettered or left). */
  readonly storedWrong: number;
  readonly outcomes: Readonly<Record<string, number>>;
  readonly simulatedEvents: number;
  readonly wallMs: number;
  /** Second by second from the start: what the capacity tables and their extrapolation read. */
  readonly seconds: SecondBySecond;
}

/** One entry per simulated second (index 0 is the first second); seconds the run skipped while idle hold 0. */
export interface SecondBySecond {
  /** Messages acknowledged (deleted after the handler succeeded) in the second. */
  readonly acknowledged: readonly number[];
  /** The concurrent batches the mapping allowed during the second (set at its start). */
  readonly mappingBatches: readonly number[];
  /** Invocation-seconds in the second: its mean concurrency (each invocation counted from its receive to its end). */
  readonly concurrencySeconds: readonly number[];
  /** The most invocations running at once in the second. */
  readonly peakConcurrency: readonly number[];
}

const TICK_MS = 100;
const TICKS_PER_SECOND = 1000 / TICK_MS;
const LONG_POLL_MS = SQS_LONG_POLL_SECONDS * 1000;

type Agenda = { kind: 'tick' } | { kind: 'poll'; slot: number } | { kind: 'complete'; invocation: Invocation };

interface Invocation {
  readonly slot: number;
  /** The execution environment it ran in. */
  readonly environment: number;
  /** When it took its execution environment (its receive). */
  readonly startedAt: number;
  readonly messages: readonly ReceivedMessage[];
  /** The records Lambda deletes after the invocation (none when the whole batch failed). */
  readonly toDelete: readonly ReceivedMessage[];
}

const SLOT_OFF = 0;
const SLOT_IDLE = 1;
const SLOT_BUSY = 2;

const inWindow = (window: TimeWindow | undefined, startMs: number, atMs: number): boolean =>
  window !== undefined &&
  atMs >= startMs + window.startSeconds * 1000 &&
  atMs < startMs + (window.startSeconds + window.durationSeconds) * 1000;

/**
 * Runs the workload through OrderTopic → OrderQueue (→ OrderDLQ) and the REAL OrderProcessor handler
 * (composition root, use case, pacing, partial batch responses) on a manual clock, with AWS's
 * scaling around it: the event source mapping's concurrent batches, Lambda's concurrency pool and
 * scaling rate, DynamoDB's per-partition write throughput, and a round trip for every call. A
 * discrete-event simulation: nothing waits, so an hour of traffic takes seconds to minutes.
 *
 * Each execution environment is composed on its own, as Lambda runs it: its own use case, so its
 * own adaptive limit on saves in flight. Inside an invocation the saves take their simulated time
 * (`InvocationSaves`): a cut limit runs the batch's saves fewer at a time, which lengthens the
 * invocation and spreads its writes over the partition, and the limit recovers on simulated time.
 */
export async function simulateCapacity(options: SimulationOptions): Promise<SimulationFacts> {
  const wallStart = performance.now();
  const { settings, platform, workload: shape } = options;
  const rt = platform.roundTrips;
  const clock = new ManualClock();
  const startMs = clock.now();
  const pipeline = createOrderPipeline({
    clock,
    maxReceiveCount: settings.maxReceiveCount,
    visibilityTimeoutSeconds: settings.visibilityTimeoutSeconds,
  });
  const queue: InMemoryQueue = pipeline.queue;

  // --- the store: DynamoDB's throughput in front of it, an outage in front of that, and the
  // invocation's simulated time in front of both (each save answers when it ends) ---
  const store = new InMemoryOrderRepository();
  const table = new TableWriteThroughput({ warmWriteUnits: platform.tableWarmWriteUnits });
  const limited: ThroughputLimitedOrderRepository = new ThroughputLimitedOrderRepository(store, {
    table,
    now: (): number => saves.startsAt(),
    present: () => clock.now(),
    putRoundTripMs: rt.dynamoPutMs,
    onSave: (latency) => saves.took(latency),
  });
  const outage = options.outage
    ? new OutageWindow(
        {
          startSeconds: options.outage.startSeconds,
          durationSeconds: options.outage.durationSeconds,
          failureClass: options.outage.failureClass,
        },
        () => clock.now(),
      )
    : undefined;
  outage?.begin();
  const saves: InvocationSaves = new InvocationSaves(outage ? outage.wrap(limited) : limited);

  // --- the queue as the handler's pacing sees it: every visibility change is an SQS request ---
  let changeVisibilityCalls = 0;
  const pacingQueue: MessageQueue = {
    receive: (o) => queue.receive(o),
    deleteBatch: (handles) => queue.deleteBatch(handles),
    changeVisibility: (handle, seconds) => {
      changeVisibilityCalls++;
      return queue.changeVisibility(handle, seconds);
    },
    changeVisibilityBatch: (changes) => {
      changeVisibilityCalls++;
      return queue.changeVisibilityBatch(changes);
    },
  };

  // --- the real handler, composed as the function composes it, once per execution environment ---
  const pacing = settings.retryPacing;
  const metrics = new SimulationMetrics();
  const entryConfig = readEntryConfig({
    ORDERS_REPOSITORY: 'memory',
    ORDERS_MAX_RECEIVE_COUNT: String(settings.maxReceiveCount),
    ORDERS_CONCURRENCY: String(settings.useCaseConcurrency),
    [RETRY_PACING_ENVIRONMENT.baseDelaySeconds]: String(pacing.baseDelaySeconds),
    [RETRY_PACING_ENVIRONMENT.backoffFactor]: String(pacing.backoffFactor),
    [RETRY_PACING_ENVIRONMENT.maxDelaySeconds]: String(pacing.maxDelaySeconds),
    [RETRY_PACING_ENVIRONMENT.jitterRatio]: String(pacing.jitterRatio),
  });
  // One jitter stream for the whole function: the runs stay what their seed makes them.
  const random = seededRandom((options.seed ^ 0x5bd1e995) >>> 0);
  const environments = new SimulatedEnvironments(settings.useCaseConcurrency, () => {
    const container = buildContainer(entryConfig, {
      repository: saves,
      metrics,
      logger: silentLogger,
      // The simulation's time as the invocation lives it (the manual clock, plus how far its saves have got).
      clock: saves.clock,
      visibilityFor: () => pacingQueue,
      random,
    });
    return {
      handler: container.resolve<SqsBatchHandler>(SQS_BATCH_HANDLER),
      useCase: container.resolve<ProcessOrderBatch>(PROCESS_ORDER_BATCH),
    };
  });
  const timeoutMs = settings.functionTimeoutSeconds * 1000;

  // --- Lambda's concurrency and the event source mapping's scaling ---
  const throttle = options.throttle;
  const pool = new LambdaConcurrencyPool({
    accountLimit: platform.accountConcurrency,
    reservedConcurrency: (at) =>
      throttle?.cause === 'reserved' && inWindow(throttle, startMs, at)
        ? throttle.concurrencyLeft
        : settings.reservedConcurrency,
    otherFunctionsInUse: (at) =>
      throttle?.cause === 'account' && inWindow(throttle, startMs, at)
        ? platform.accountConcurrency - throttle.concurrencyLeft
        : platform.otherFunctionsConcurrency,
  });
  const scaling = new EventSourceMappingScaling(
    platform.scaling.mode === 'standard'
      ? { mode: 'standard', maximumConcurrency: settings.maximumConcurrency }
      : platform.scaling,
  );
  // Steady traffic, not a launch: the mapping as a sustained backlog leaves it (at its ceiling), and
  // as many environments initialised — taken and given back before the run, so that neither the
  // peak nor the cold starts count them. Both then follow the traffic as in any run.
  let prewarmed = 0;
  if (options.warmStart) {
    while (scaling.concurrency < scaling.ceiling) scaling.tick({ backlog: true, throttled: false });
    const initialised = Math.min(scaling.ceiling, pool.limitAt(startMs), FUNCTION_SCALING_ENVIRONMENTS);
    const taken: number[] = [];
    for (let i = 0; i < initialised; i++) {
      const grant = pool.acquire(startMs);
      if (grant.ok) taken.push(grant.environment);
    }
    for (const environment of taken) pool.release(environment);
    prewarmed = taken.length;
    pool.peak = 0;
  }
  const slotState = new Uint8Array(scaling.ceiling);
  const idleSince = new Float64Array(scaling.ceiling);
  const idle: number[] = [];
  let activeUpTo = 0;
  let peakMappingBatches = 0;

  // --- counters ---
  const workload = new SimulatedWorkload(shape, options.seed);
  const poisonSnsIds = new Set<string>();
  const ages: number[] = [];
  const sqs = { send: 0, receive: 0, emptyReceive: 0, delete: 0, changeVisibility: 0 };
  let published = 0;
  let deliveries = 0;
  let invocations = 0;
  let throttledRecords = 0;
  let timedOut = 0;
  let failedInvocations = 0;
  let acknowledged = 0;
  let billedMs = 0;
  let events = 0;
  let throttledThisSecond = false;
  let drainedAt: number | undefined;
  const perSecond = {
    acknowledged: [] as number[],
    mappingBatches: [] as number[],
    concurrencySeconds: [] as number[],
    peakConcurrency: [] as number[],
  };
  const secondOf = (at: number): number => Math.floor((at - startMs) / 1000);
  const add = (series: number[], second: number, value: number): void => {
    for (let s = series.length; s <= second; s++) series.push(0);
    series[second] = (series[second] as number) + value;
  };
  /** An invocation's hold, [from, to), spread over the seconds it covers. */
  const addConcurrency = (from: number, to: number): void => {
    for (let at = from; at < to; ) {
      const second = secondOf(at);
      const secondEnd = startMs + (second + 1) * 1000;
      const until = Math.min(to, secondEnd);
      add(perSecond.concurrencySeconds, second, (until - at) / 1000);
      at = until;
    }
  };

  const agenda = new EventQueue<Agenda>();
  const publish = (count: number, atSeconds: number): void => {
    for (let i = 0; i < count; i++) {
      const message = workload.next(atSeconds);
      const snsId = pipeline.topic.publishNow(message);
      if (message.poison) poisonSnsIds.add(snsId);
    }
    published += count;
    events += count;
  };

  const countIdleReceives = (slot: number, now: number): void => {
    sqs.emptyReceive += Math.floor((now - (idleSince[slot] as number)) / LONG_POLL_MS);
  };
  const wakeOne = (now: number): void => {
    while (idle.length > 0) {
      const slot = idle.pop() as number;
      if (slotState[slot] !== SLOT_IDLE) continue;
      countIdleReceives(slot, now);
      if (slot >= scaling.concurrency) {
        slotState[slot] = SLOT_OFF;
        continue;
      }
      slotState[slot] = SLOT_BUSY;
      agenda.push(now, { kind: 'poll', slot });
      return;
    }
  };
  const goIdle = (slot: number, now: number): void => {
    slotState[slot] = SLOT_IDLE;
    idleSince[slot] = now;
    idle.push(slot);
  };
  const applyScaling = (now: number): void => {
    const target = scaling.concurrency;
    for (let slot = activeUpTo; slot < target; slot++) if (slotState[slot] === SLOT_OFF) goIdle(slot, now);
    activeUpTo = target;
    if (target > peakMappingBatches) peakMappingBatches = target;
  };
  const visibleNow = (now: number): boolean => (queue.nextVisibleAt() ?? Number.POSITIVE_INFINITY) <= now;

  const poll = async (slot: number, now: number): Promise<void> => {
    if (slot >= scaling.concurrency) {
      slotState[slot] = SLOT_OFF;
      return;
    }
    const messages = queue.receiveNow({ maxMessages: settings.batchSize });
    sqs.receive++;
    if (messages.length === 0) {
      goIdle(slot, now);
      return;
    }
    deliveries += messages.length;
    // More waiting: another poller's long poll returns too.
    if (visibleNow(now)) wakeOne(now);
    const grant = pool.acquire(now);
    if (!grant.ok) {
      // Lambda could not run the function: the handler never sees the batch; its messages come back
      // when the visibility timeout ends, each with a receive spent.
      throttledRecords += messages.length;
      throttledThisSecond = true;
      agenda.push(now + rt.sqsReceiveMs + platform.throttleBackoffMs, { kind: 'poll', slot });
      return;
    }
    invocations++;
    const second = secondOf(now);
    add(perSecond.peakConcurrency, second, 0);
    if (pool.running > (perSecond.peakConcurrency[second] as number)) perSecond.peakConcurrency[second] = pool.running;
    const startup = rt.invocationOverheadMs + (grant.coldStart ? rt.coldStartMs : 0);
    const invokedAt = now + rt.sqsReceiveMs;
    const environment = environments.get(grant.environment);
    changeVisibilityCalls = 0;
    // The invocation's own deadline, in simulated time: the handler stops starting records near it.
    const context = lambdaContext(
      {
        memoryLimitInMB: String(settings.memoryMb),
        getRemainingTimeInMillis: () => Math.max(0, invokedAt + timeoutMs - saves.clock.now()),
      },
      timeoutMs,
    );
    const saveStartMs = invokedAt + startup;
    const { outcome, endedAt } = await saves.run(saveStartMs, () =>
      environment.handler(sqsEventOf(messages, queue.arn), context),
    );
    sqs.changeVisibility += changeVisibilityCalls;
    let durationMs = startup + (endedAt - saveStartMs) + (changeVisibilityCalls > 0 ? rt.sqsChangeVisibilityMs : 0);
    let toDelete: readonly ReceivedMessage[] = [];
    if (durationMs > timeoutMs) {
      // Lambda ends the invocation at its timeout: no response, the whole batch comes back.
      timedOut++;
      failedInvocations++;
      durationMs = timeoutMs;
    } else if (!outcome.ok) {
      failedInvocations++;
    } else {
      // Lambda's own rules for the response (ReportBatchItemFailures on, as the stack sets it).
      const verdict = readBatchItemFailures(outcome.value, new Set(messages.map((m) => m.messageId)), true);
      if (verdict.kind === 'partial') toDelete = messages.filter((m) => !verdict.failedIds.has(m.messageId));
      else failedInvocations++;
    }
    billedMs += Math.ceil(durationMs);
    environments.ended(environment, invokedAt + durationMs);
    agenda.push(invokedAt + durationMs, {
      kind: 'complete',
      invocation: { slot, environment: grant.environment, startedAt: now, messages, toDelete },
    });
  };

  const complete = (invocation: Invocation, now: number): void => {
    let nextPollAt = now;
    if (invocation.toDelete.length > 0) {
      sqs.delete++;
      const failures = queue.deleteNow(invocation.toDelete.map((m) => m.receiptHandle));
      const failed = new Set(failures.map((f) => f.receiptHandle));
      const deletedAt = now + rt.sqsDeleteMs;
      let deleted = 0;
      for (const message of invocation.toDelete) {
        if (failed.has(message.receiptHandle)) continue;
        deleted++;
        ages.push(deletedAt - message.sentTimestamp);
      }
      acknowledged += deleted;
      add(perSecond.acknowledged, secondOf(deletedAt), deleted);
      nextPollAt = deletedAt;
    }
    addConcurrency(invocation.startedAt, now);
    pool.release(invocation.environment);
    agenda.push(nextPollAt, { kind: 'poll', slot: invocation.slot });
  };

  // --- the run ---
  const arrivalsEndMs = startMs + shape.durationSeconds * 1000;
  const stopAtMs = arrivalsEndMs + options.maxDrainSeconds * 1000;
  publish(shape.backlog, 0);
  applyScaling(startMs);
  agenda.push(startMs, { kind: 'tick' });
  let tick = 0;
  let carry = 0;
  let burstDone = shape.burst === undefined;
  let endMs = startMs;

  for (let event = agenda.pop(); event !== undefined; event = agenda.pop()) {
    events++;
    const now = event.at;
    clock.advanceTo(now);
    const payload = event.payload;
    if (payload.kind === 'poll') {
      await poll(payload.slot, now);
      continue;
    }
    if (payload.kind === 'complete') {
      complete(payload.invocation, now);
      continue;
    }
    // A tick: arrivals for the next 100 ms, the mapping's scaling once a second, idle pollers woken.
    const seconds = (now - startMs) / 1000;
    carry += rateAt(shape, seconds) / TICKS_PER_SECOND;
    const due = Math.floor(carry);
    carry -= due;
    publish(due, seconds);
    if (!burstDone && shape.burst !== undefined && seconds >= shape.burst.atSeconds) {
      publish(shape.burst.messages, seconds);
      burstDone = true;
    }
    if (tick % TICKS_PER_SECOND === 0) {
      const backlog = visibleNow(now) && !idle.some((slot) => slotState[slot] === SLOT_IDLE);
      scaling.tick({ backlog, throttled: throttledThisSecond });
      throttledThisSecond = false;
      applyScaling(now);
      add(perSecond.mappingBatches, secondOf(now), scaling.concurrency);
    }
    tick++;
    if (visibleNow(now)) wakeOne(now);
    const arrivalsDone = now >= arrivalsEndMs && burstDone;
    if (arrivalsDone && queue.size === 0 && pool.running === 0) {
      drainedAt = now;
      endMs = now;
      break;
    }
    if (now >= stopAtMs) {
      endMs = now;
      break;
    }
    let next = now + TICK_MS;
    // Nothing to do until a held message becomes visible: jump there (the mapping idles meanwhile).
    if (arrivalsDone && pool.running === 0 && agenda.size === 0) {
      const visibleAt = queue.nextVisibleAt();
      if (visibleAt !== undefined && visibleAt > next) {
        const skipped = Math.min(Math.floor((visibleAt - now) / TICK_MS), Math.floor((stopAtMs - now) / TICK_MS));
        for (let s = 0; s < Math.floor(skipped / TICKS_PER_SECOND); s++)
          scaling.tick({ backlog: false, throttled: false });
        tick += skipped;
        next = now + Math.max(1, skipped) * TICK_MS;
        applyScaling(next);
      }
    }
    agenda.push(next, { kind: 'tick' });
  }
  for (const slot of idle) if (slotState[slot] === SLOT_IDLE) countIdleReceives(slot, endMs);

  // --- what became of every message ---
  const affected = new Set<string>();
  let validDeadLettered = 0;
  let poisonDeadLettered = 0;
  const orderIdOf = (body: string): string | undefined => {
    try {
      const envelope = JSON.parse(body) as { MessageId?: string; Message?: string };
      const order = JSON.parse(envelope.Message ?? '') as { orderId?: unknown };
      return typeof order.orderId === 'string' ? order.orderId : undefined;
    } catch {
      return undefined;
    }
  };
  for (const message of pipeline.deadLetterQueue.peekAll()) {
    const snsId = (JSON.parse(message.body) as { MessageId?: string }).MessageId ?? '';
    if (poisonSnsIds.has(snsId)) poisonDeadLettered++;
    else {
      validDeadLettered++;
      const orderId = orderIdOf(message.body);
      if (orderId !== undefined) affected.add(orderId);
    }
  }
  for (const message of queue.peekAll()) {
    const orderId = orderIdOf(message.body);
    if (orderId !== undefined) affected.add(orderId);
  }
  let storedWrong = 0;
  let matched = 0;
  for (const order of store.all()) {
    const expected = workload.expected.get(order.orderId);
    if (expected === undefined)
      storedWrong++; // never published as a valid event: poison got stored
    else if (order.timestamp === expected) matched++;
    else if (!affected.has(order.orderId)) storedWrong++;
  }
  let missing = 0;
  if (matched + storedWrong < workload.expected.size) {
    const stored = new Set(store.all().map((o) => o.orderId));
    for (const orderId of workload.expected.keys()) if (!stored.has(orderId) && !affected.has(orderId)) missing++;
  }
  const deadLettered = pipeline.deadLetterQueue.size;
  const remaining = queue.size;
  const agesMs = Float64Array.from(ages).sort();
  return {
    simulatedSeconds: (endMs - startMs) / 1000,
    drained: drainedAt !== undefined,
    drainSeconds: drainedAt === undefined ? undefined : (drainedAt - startMs) / 1000,
    arrivalsSeconds: shape.durationSeconds,
    agesMs,
    peakConcurrency: pool.peak,
    peakMappingBatches,
    coldStarts: pool.coldStarts - prewarmed,
    invocations,
    throttledInvocations: { ...pool.throttles },
    throttledRecords,
    timedOutInvocations: timedOut,
    failedInvocations,
    deliveries,
    dynamo: {
      writeUnits: table.writeUnits,
      throttledAttempts: table.throttled,
      throttledSaves: metrics.throttledSaves,
      failedSaves: limited.exhausted,
    },
    writeConcurrency: environments.writeConcurrency(),
    sqsRequests: { ...sqs, send: published },
    snsPublishes: published,
    lambdaGbSeconds: (billedMs / 1000) * (settings.memoryMb / 1024),
    published: { total: published, ...workload.published },
    acknowledged,
    deadLettered: { valid: validDeadLettered, poison: poisonDeadLettered },
    remaining,
    lost: published - acknowledged - deadLettered - remaining,
    storedWrong: storedWrong + missing,
    outcomes: { ...metrics.totals },
    simulatedEvents: events,
    wallMs: performance.now() - wallStart,
    seconds: perSecond,
  };
}
