import { EventSourceMappingScaling, type EventSourceMappingScalingConfig } from '@orders/simulation';

/** What the projection needs: the mapping's scaling, and what one concurrent batch drains. */
export interface DrainProjectionInput {
  readonly scaling: EventSourceMappingScalingConfig;
  /**
   * Messages one of the mapping's concurrent batches drains per second while the queue is never
   * empty (receive, invoke, delete, receive again): measured by the discrete simulation.
   */
  readonly messagesPerBatchSecond: number;
  /** Seconds a new execution environment loses to its cold start (its first invocation only). */
  readonly coldStartSeconds: number;
  /** Messages waiting at the start. */
  readonly backlog: number;
  /** Messages arriving per second throughout. */
  readonly rate: number;
  /** The mapping starts at its ceiling with as many environments initialised (steady traffic, not a launch). */
  readonly warmStart?: boolean;
  /** Give up after this many seconds (the projection then says it never drains). */
  readonly limitSeconds?: number;
}

/**
 * Seconds until the queue is empty: a fluid model of the drain, second by second. The mapping
 * scales with the same model the simulator uses (EventSourceMappingScaling: 5 batches at first,
 * +300 a minute while messages wait, up to its ceiling); each batch drains `messagesPerBatchSecond`,
 * less a cold start for each batch the mapping adds. It stands in for a run message by message where
 * that run would take too long (a 1,000,000-message backlog through the real handler takes minutes
 * of CPU); a unit test holds it to the discrete simulation where both run. Undefined: the queue never
 * empties (the ceiling drains less than arrives).
 */
export function projectDrainSeconds(input: DrainProjectionInput): number | undefined {
  const scaling = new EventSourceMappingScaling(input.scaling);
  const limit = input.limitSeconds ?? 30 * 86_400;
  let waiting = input.backlog;
  let environments = 0;
  if (input.warmStart) {
    while (scaling.concurrency < scaling.ceiling) scaling.tick({ backlog: true, throttled: false });
    environments = scaling.ceiling;
  }
  for (let second = 0; second < limit; second++) {
    // The simulator's first scaling tick sees idle pollers, so growth starts after the first second.
    if (second > 0) scaling.tick({ backlog: waiting > 0, throttled: false });
    const batches = scaling.concurrency;
    const added = Math.max(0, batches - environments);
    environments = Math.max(environments, batches);
    const capacity = Math.max(0, (batches - added * input.coldStartSeconds) * input.messagesPerBatchSecond);
    waiting += input.rate;
    if (capacity >= waiting) return second + (capacity === 0 ? 0 : waiting / capacity);
    waiting -= capacity;
  }
  return undefined;
}
