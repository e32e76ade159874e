import { DYNAMODB_ON_DEMAND_WARM_WCU, DYNAMODB_PARTITION_WCU_PER_SECOND } from './aws-limits';

export interface TableThroughputOptions {
  /** Write units per second the table serves without scaling (on-demand warm throughput; default 4,000). */
  readonly warmWriteUnits?: number;
  /** Per partition (default 1,000 WCU/s, DynamoDB's hard per-partition limit). */
  readonly partitionWriteUnits?: number;
}

/** Float slack: refills of fractions of a unit must not throttle a write that fits exactly. */
const EPSILON = 1e-9;

/** FNV-1a: a stable, well-spread hash of the partition key (DynamoDB's own is internal). */
function hashKey(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Writes a partition accepted for times after its present, in time order (ties in acceptance order). */
class WritesAhead {
  readonly times: number[] = [];
  readonly units: number[] = [];
  total = 0;

  /** Where a write at `atMs` goes: after every write at or before it. */
  indexFor(atMs: number): number {
    let low = 0;
    let high = this.times.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.times[mid] as number) <= atMs) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  insert(atMs: number, units: number): void {
    const index = this.indexFor(atMs);
    this.times.splice(index, 0, atMs);
    this.units.splice(index, 0, units);
    this.total += units;
  }
}

/**
 * A DynamoDB table's write throughput as partitions: the warm throughput spread over ⌈warm / 1,000⌉
 * partitions, each a token bucket of 1,000 write units refilled at 1,000 a second. A key lives in
 * one partition, so a hot orderId is throttled at its partition's limit however much the table has
 * left.
 *
 * Writes arrive out of time order: a simulation decides each of a save's attempts when the save
 * starts, the SDK's retry after its backoff included, and other saves may then come for earlier
 * times. So each partition keeps a present (no later write comes before it; one that does is taken
 * at it), its bucket at that present, and the writes it accepted for later times. A write is
 * accepted when the bucket, replayed in time order through those writes with this one in its place,
 * never goes below zero. A retry a second ahead therefore earns no refill for the writes before it
 * (moving the bucket to the retry's time did, and concurrent throttles were under-counted).
 */
export class TableWriteThroughput {
  readonly partitions: number;
  private readonly perPartition: number;
  /** Each partition's bucket at its present. */
  private readonly level: Float64Array;
  private readonly presentAt: Float64Array;
  private readonly ahead: WritesAhead[];
  writeUnits = 0;
  throttled = 0;

  constructor(options: TableThroughputOptions = {}) {
    const warm = options.warmWriteUnits ?? DYNAMODB_ON_DEMAND_WARM_WCU;
    this.perPartition = options.partitionWriteUnits ?? DYNAMODB_PARTITION_WCU_PER_SECOND;
    if (!(warm > 0) || !(this.perPartition > 0)) throw new RangeError('write throughput must be positive');
    this.partitions = Math.max(1, Math.ceil(warm / this.perPartition));
    this.level = new Float64Array(this.partitions).fill(this.perPartition);
    this.presentAt = new Float64Array(this.partitions).fill(Number.NEGATIVE_INFINITY);
    this.ahead = Array.from({ length: this.partitions }, () => new WritesAhead());
  }

  partitionOf(key: string): number {
    return hashKey(key) % this.partitions;
  }

  /**
   * A write of `units` to `key` at `atMs`: true when its partition has the units then (they are
   * spent). `presentMs` (default `atMs`): the simulation's present — no later call writes before it
   * (one that does is taken at the present). A write after the present is held ahead of it.
   */
  tryWrite(key: string, units: number, atMs: number, presentMs = atMs): boolean {
    const p = this.partitionOf(key);
    this.settle(p, presentMs);
    const at = Math.max(atMs, this.presentAt[p] as number);
    if (!this.fits(p, at, units)) {
      this.throttled++;
      return false;
    }
    if (at === this.presentAt[p]) this.level[p] = (this.level[p] as number) - units;
    else (this.ahead[p] as WritesAhead).insert(at, units);
    this.writeUnits += units;
    return true;
  }

  /** The bucket after `ms` of refill from `level`. */
  private refill(level: number, ms: number): number {
    return Math.min(this.perPartition, level + (ms * this.perPartition) / 1000);
  }

  /** Moves partition `p`'s present to `toMs` (never back), spending the writes ahead that it passes. */
  private settle(p: number, toMs: number): void {
    const from = this.presentAt[p] as number;
    if (!(toMs > from)) return;
    const ahead = this.ahead[p] as WritesAhead;
    let level = this.level[p] as number;
    let at = from;
    let passed = 0;
    while (passed < ahead.times.length && (ahead.times[passed] as number) <= toMs) {
      const time = ahead.times[passed] as number;
      level = this.refill(level, time - at) - (ahead.units[passed] as number);
      at = time;
      ahead.total -= ahead.units[passed] as number;
      passed++;
    }
    if (passed > 0) {
      ahead.times.splice(0, passed);
      ahead.units.splice(0, passed);
    }
    this.level[p] = this.refill(level, toMs - at);
    this.presentAt[p] = toMs;
  }

  /** Whether `units` at `atMs` (at or after the present) keep partition `p`'s bucket from going below zero. */
  private fits(p: number, atMs: number, units: number): boolean {
    const ahead = this.ahead[p] as WritesAhead;
    let level = this.level[p] as number;
    // Refill only adds: what is left at the present after every write ahead covers this one too.
    if (level - ahead.total - units >= -EPSILON) return true;
    let at = this.presentAt[p] as number;
    const index = ahead.indexFor(atMs);
    for (let i = 0; i <= ahead.times.length; i++) {
      if (i === index) {
        level = this.refill(level, atMs - at) - units;
        at = atMs;
        if (level < -EPSILON) return false;
      }
      if (i === ahead.times.length) break;
      const time = ahead.times[i] as number;
      level = this.refill(level, time - at) - (ahead.units[i] as number);
      at = time;
      if (level < -EPSILON) return false;
    }
    return true;
  }
}
