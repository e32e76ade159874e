/** The Lambda handler's targets, checked against the run's figures. */
import { OURS_CONCURRENCY } from '../plan';
import { round } from '../stats';
import { table } from './format';
import type { BenchResults } from './results';

export interface Target {
  readonly id: string;
  readonly description: string;
  readonly value: number | undefined;
  readonly limit: number;
  /** Undefined when the figure was not measured. */
  readonly holds: boolean | undefined;
}

const BUNDLE_LIMIT_KB = 400;

/** An upper bound on `value`. */
function target(id: string, description: string, value: number | undefined, limit: number): Target {
  return {
    id,
    description,
    value: value === undefined ? undefined : round(value, 3),
    limit,
    holds: value === undefined ? undefined : value <= limit,
  };
}

export function handlerTargets({ oursRepository, coldStart, bundles, latency, cpu }: BenchResults): Target[] {
  // Ours' cold start and bundle mean nothing beside the references' when it could not start on DynamoDB.
  const comparable = oursRepository.comparable;
  const batchRatio = (pair: string, size: number) => latency.ratios[pair]?.[size]?.median;
  return [
    target(
      'cold_start_vs_seed',
      'cold start ≤ 1.10× seed-style (whole process, median of paired ratios)',
      comparable ? coldStart.wholeProcessRatios.ours_seed?.median : undefined,
      1.1,
    ),
    target(
      'cold_start_vs_powertools',
      'cold start ≤ 0.85× Powertools-style',
      comparable ? coldStart.wholeProcessRatios.ours_powertools?.median : undefined,
      0.85,
    ),
    target(
      'bundle_size',
      `bundle ≤ ${BUNDLE_LIMIT_KB} KB minified (bytes / 1000)`,
      comparable ? bundles.ours.bytes / 1000 : undefined,
      BUNDLE_LIMIT_KB,
    ),
    target('batch10_vs_seed', 'batch-of-10 latency ≤ 0.25× seed-style', batchRatio('ours_seed', 10), 0.25),
    target('batch10_vs_floor', 'batch-of-10 latency ≤ 1.10× floor', batchRatio('ours_floor', 10), 1.1),
    target(
      'batch100_vs_floor',
      `batch-of-100 latency ≤ 1.2× floor (floor all in flight; ours at ORDERS_CONCURRENCY=${OURS_CONCURRENCY})`,
      batchRatio('ours_floor', 100),
      1.2,
    ),
    target(
      `batch100_vs_floor@${OURS_CONCURRENCY}`,
      `batch-of-100 latency ≤ 1.2× floor held to the same bound (${OURS_CONCURRENCY} in flight)`,
      batchRatio(`ours_floor@${OURS_CONCURRENCY}`, 100),
      1.2,
    ),
    target('cpu_vs_floor', 'per-record CPU (in-memory) ≤ 1.5× floor', cpu.ratios.ours_floor?.median, 1.5),
  ];
}

export function targetsTable(targets: readonly Target[]): string {
  return table(
    'Targets: the Lambda handler',
    ['target', 'value', 'limit', 'holds'],
    targets.map((t) => [
      t.description,
      t.value === undefined ? '—' : String(t.value),
      String(t.limit),
      t.holds === undefined ? 'n/a' : t.holds ? 'yes' : 'NO',
    ]),
  );
}
