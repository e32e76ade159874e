import {
  DEFAULT_ROUND_TRIPS,
  DYNAMODB_ON_DEMAND_WARM_WCU,
  DYNAMODB_PARTITION_WCU_PER_SECOND,
  UNRESERVED_CONCURRENCY_MINIMUM,
} from '@orders/simulation';
import { type SimulationFacts, simulateCapacity } from './capacity-simulation';
import { projectDrainSeconds } from './drain-projection';
import { SIMULATE_DEFAULTS, type SimulateFlags, simulationOptionsFrom } from './simulate-flags';
import { type SimulateSummary, summarizeSimulation } from './simulate-summary';
import { STACK_DEFAULT_SETTINGS } from './stack-settings';

/**
 * docs/capacity.md's tables for 10, 100, 1,000 and 10,000 orders/s, from seeded runs of the simulator
 * on the stack's defaults (never the synthesized template, so the tables do not depend on a local
 * `pnpm synth`): the settings each rate needs, what a steady stream of it does, how long a backlog of
 * 1,000,000 takes and what a million orders cost. A unit test regenerates them and fails on drift.
 *
 * A 1,000,000-order backlog is not run message by message (minutes of CPU and gigabytes per row):
 * its drain time is projected (drain-projection.ts) from the rate one concurrent batch drains,
 * measured here, and each row's settings are checked against a discrete run of a smaller backlog.
 */

/**
 * The rates the tables plan for, and how long each steady run lasts: long enough for batches and
 * idle polls to average out at low rates, short enough at high ones (2 s of 10,000 orders/s is
 * 20,000 messages) for the drift test to stay well under a minute on a busy machine.
 */
export const CAPACITY_TABLE_SCENARIOS = [
  { rate: 10, steadySeconds: 120 },
  { rate: 100, steadySeconds: 60 },
  { rate: 1_000, steadySeconds: 15 },
  { rate: 10_000, steadySeconds: 2 },
] as const;

export const CAPACITY_TABLES_SEED = 1;

/** The backlog the tables answer for. */
export const PROJECTED_BACKLOG = 1_000_000;

/**
 * The settings keep the mapping's ceiling at least this many times the rate: a backlog then drains
 * at least as fast as the rate (net of arrivals), and a burst of twice the rate is absorbed.
 */
export const HEADROOM = 2;

/**
 * The table's warm throughput over the ceiling's drain rate: each partition at most 80 % busy when
 * the mapping drains at its ceiling, because orderIds spread over partitions unevenly and one
 * partition takes at most 1,000 WCU/s.
 */
export const TABLE_MARGIN = 1.25;

/** The calibration backlog: drained on the defaults in 8 s, 5 whole seconds of them counted at the mapping's ceiling. */
const CALIBRATION_BACKLOG = 12_000;
/** Each other setting's check: a backlog drained from a cold mapping (its ramp)… */
const CHECK_BACKLOG = 12_000;
/** …and, when that run never reaches the ceiling, this many seconds at the ceiling from a warm start. */
const WARM_CHECK_SECONDS = 1.2;
/** A projection further than this from its discrete run stops the generator: the tables would mislead. */
export const PROJECTION_TOLERANCE = 0.1;

/** The flags of one run, as `orders simulate` takes them (the rest are its defaults). */
export type CapacityRunFlags = Pick<
  SimulateFlags,
  'rate' | 'duration' | 'backlog' | 'warmStart' | 'maximumConcurrency' | 'tableWarmWcu' | 'accountConcurrency'
>;

/** What a row's deployment sets. */
export interface CapacitySettings {
  /** `-c maxConcurrency` (the reservation follows it: the stack's default). */
  readonly maximumConcurrency: number;
  readonly reservedConcurrency: number;
  readonly batchSize: number;
  /** The account's concurrent executions quota the row needs at least: the reservation + Lambda's 100 unreserved. */
  readonly accountConcurrencyNeeded: number;
  /** The quota the runs assume: the default 1,000 unless the row needs more. */
  readonly accountConcurrency: number;
  /** The table's warm write throughput the row needs (a new on-demand table's 4,000 when enough). */
  readonly tableWarmWcu: number;
}

