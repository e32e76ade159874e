import { deadLetterTimeline } from '@orders/core';
import { type CostBreakdown, costOf, EventSourceMappingScaling } from '@orders/simulation';
import type { SimulationFacts } from './capacity-simulation';
import type { SimulationOptions } from './simulation-options';
import type { SettingsSource } from './stack-settings';

const round = (value: number, digits = 3): number => {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
};

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/** The summary `orders simulate --json` prints; every key is stable (a test holds them). */
export interface SimulateSummary {
  readonly ok: boolean;
  readonly violations: readonly string[];
  readonly settings: {
    readonly source: string;
    readonly batch_size: number;
    readonly maximum_concurrency: number | null;
    readonly reserved_concurrency: number | null;
    readonly function_timeout_s: number;
    readonly memory_mb: number;
    readonly visibility_timeout_s: number;
    readonly max_receive_count: number;
    readonly retry_pacing: {
      readonly base_delay_s: number;
      readonly backoff_factor: number;
      readonly max_delay_s: number;
      readonly jitter_ratio: number;
    };
    readonly use_case_concurrency: number;
    /** The outage the pacing promises to survive without dead-lettering a valid message. */
    readonly promised_window_s: number;
    /**
     * Reserved concurrency covers everything the mapping can poll for (MaximumConcurrency, or the
     * mode's ceiling): the account's other functions cannot throttle the function (ADR 6).
     */
    readonly throttle_safe: boolean;
  };
  readonly platform: {
    readonly account_concurrency: number;
    readonly other_functions_concurrency: number;
    readonly esm_mode: 'standard' | 'provisioned';
    readonly minimum_pollers: number | null;
    readonly maximum_pollers: number | null;
    readonly table_warm_wcu: number;
    readonly round_trips_ms: Readonly<Record<string, number>>;
    readonly throttle_backoff_ms: number;
  };
  readonly workload: {
    readonly seed: number;
    /** The run started with the mapping scaled and environments initialised (steady traffic, not a launch). */
    readonly warm_start: boolean;
    readonly rate: number;
    readonly ramp_to: number | null;
    readonly duration_s: number;
    readonly backlog: number;
    readonly burst: { readonly at_s: number; readonly messages: number } | null;
    readonly hot_key_share: number;
    readonly hot_keys: number;
    /** When the hot orders get their share (null: the whole run). */
    readonly hot_key_window: { readonly start_s: number; readonly duration_s: number } | null;
    readonly poison_rate: number;
    readonly duplicate_rate: number;
    readonly outage: { readonly start_s: number; readonly duration_s: number; readonly class: string } | null;
    readonly throttle: {
      readonly start_s: number;
      readonly duration_s: number;
      readonly cause: string;
      readonly concurrency_left: number;
    } | null;
  };
  readonly results: {
    readonly published: number;
    readonly valid_published: number;
    readonly poison_published: number;
    readonly drained: boolean;
    readonly time_to_drain_s: number | null;
    readonly simulated_s: number;
    readonly message_age_s: { readonly p50: number; readonly p99: number; readonly max: number };
    /** Invocation-seconds over the simulated seconds: the function's concurrency on average. */
    readonly mean_concurrency: number;
    readonly peak_concurrency: number;
    readonly peak_mapping_batches: number;
    readonly cold_starts: number;
    readonly invocations: number;
    readonly failed_invocations: number;
    readonly timed_out_invocations: number;
    readonly throttled_invocations: number;
    readonly throttled_by: Readonly<Record<string, number>>;
    readonly throttled_records: number;
    /** PutItem attempts a partition throttled (the SDK retried them, or gave up). */
    readonly dynamodb_throttles: number;
    /** Saves whose every attempt was throttled: they failed into the handler's paced retries. */
    readonly dynamodb_throttled_saves: number;
    /** Saves throttled on some attempt, retried to success or not, as the handler counted them (its `throttledSaves` metric). */
    readonly throttled_saves: number;
    /**
     * The execution environments' adaptive limits on saves in flight: `configured` (the ceiling,
     * ORDERS_CONCURRENCY), the `lowest` any environment ended an invocation with, and the lowest
     * among those in use as the run ended (`final`: an invocation in the last 10 s of them).
     */
    readonly write_concurrency: { readonly configured: number; readonly lowest: number; readonly final: number };
    readonly receives_per_message: number;
    readonly outcomes: Readonly<Record<string, number>>;
    readonly valid_dead_lettered: number;
    readonly poison_dead_lettered: number;
    readonly remaining: number;
    readonly lost: number;
    readonly stored_wrong: number;
  };
  readonly cost: {
    readonly prices_as_of: string;
    readonly region: string;
    readonly usage: {
      readonly lambda_requests: number;
      readonly lambda_gb_s: number;
      readonly sqs_requests: number;
      readonly sns_publishes: number;
      readonly dynamodb_wru: number;
    };
    /** Dollars per million messages published (orders, their later events, duplicates and poison). */
    readonly per_million_orders_usd: Readonly<Record<keyof CostBreakdown, number>>;
  };
  /** Wall-clock figures: the only part that differs between two runs with the same seed. */
  readonly performance: { readonly simulated_events: number; readonly wall_s: number; readonly events_per_s: number };
}

