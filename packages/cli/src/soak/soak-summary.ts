import { createHash } from 'node:crypto';
import { compareCodePoints, type MessageStatus, type Order, serializeOrder } from '@orders/core';
import type { LostDetail } from './soak-invariants';
import type { FaultMode } from './soak-options';

export type OutcomeCounts = Record<MessageStatus, number>;

export interface PhaseSummary {
  readonly invocations: number;
  readonly deliveries: number;
  readonly acknowledged: number;
  readonly crashed_invocations: number;
  readonly outcomes: OutcomeCounts;
}

/**
 * The soak's result, as printed: the fields the issue asks for first, then the detail. Every key,
 * nested ones included, is snake_case (`summary-keys.ts` converts the ones that come from data).
 */
export interface SoakSummary {
  readonly published: number;
  readonly valid: number;
  readonly poison: number;
  readonly stored_orders: number;
  readonly dlq_after_drain: number;
  readonly dlq_after_redrive: number;
  readonly lost: number;
  readonly stale_overwrites: number;
  /** sha256 (16 hex digits) of the final table, every stored field byte for byte: equal for every delivery order. */
  readonly table_digest: string;
  readonly max_receive_count_seen: number;
  readonly elapsed_ms: number;
  readonly ok: boolean;
  readonly violations: readonly string[];
  readonly seed: number;
  readonly options: SoakOptionsSummary;
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
  readonly outcomes: OutcomeCounts;
  readonly phases: { readonly drain: PhaseSummary; readonly redrive: PhaseSummary };
  readonly faults_injected: {
    readonly before_write: number;
    readonly after_write: number;
    readonly read: number;
    readonly crashes: number;
  };
  /** Set when `--outage` injected a store outage: what it did against the window the pacing survives. */
  readonly outage?: {
    readonly start_s: number;
    readonly duration_s: number;
    readonly failure_class: string;
    readonly survivable_s: number;
    readonly refused_calls: number;
    readonly valid_dead_lettered: number;
  };
  readonly workload: {
    readonly duplicates_republished: number;
    readonly duplicates_sns_redelivered: number;
    readonly reordered_orders: number;
    readonly ties_different_content: number;
    readonly ties_same_content_respelled: number;
    readonly offset_timestamps: number;
    readonly poison_kinds: Readonly<Record<string, number>>;
  };
  /**
   * Where the soak ran, when not on the in-memory simulator: the target, its resources and what
   * to know about it (e.g. the emulator's caveats). Absent for the in-memory target.
   */
  readonly target?: Readonly<Record<string, unknown>>;
  /** sha256 of this summary without its timings: equal for equal seeds and options (in-memory target). */
  readonly digest: string;
  readonly timings_ms: {
    readonly publish: number;
    readonly drain: number;
    readonly redrive: number;
    readonly check: number;
  };
  /** Set by `--check-determinism`: the soak ran twice with the same options. */
  readonly determinism_check?: { readonly runs: number; readonly same: boolean; readonly digests: readonly string[] };
  /** Set by `--check-convergence`: the same events ran again in another delivery order. */
  readonly convergence_check?: {
    readonly delivery_seeds: readonly (number | null)[];
    readonly same: boolean;
    readonly table_digests: readonly string[];
  };
}

/** The options the soak ran with (`SoakOptions`), under the summary's key names. */
export interface SoakOptionsSummary {
  readonly messages: number;
  readonly fault_rate: number;
  readonly fault_mode: FaultMode;
  readonly poison_rate: number;
  readonly duplicate_rate: number;
  readonly reorder_rate: number;
  readonly tie_rate: number;
  readonly crash_rate: number;
  readonly max_receive_count: number;
  readonly batch_size: number;
  readonly seed: number;
  readonly delivery_seed?: number;
  readonly outage?: { readonly start_s: number; readonly duration_s: number; readonly failure_class: string };
  readonly raw_delivery: boolean;
}

/** Keys that change from run to run (wall-clock time): left out of determinism checks and the digest. */
export const NONDETERMINISTIC_KEYS = [
  'elapsed_ms',
  'timings_ms',
  'digest',
  'determinism_check',
  'convergence_check',
] as const;

/** The summary without its wall-clock fields: what must be identical for the same seed. */
export function deterministicPart(summary: SoakSummary): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...summary };
  for (const key of NONDETERMINISTIC_KEYS) delete copy[key];
  return copy;
}

/** The first 16 hex digits of the sha256 of the summary's deterministic part. */
export function summaryDigest(summary: Omit<SoakSummary, 'digest' | 'timings_ms'>): string {
  return createHash('sha256')
    .update(JSON.stringify(deterministicPart(summary as SoakSummary)))
    .digest('hex')
    .slice(0, 16);
}

/** The first 16 hex digits of the sha256 of the table: each order as published JSON, sorted by id. */
export function tableDigest(orders: Iterable<Order>): string {
  const sorted = [...orders].sort((a, b) => compareCodePoints(a.orderId, b.orderId));
  const hash = createHash('sha256');
  for (const order of sorted) hash.update(`${serializeOrder(order)}\n`);
  return hash.digest('hex').slice(0, 16);
}