export interface CapacityRow {
  readonly rate: number;
  readonly settings: CapacitySettings;
  /** Orders per second the mapping drains at its ceiling (MaximumConcurrency × the per-batch rate). */
  readonly ceilingRate: number;
  /** The steady run: `rate` orders/s for a while, the mapping and environments warm. */
  readonly steady: {
    readonly flags: CapacityRunFlags;
    readonly meanConcurrency: number;
    readonly peakConcurrency: number;
    readonly ageP99Seconds: number;
    readonly costPerMillionUsd: number;
  };
  /** Seconds until a 1,000,000-order backlog is gone while `rate` orders/s keep arriving (projected). */
  readonly projectedDrainSeconds: number | undefined;
}

/** A discrete run of a backlog next to what the projection says of it. */
export interface DrainCheck {
  readonly flags: CapacityRunFlags;
  readonly simulatedSeconds: number;
  readonly projectedSeconds: number;
}

export interface CapacityTables {
  readonly seed: number;
  /** Orders one concurrent batch drains per second while the queue is never empty. */
  readonly perBatchRate: number;
  readonly rows: readonly CapacityRow[];
  readonly checks: readonly DrainCheck[];
  readonly pricesAsOf: string;
  readonly region: string;
}

/** Something the tables cannot be built from: a run broke an invariant, or the projection strayed. */
export class CapacityTablesError extends Error {
  override readonly name = 'CapacityTablesError';
  readonly code = 'capacity_tables_invalid';
}

const roundUp = (value: number, step: number): number => Math.ceil(value / step) * step;
const round = (value: number, digits: number): number => Math.round(value * 10 ** digits) / 10 ** digits;

interface Run {
  readonly facts: SimulationFacts;
  readonly summary: SimulateSummary;
}

async function run(flags: CapacityRunFlags): Promise<Run> {
  const options = simulationOptionsFrom(STACK_DEFAULT_SETTINGS, {
    ...SIMULATE_DEFAULTS,
    seed: CAPACITY_TABLES_SEED,
    ...flags,
  });
  const facts = await simulateCapacity(options);
  const summary = summarizeSimulation(facts, options, { kind: 'defaults' });
  if (!summary.ok)
    throw new CapacityTablesError(`${describeRun(flags)} broke an invariant: ${summary.violations.join('; ')}`);
  return { facts, summary };
}

/** `orders simulate` with these flags, as the tables print it (the command reproduces the run). */
export function capacityRunCommand(flags: CapacityRunFlags): string {
  const parts = ['./orders simulate --no-template', `--rate ${flags.rate}`, `--duration ${flags.duration}`];
  if (flags.backlog !== SIMULATE_DEFAULTS.backlog) parts.push(`--backlog ${flags.backlog}`);
  if (flags.warmStart) parts.push('--warm-start');
  if (flags.maximumConcurrency !== undefined) parts.push(`--maximum-concurrency ${flags.maximumConcurrency}`);
  if (flags.tableWarmWcu !== SIMULATE_DEFAULTS.tableWarmWcu) parts.push(`--table-warm-wcu ${flags.tableWarmWcu}`);
  if (flags.accountConcurrency !== SIMULATE_DEFAULTS.accountConcurrency)
    parts.push(`--account-concurrency ${flags.accountConcurrency}`);
  return parts.join(' ');
}

const describeRun = (flags: CapacityRunFlags): string => `the run \`${capacityRunCommand(flags)}\``;

/**
 * Orders one concurrent batch drains per second: the calibration run's acknowledgements over its
 * batch-seconds, in the whole seconds after the mapping reached its ceiling (their environments warm)
 * and before the queue ran dry.
 */
export function perBatchRateOf(facts: SimulationFacts, ceiling: number): number {
  const { acknowledged, mappingBatches } = facts.seconds;
  const reached = mappingBatches.indexOf(ceiling);
  const lastFull = Math.floor(facts.drainSeconds ?? facts.simulatedSeconds) - 1;
  let messages = 0;
  let batchSeconds = 0;
  for (let second = reached + 1; reached >= 0 && second < lastFull; second++) {
    messages += acknowledged[second] ?? 0;
    batchSeconds += mappingBatches[second] ?? 0;
  }
  if (batchSeconds === 0)
    throw new CapacityTablesError(
      'the calibration run spent no whole second at the mapping ceiling: raise its backlog',
    );
  return messages / batchSeconds;
}

