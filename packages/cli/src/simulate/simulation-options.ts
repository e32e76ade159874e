import type { InfrastructureFailureClass } from '@orders/core';
import type { EventSourceMappingScalingConfig, ListPrices, RoundTrips } from '@orders/simulation';
import type { SimulatedStackSettings } from './stack-settings';
import type { WorkloadShape } from './simulated-workload';

/** A window of simulated time, in seconds from the start of the run. */
export interface TimeWindow {
  readonly startSeconds: number;
  readonly durationSeconds: number;
}

/**
 * Why the function is throttled inside the window (ADR 6 tells them apart):
 * - `account`: the account's other functions use all of its unreserved pool but `concurrencyLeft`.
 *   A function with reserved concurrency keeps its reservation (carved out of the pool) and is not
 *   throttled up to it; one without gets `concurrencyLeft`.
 * - `reserved`: the function's reserved concurrency is `concurrencyLeft` inside the window, below
 *   what the mapping polls for (lowered by hand; 0 is the console's Throttle button). Synth refuses
 *   to deploy such a reservation, so this is a change made outside the stack, which only the
 *   Throttles alarm catches.
 * Either way `concurrencyLeft` invocations can still run (default 0).
 */
export interface ThrottleWindow extends TimeWindow {
  readonly cause: 'account' | 'reserved';
  readonly concurrencyLeft: number;
}

export interface OutageWindowOptions extends TimeWindow {
  readonly failureClass: InfrastructureFailureClass;
}

/** The AWS account and services around the stack: what the stack does not configure. */
export interface PlatformSettings {
  /** The account's concurrent executions quota (default 1,000). */
  readonly accountConcurrency: number;
  /** Concurrency the account's other functions use all the time. */
  readonly otherFunctionsConcurrency: number;
  readonly scaling: EventSourceMappingScalingConfig;
  /** The table's warm write throughput (on-demand new table: 4,000 WCU/s). */
  readonly tableWarmWriteUnits: number;
  readonly roundTrips: RoundTrips;
  /** ASSUMPTION: how long a poller waits after a throttled invocation before it receives again. */
  readonly throttleBackoffMs: number;
}

export interface SimulationOptions {
  readonly settings: SimulatedStackSettings;
  readonly platform: PlatformSettings;
  readonly workload: WorkloadShape;
  readonly outage?: OutageWindowOptions | undefined;
  readonly throttle?: ThrottleWindow | undefined;
  /**
   * Steady traffic rather than a launch: the mapping starts at its ceiling (as after a sustained
   * backlog) with as many execution environments initialised; it scales down as the traffic allows.
   */
  readonly warmStart?: boolean | undefined;
  readonly prices: ListPrices;
  readonly seed: number;
  /** The run stops (undrained) this many simulated seconds after the arrivals end. */
  readonly maxDrainSeconds: number;
}
