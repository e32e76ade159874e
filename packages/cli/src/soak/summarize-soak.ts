import type { SoakFacts, SoakVerdict } from './soak-invariants';
import type { SoakOptions } from './soak-options';
import type { DrainsObserved } from './soak-facts';
import { type SoakOptionsSummary, type SoakSummary, summaryDigest, tableDigest } from './soak-summary';
import type { SoakSystem } from './soak-system';
import { snakeCaseKeys } from './summary-keys';
import type { IdentifiedMessages } from './soak-target';
import type { SoakWorkload, ValidPlanned } from './soak-workload';

/** `performance.now()` at the end of each phase, for `elapsed_ms` and `timings_ms`. */
export interface SoakMarks {
  readonly started: number;
  readonly published: number;
  readonly drained: number;
  readonly redriven: number;
  readonly checked: number;
}

/** Everything a finished run knows, from which the summary is written. */
export interface FinishedSoak {
  readonly options: SoakOptions;
  readonly workload: SoakWorkload;
  readonly system: SoakSystem;
  readonly drains: DrainsObserved;
  readonly facts: SoakFacts;
  readonly identified: IdentifiedMessages;
  readonly verdict: SoakVerdict;
  /** The target's own detail (`SoakTarget.describe`); undefined for the in-memory target. */
  readonly target: Readonly<Record<string, unknown>> | undefined;
  readonly marks: SoakMarks;
}

type SummaryWithoutDigest = Omit<SoakSummary, 'digest' | 'timings_ms'>;

const round = (ms: number): number => Math.round(ms);

/**
 * The printed summary: the headline figures, then the detail, then the digest of everything
 * deterministic and the timings. The order of the keys is part of the digest.
 */
export function summarizeSoak(run: FinishedSoak): SoakSummary {
  const withoutDigest: SummaryWithoutDigest = {
    ...headline(run),
    ...detail(run),
    // Only when there is something to say, so the in-memory summary (and its digest) keeps its shape.
    ...(run.target === undefined ? {} : { target: run.target }),
  };
  const { marks } = run;
  return {
    ...withoutDigest,
    digest: summaryDigest(withoutDigest),
    timings_ms: {
      publish: round(marks.published - marks.started),
      drain: round(marks.drained - marks.published),
      redrive: round(marks.redriven - marks.drained),
      check: round(marks.checked - marks.redriven),
    },
  };
}

/** What the soak is run for: the counts, the two figures that must be 0, the verdict. */
function headline({ workload, drains, facts, verdict, marks, options }: FinishedSoak) {
  const published = workload.messages.length;
  const valid = validMessages(workload).length;
  return {
    published,
    valid,
    poison: published - valid,
    stored_orders: facts.storedOrders.size,
    dlq_after_drain: drains.deadLettersAfterDrain.length,
    dlq_after_redrive: drains.deadLettersAfterRedrive.length,
    lost: verdict.lost,
    stale_overwrites: verdict.staleOverwrites,
    table_digest: tableDigest(facts.storedOrders.values()),
    max_receive_count_seen: verdict.maxReceiveCountSeen,
    elapsed_ms: round(marks.checked - marks.started),
    ok: verdict.violations.length === 0,
    violations: verdict.violations,
    seed: options.seed,
  } satisfies Partial<SummaryWithoutDigest>;
}

/** How the run got there: what was delivered, what the handler answered, what was injected. */
function detail({ options, workload, system, drains, facts, identified, verdict }: FinishedSoak) {
  const { ledger, metrics } = system;
  return {
    options: optionsSummary(options),
    orders: facts.expectedOrders.size,
    unexpected_orders: verdict.unexpectedOrders,
    lost_detail: verdict.lostDetail,
    acknowledged: identified.acknowledged.size,
    redriven: drains.redriven,
    max_receive_count_delivered: ledger.maxReceiveCountDelivered,
    invocations: ledger.invocations,
    deliveries: ledger.deliveries,
    outcomes: { ...metrics.totals },
    phases: { drain: drains.drain.summary, redrive: drains.redrive.summary },
    faults_injected: faultsInjected(system),
    ...(facts.outage ? { outage: outageSummary(options, facts.outage) } : {}),
    workload: workloadSummary(workload),
  } satisfies Partial<SummaryWithoutDigest>;
}

/**
 * The options field by field under their summary names, in the order the command line builds them
 * (the key order is part of the digest, and no longer depends on how a caller ordered its object).
 */
export function optionsSummary(options: SoakOptions): SoakOptionsSummary {
  return {
    messages: options.messages,
    fault_rate: options.faultRate,
    fault_mode: options.faultMode,
    poison_rate: options.poisonRate,
    duplicate_rate: options.duplicateRate,
    reorder_rate: options.reorderRate,
    tie_rate: options.tieRate,
    crash_rate: options.crashRate,
    max_receive_count: options.maxReceiveCount,
    batch_size: options.batchSize,
    seed: options.seed,
    ...(options.deliverySeed === undefined ? {} : { delivery_seed: options.deliverySeed }),
    ...(options.outage === undefined
      ? {}
      : {
          outage: {
            start_s: options.outage.startSeconds,
            duration_s: options.outage.durationSeconds,
            failure_class: options.outage.failureClass,
          },
        }),
    raw_delivery: options.rawDelivery,
  };
}

function faultsInjected({ faultyStore, ledger }: SoakSystem): SoakSummary['faults_injected'] {
  const injected = faultyStore.injected;
  return {
    before_write: injected.beforeWrite,
    after_write: injected.afterWrite,
    read: injected.read,
    crashes: ledger.crashes,
  };
}

function outageSummary(options: SoakOptions, outage: NonNullable<SoakFacts['outage']>): SoakSummary['outage'] {
  return {
    start_s: options.outage?.startSeconds ?? 0,
    duration_s: outage.durationSeconds,
    failure_class: options.outage?.failureClass ?? 'systemic',
    survivable_s: outage.survivableSeconds,
    refused_calls: outage.refusedCalls,
    valid_dead_lettered: outage.validDeadLetteredByOutage.length,
  };
}

/** What the workload held, to show the run exercised what it claims to. */
function workloadSummary(workload: SoakWorkload): SoakSummary['workload'] {
  const valid = validMessages(workload);
  return {
    duplicates_republished: valid.filter((m) => m.duplicate?.kind === 'republish').length,
    duplicates_sns_redelivered: valid.filter((m) => m.duplicate?.kind === 'sns-redelivery').length,
    reordered_orders: workload.stats.reorderedOrders,
    ties_different_content: workload.stats.ties.differentContent,
    ties_same_content_respelled: workload.stats.ties.sameContentRespelled,
    offset_timestamps: valid.filter((m) => !m.duplicate && !m.order.timestamp.endsWith('Z')).length,
    poison_kinds: snakeCaseKeys(workload.stats.poisonKinds),
  };
}

function validMessages(workload: SoakWorkload): ValidPlanned[] {
  return workload.messages.filter((m): m is ValidPlanned => m.kind === 'valid');
}