/** What a rate needs: the stack's defaults unless the ceiling would drain less than HEADROOM × the rate. */
export function settingsFor(rate: number, perBatchRate: number): CapacitySettings {
  const defaults = STACK_DEFAULT_SETTINGS;
  const least = defaults.maximumConcurrency ?? 10;
  const maximumConcurrency = Math.max(least, roundUp((HEADROOM * rate) / perBatchRate, 10));
  if (maximumConcurrency > 1_000)
    throw new CapacityTablesError(
      `${rate} orders/s needs MaximumConcurrency ${maximumConcurrency}, above the standard mapping's 1,000`,
    );
  const accountConcurrencyNeeded = maximumConcurrency + UNRESERVED_CONCURRENCY_MINIMUM;
  const ceilingWcu = maximumConcurrency * perBatchRate * TABLE_MARGIN;
  return {
    maximumConcurrency,
    reservedConcurrency: maximumConcurrency,
    batchSize: defaults.batchSize,
    accountConcurrencyNeeded,
    accountConcurrency: Math.max(SIMULATE_DEFAULTS.accountConcurrency, roundUp(accountConcurrencyNeeded, 100)),
    tableWarmWcu:
      ceilingWcu <= DYNAMODB_ON_DEMAND_WARM_WCU
        ? DYNAMODB_ON_DEMAND_WARM_WCU
        : roundUp(ceilingWcu, DYNAMODB_PARTITION_WCU_PER_SECOND),
  };
}

const coldStartSeconds = DEFAULT_ROUND_TRIPS.coldStartMs / 1000;

function project(
  settings: CapacitySettings,
  perBatchRate: number,
  backlog: number,
  rate: number,
  warmStart: boolean,
): number | undefined {
  return projectDrainSeconds({
    scaling: { mode: 'standard', maximumConcurrency: settings.maximumConcurrency },
    messagesPerBatchSecond: perBatchRate,
    coldStartSeconds,
    backlog,
    rate,
    warmStart,
  });
}

/** A discrete backlog run of `settings` next to its projection; throws when they differ by more than the tolerance. */
async function check(
  settings: CapacitySettings,
  perBatchRate: number,
  flags: CapacityRunFlags,
  done?: Run,
): Promise<DrainCheck> {
  const { facts } = done ?? (await run(flags));
  const projected = project(settings, perBatchRate, flags.backlog, flags.rate, flags.warmStart);
  if (facts.drainSeconds === undefined || projected === undefined)
    throw new CapacityTablesError(`${describeRun(flags)} did not drain`);
  const simulatedSeconds = facts.drainSeconds;
  if (Math.abs(projected - simulatedSeconds) > PROJECTION_TOLERANCE * simulatedSeconds)
    throw new CapacityTablesError(
      `the drain projection says ${round(projected, 1)} s for ${describeRun(flags)}, which took ${simulatedSeconds} s: more than ${PROJECTION_TOLERANCE * 100} % apart, so it cannot stand in for a 1,000,000-order run (drain-projection.ts)`,
    );
  return { flags, simulatedSeconds, projectedSeconds: round(projected, 1) };
}

const settingsFlags = (settings: CapacitySettings) => ({
  maximumConcurrency: settings.maximumConcurrency,
  tableWarmWcu: settings.tableWarmWcu,
  accountConcurrency: settings.accountConcurrency,
});

/**
 * Runs the seeded scenarios and builds the tables: a calibration backlog on the defaults, a steady
 * run per rate, and a backlog check of each setting the rates need. Deterministic for the code and
 * the model: the same tables on every machine. `onRun` hears of each run before it starts.
 */