/** Keys whose values depend on the machine, not on the seed. */
export const NONDETERMINISTIC_SUMMARY_KEYS = ['performance'] as const;

/** The invariants: nothing lost, nothing stored wrong, no valid message dead-lettered inside the promised window. */
export function simulationViolations(
  facts: SimulationFacts,
  options: SimulationOptions,
  promisedSeconds: number,
): string[] {
  const violations: string[] = [];
  if (facts.lost !== 0)
    violations.push(
      `lost: ${facts.lost} messages were neither acknowledged after success, nor in OrderDLQ, nor on the queue`,
    );
  if (facts.storedWrong !== 0)
    violations.push(
      `stored_wrong: ${facts.storedWrong} orders are not stored at the greatest event published for them`,
    );
  const windows = [options.outage, options.throttle].filter((w) => w !== undefined);
  const longest = Math.max(0, ...windows.map((w) => w.durationSeconds));
  if (facts.deadLettered.valid > 0 && longest < promisedSeconds) {
    const cause =
      windows.length === 0
        ? 'with no outage or throttling window at all'
        : `in a ${longest} s window, shorter than the ${promisedSeconds} s the settings promise (maxReceiveCount × retry pacing)`;
    // Throttled batches never reach the handler, so its pacing cannot hold them (ADR 6).
    const throttled =
      facts.throttledRecords > 0
        ? `; ${facts.throttledRecords} records were in throttled batches, each receive spent without the handler (reserved concurrency ${reservationOf(options)}, MaximumConcurrency ${options.settings.maximumConcurrency ?? 'none'})`
        : '';
    violations.push(
      `valid_dead_lettered: ${facts.deadLettered.valid} valid messages reached OrderDLQ ${cause}${throttled}`,
    );
  }
  return violations;
}

/** The reservation the run had: the window's when a `reserved` throttle window lowered it. */
function reservationOf(options: SimulationOptions): string {
  const reserved = String(options.settings.reservedConcurrency ?? 'none');
  const throttle = options.throttle;
  return throttle?.cause === 'reserved' ? `${reserved}, ${throttle.concurrencyLeft} inside the window` : reserved;
}

