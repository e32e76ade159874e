import {
  ESM_PROVISIONED_CONCURRENCY_PER_POLLER,
  ESM_PROVISIONED_MAX_CONCURRENCY,
  ESM_PROVISIONED_MAX_POLLERS_DEFAULT,
  ESM_PROVISIONED_MIN_POLLERS_DEFAULT,
  ESM_PROVISIONED_SCALE_UP_FACTOR,
  ESM_STANDARD_INITIAL_BATCHES,
  ESM_STANDARD_MAX_BATCHES,
  ESM_STANDARD_SCALE_UP_PER_MINUTE,
  MAXIMUM_CONCURRENCY_RANGE,
} from './aws-limits';

/** How the SQS event source mapping scales (see aws-limits.ts for the sources). */
export type EventSourceMappingScalingConfig =
  | { readonly mode: 'standard'; readonly maximumConcurrency?: number | undefined }
  | { readonly mode: 'provisioned'; readonly minimumPollers?: number; readonly maximumPollers?: number };

/** What the mapping saw in the last second: decides whether it grows, holds or shrinks. */
export interface ScalingObservation {
  /** Messages were visible on the queue (more work than the current batches took). */
  readonly backlog: boolean;
  /** At least one invocation was throttled: Lambda does not scale up while invocations fail. */
  readonly throttled: boolean;
}

/** The problems with a configuration, as sentences (empty: valid). */
export function scalingConfigProblems(config: EventSourceMappingScalingConfig): string[] {
  if (config.mode === 'standard') {
    const max = config.maximumConcurrency;
    if (max === undefined) return [];
    return Number.isInteger(max) && max >= MAXIMUM_CONCURRENCY_RANGE.min && max <= MAXIMUM_CONCURRENCY_RANGE.max
      ? []
      : [`MaximumConcurrency must be an integer from 2 to 1000, got ${max}`];
  }
  const min = config.minimumPollers ?? ESM_PROVISIONED_MIN_POLLERS_DEFAULT;
  const max = config.maximumPollers ?? ESM_PROVISIONED_MAX_POLLERS_DEFAULT;
  const problems: string[] = [];
  if (!Number.isInteger(min) || min < 2 || min > 200) problems.push(`MinimumPollers must be from 2 to 200, got ${min}`);
  if (!Number.isInteger(max) || max < min || max > 2_000)
    problems.push(`MaximumPollers must be from MinimumPollers (${min}) to 2000, got ${max}`);
  return problems;
}

/**
 * The number of batches the event source mapping processes at once, second by second: it starts
 * at its floor, grows at its documented rate while messages wait (not while invocations are
 * throttled), and falls back to the floor at the same rate when the queue is empty. Standard mode:
 * floor 5, +300 a minute, ceiling MaximumConcurrency or 1,000. Provisioned mode: floor
 * MinimumPollers × 10, three times as fast, ceiling MaximumPollers × 10 (at most 20,000).
 */
export class EventSourceMappingScaling {
  readonly floor: number;
  readonly ceiling: number;
  private readonly perSecond: number;
  private current: number;

  constructor(readonly config: EventSourceMappingScalingConfig) {
    const problems = scalingConfigProblems(config);
    if (problems.length > 0) throw new RangeError(problems.join('; '));
    if (config.mode === 'standard') {
      this.ceiling = Math.min(ESM_STANDARD_MAX_BATCHES, config.maximumConcurrency ?? ESM_STANDARD_MAX_BATCHES);
      this.floor = Math.min(ESM_STANDARD_INITIAL_BATCHES, this.ceiling);
      this.perSecond = ESM_STANDARD_SCALE_UP_PER_MINUTE / 60;
    } else {
      const perPoller = ESM_PROVISIONED_CONCURRENCY_PER_POLLER;
      this.floor = (config.minimumPollers ?? ESM_PROVISIONED_MIN_POLLERS_DEFAULT) * perPoller;
      this.ceiling = Math.min(
        ESM_PROVISIONED_MAX_CONCURRENCY,
        (config.maximumPollers ?? ESM_PROVISIONED_MAX_POLLERS_DEFAULT) * perPoller,
      );
      this.perSecond = (ESM_STANDARD_SCALE_UP_PER_MINUTE * ESM_PROVISIONED_SCALE_UP_FACTOR) / 60;
    }
    this.current = this.floor;
  }

  /** Batches the mapping may have in flight now. */
  get concurrency(): number {
    return Math.floor(this.current);
  }

  /** One second passed with what the mapping observed in it. */
  tick(observed: ScalingObservation): void {
    if (observed.backlog && !observed.throttled) this.current = Math.min(this.ceiling, this.current + this.perSecond);
    else if (!observed.backlog) this.current = Math.max(this.floor, this.current - this.perSecond);
  }
}