export async function buildCapacityTables(onRun: (what: string) => void = () => {}): Promise<CapacityTables> {
  // The stack's defaults as they deploy: its MaximumConcurrency, a new on-demand table, the default quota.
  const defaultCeiling = STACK_DEFAULT_SETTINGS.maximumConcurrency ?? 10;
  const calibrationFlags: CapacityRunFlags = {
    rate: 0,
    duration: 0,
    backlog: CALIBRATION_BACKLOG,
    warmStart: false,
    maximumConcurrency: defaultCeiling,
    tableWarmWcu: SIMULATE_DEFAULTS.tableWarmWcu,
    accountConcurrency: SIMULATE_DEFAULTS.accountConcurrency,
  };
  onRun(`calibration: ${capacityRunCommand(calibrationFlags)}`);
  const calibration = await run(calibrationFlags);
  const perBatchRate = perBatchRateOf(calibration.facts, defaultCeiling);
  const defaults = settingsFor(0, perBatchRate);
  const calibrated = settingsFlags(defaults);
  if (
    calibrated.maximumConcurrency !== calibrationFlags.maximumConcurrency ||
    calibrated.tableWarmWcu !== calibrationFlags.tableWarmWcu ||
    calibrated.accountConcurrency !== calibrationFlags.accountConcurrency
  )
    throw new CapacityTablesError(
      `the stack's defaults do not meet the settings rule (${JSON.stringify(calibrated)}): calibrate on settings that do`,
    );

  const checks = new Map<number, DrainCheck[]>();
  checks.set(defaults.maximumConcurrency, [await check(defaults, perBatchRate, calibrationFlags, calibration)]);
  const rows: CapacityRow[] = [];
  let prices = { asOf: '', region: '' };
  for (const scenario of CAPACITY_TABLE_SCENARIOS) {
    const settings = settingsFor(scenario.rate, perBatchRate);
    const steadyFlags: CapacityRunFlags = {
      rate: scenario.rate,
      duration: scenario.steadySeconds,
      backlog: 0,
      warmStart: true,
      ...settingsFlags(settings),
    };
    onRun(`${scenario.rate} orders/s: ${capacityRunCommand(steadyFlags)}`);
    const steady = await run(steadyFlags);
    const r = steady.summary.results;
    if (r.throttled_invocations > 0 || r.dynamodb_throttles > 0)
      throw new CapacityTablesError(
        `${describeRun(steadyFlags)} was throttled (${r.throttled_invocations} invocations, ${r.dynamodb_throttles} DynamoDB writes): the settings rule no longer fits the model`,
      );
    prices = { asOf: steady.summary.cost.prices_as_of, region: steady.summary.cost.region };
    const seconds = steady.facts.seconds;
    const inArrivals = seconds.concurrencySeconds.slice(0, scenario.steadySeconds);
    rows.push({
      rate: scenario.rate,
      settings,
      ceilingRate: Math.floor(settings.maximumConcurrency * perBatchRate),
      steady: {
        flags: steadyFlags,
        meanConcurrency: round(inArrivals.reduce((a, b) => a + b, 0) / scenario.steadySeconds, 1),
        peakConcurrency: r.peak_concurrency,
        ageP99Seconds: r.message_age_s.p99,
        costPerMillionUsd: steady.summary.cost.per_million_orders_usd.total,
      },
      projectedDrainSeconds: project(settings, perBatchRate, PROJECTED_BACKLOG, scenario.rate, false),
    });
    if (!checks.has(settings.maximumConcurrency)) {
      const cold: CapacityRunFlags = {
        rate: 0,
        duration: 0,
        backlog: CHECK_BACKLOG,
        warmStart: false,
        ...settingsFlags(settings),
      };
      onRun(`check: ${capacityRunCommand(cold)}`);
      const coldRun = await run(cold);
      const own = [await check(settings, perBatchRate, cold, coldRun)];
      // The cold run drained before the mapping reached its ceiling: check the ceiling itself too.
      if (!coldRun.facts.seconds.mappingBatches.includes(settings.maximumConcurrency)) {
        const warm: CapacityRunFlags = {
          ...cold,
          backlog: roundUp(WARM_CHECK_SECONDS * settings.maximumConcurrency * perBatchRate, 1_000),
          warmStart: true,
        };
        onRun(`check: ${capacityRunCommand(warm)}`);
        own.push(await check(settings, perBatchRate, warm));
      }
      checks.set(settings.maximumConcurrency, own);
    }
  }
  return {
    seed: CAPACITY_TABLES_SEED,
    perBatchRate: round(perBatchRate, 1),
    rows,
    checks: [...checks.values()].flat(),
    pricesAsOf: prices.asOf,
    region: prices.region,
  };
}