export function summarizeSimulation(
  facts: SimulationFacts,
  options: SimulationOptions,
  source: SettingsSource,
): SimulateSummary {
  const { settings, platform, workload } = options;
  const promised = deadLetterTimeline(settings.maxReceiveCount, settings.retryPacing).survivableOutageSeconds;
  const violations = simulationViolations(facts, options, promised);
  const throttled = Object.values(facts.throttledInvocations).reduce((a, b) => a + b, 0);
  const sqsRequests = Object.values(facts.sqsRequests).reduce((a, b) => a + b, 0);
  const usage = {
    lambdaRequests: facts.invocations,
    lambdaGbSeconds: facts.lambdaGbSeconds,
    sqsRequests,
    snsPublishes: facts.snsPublishes,
    dynamoWriteUnits: facts.dynamo.writeUnits,
  };
  const cost = costOf(usage, options.prices);
  const perMillion = facts.published.total === 0 ? 0 : 1e6 / facts.published.total;
  const scaling = platform.scaling;
  return {
    ok: violations.length === 0,
    violations,
    settings: {
      source: source.kind === 'template' ? `template ${source.path}` : 'stack defaults',
      batch_size: settings.batchSize,
      maximum_concurrency: settings.maximumConcurrency ?? null,
      reserved_concurrency: settings.reservedConcurrency ?? null,
      function_timeout_s: settings.functionTimeoutSeconds,
      memory_mb: settings.memoryMb,
      visibility_timeout_s: settings.visibilityTimeoutSeconds,
      max_receive_count: settings.maxReceiveCount,
      retry_pacing: {
        base_delay_s: settings.retryPacing.baseDelaySeconds,
        backoff_factor: settings.retryPacing.backoffFactor,
        max_delay_s: settings.retryPacing.maxDelaySeconds,
        jitter_ratio: settings.retryPacing.jitterRatio,
      },
      use_case_concurrency: settings.useCaseConcurrency,
      promised_window_s: promised,
      throttle_safe:
        settings.reservedConcurrency !== undefined &&
        settings.reservedConcurrency >= new EventSourceMappingScaling(scaling).ceiling,
    },
    platform: {
      account_concurrency: platform.accountConcurrency,
      other_functions_concurrency: platform.otherFunctionsConcurrency,
      esm_mode: scaling.mode,
      minimum_pollers: scaling.mode === 'provisioned' ? (scaling.minimumPollers ?? null) : null,
      maximum_pollers: scaling.mode === 'provisioned' ? (scaling.maximumPollers ?? null) : null,
      table_warm_wcu: platform.tableWarmWriteUnits,
      round_trips_ms: { ...platform.roundTrips },
      throttle_backoff_ms: platform.throttleBackoffMs,
    },
    workload: {
      seed: options.seed,
      warm_start: options.warmStart === true,
      rate: workload.rate,
      ramp_to: workload.rampTo ?? null,
      duration_s: workload.durationSeconds,
      backlog: workload.backlog,
      burst: workload.burst ? { at_s: workload.burst.atSeconds, messages: workload.burst.messages } : null,
      hot_key_share: workload.hotKeyShare,
      hot_keys: workload.hotKeys,
      hot_key_window: workload.hotKeyWindow
        ? { start_s: workload.hotKeyWindow.startSeconds, duration_s: workload.hotKeyWindow.durationSeconds }
        : null,
      poison_rate: workload.poisonRate,
      duplicate_rate: workload.duplicateRate,
      outage: options.outage
        ? {
            start_s: options.outage.startSeconds,
            duration_s: options.outage.durationSeconds,
            class: options.outage.failureClass,
          }
        : null,
      throttle: options.throttle
        ? {
            start_s: options.throttle.startSeconds,
            duration_s: options.throttle.durationSeconds,
            cause: options.throttle.cause,
            concurrency_left: options.throttle.concurrencyLeft,
          }
        : null,
    },
    results: {
      published: facts.published.total,
      valid_published: facts.published.valid,
      poison_published: facts.published.poison,
      drained: facts.drained,
      time_to_drain_s: facts.drainSeconds === undefined ? null : round(facts.drainSeconds, 1),
      simulated_s: round(facts.simulatedSeconds, 1),
      message_age_s: {
        p50: round(percentile(facts.agesMs, 50) / 1000),
        p99: round(percentile(facts.agesMs, 99) / 1000),
        max: round((facts.agesMs[facts.agesMs.length - 1] ?? 0) / 1000),
      },
      mean_concurrency:
        facts.simulatedSeconds === 0
          ? 0
          : round(facts.seconds.concurrencySeconds.reduce((a, b) => a + b, 0) / facts.simulatedSeconds, 2),
      peak_concurrency: facts.peakConcurrency,
      peak_mapping_batches: facts.peakMappingBatches,
      cold_starts: facts.coldStarts,
      invocations: facts.invocations,
      failed_invocations: facts.failedInvocations,
      timed_out_invocations: facts.timedOutInvocations,
      throttled_invocations: throttled,
      throttled_by: { ...facts.throttledInvocations },
      throttled_records: facts.throttledRecords,
      dynamodb_throttles: facts.dynamo.throttledAttempts,
      dynamodb_throttled_saves: facts.dynamo.failedSaves,
      throttled_saves: facts.dynamo.throttledSaves,
      write_concurrency: { ...facts.writeConcurrency },
      receives_per_message: facts.published.total === 0 ? 0 : round(facts.deliveries / facts.published.total),
      outcomes: facts.outcomes,
      valid_dead_lettered: facts.deadLettered.valid,
      poison_dead_lettered: facts.deadLettered.poison,
      remaining: facts.remaining,
      lost: facts.lost,
      stored_wrong: facts.storedWrong,
    },
    cost: {
      prices_as_of: options.prices.asOf,
      region: options.prices.region,
      usage: {
        lambda_requests: usage.lambdaRequests,
        lambda_gb_s: round(usage.lambdaGbSeconds),
        sqs_requests: usage.sqsRequests,
        sns_publishes: usage.snsPublishes,
        dynamodb_wru: usage.dynamoWriteUnits,
      },
      per_million_orders_usd: {
        lambdaRequests: round(cost.lambdaRequests * perMillion, 4),
        lambdaDuration: round(cost.lambdaDuration * perMillion, 4),
        sqs: round(cost.sqs * perMillion, 4),
        sns: round(cost.sns * perMillion, 4),
        dynamodb: round(cost.dynamodb * perMillion, 4),
        total: round(cost.total * perMillion, 4),
      },
    },
    performance: {
      simulated_events: facts.simulatedEvents,
      wall_s: round(facts.wallMs / 1000, 2),
      events_per_s: facts.wallMs === 0 ? 0 : Math.round(facts.simulatedEvents / (facts.wallMs / 1000)),
    },
  };
}

/** The summary as a short table for a terminal. */
export function formatSimulateTable(summary: SimulateSummary): string {
  const r = summary.results;
  const s = summary.settings;
  const c = summary.cost;
  const rows: [string, string][] = [
    [
      'settings',
      `${s.source}: batch ${s.batch_size}, MaximumConcurrency ${s.maximum_concurrency ?? 'none'}, reserved ${s.reserved_concurrency ?? 'none'}${s.throttle_safe ? ' (throttle-safe)' : ''}, visibility ${s.visibility_timeout_s} s, maxReceiveCount ${s.max_receive_count}`,
    ],
    ['published', `${r.published} (${r.valid_published} valid, ${r.poison_published} poison)`],
    [
      'time to drain',
      r.drained ? `${r.time_to_drain_s} s` : `not drained after ${r.simulated_s} s (${r.remaining} left)`,
    ],
    ['message age', `p50 ${r.message_age_s.p50} s, p99 ${r.message_age_s.p99} s, max ${r.message_age_s.max} s`],
    [
      'peak concurrency',
      `${r.peak_concurrency} (mean ${r.mean_concurrency}, mapping batches ${r.peak_mapping_batches}, cold starts ${r.cold_starts})`,
    ],
    [
      'throttled invocations',
      `${r.throttled_invocations} (${r.throttled_records} records${throttleCauses(r.throttled_by)})`,
    ],
    [
      'DynamoDB throttles',
      `${r.dynamodb_throttles} attempts; ${r.throttled_saves} saves throttled, ${r.dynamodb_throttled_saves} of them failed`,
    ],
    ['write concurrency', writeConcurrencyRow(r.write_concurrency)],
    ['receives per message', String(r.receives_per_message)],
    ['valid dead-lettered', `${r.valid_dead_lettered} (promised window ${s.promised_window_s} s)`],
    ['poison dead-lettered', String(r.poison_dead_lettered)],
    ['lost', String(r.lost)],
    ['stored wrong', String(r.stored_wrong)],
    ['cost per million orders', `$${c.per_million_orders_usd.total} (${c.region}, list prices ${c.prices_as_of})`],
    [
      'simulated',
      `${summary.performance.simulated_events} events in ${summary.performance.wall_s} s (${summary.performance.events_per_s}/s)`,
    ],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return `${rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n')}\n`;
}

/** `lowest 1, final 78 (configured 100; …)`: how far the environments cut their saves in flight, and where they ended. */
function writeConcurrencyRow(limits: SimulateSummary['results']['write_concurrency']): string {
  const { configured, lowest, final } = limits;
  if (lowest === configured) return `${configured} (configured; never cut)`;
  return `lowest ${lowest}, final ${final} (configured ${configured}; final: environments that ran in the last 10 s)`;
}

/** `; reserved-concurrency 12, account-concurrency 3`: the causes that throttled anything. */
function throttleCauses(byCause: Readonly<Record<string, number>>): string {
  const causes = Object.entries(byCause).filter(([, count]) => count > 0);
  return causes.length === 0 ? '' : `; ${causes.map(([cause, count]) => `${cause} ${count}`).join(', ')}`;
}
