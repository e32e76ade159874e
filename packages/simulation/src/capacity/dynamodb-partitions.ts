import { DYNAMODB_ON_DEMAND_WARM_WCU, DYNAMODB_PARTITION_WCU_PER_SECOND } from './aws-limits';

export interface TableThroughputOptions {
  /** Write units per second the table serves without scaling (on-demand warm throughput; default 4,000). */
  readonly warmWriteUnits?: number;
  /** Per partition (default 1,000 WCU/s, DynamoDB's hard per-partition limit). */
  readonly partitionWriteUnits?: number;
}

/** FNV-1a: a stable, well-spread hash of the partition key (DynamoDB's own is internal). */
function hashKey(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * A DynamoDB table's write throughput as partitions: the warm throughput spread over ⌈warm / 1,000⌉
 * partitions, each a token bucket of 1,000 write units refilled at 1,000 a second. A key lives in
 * one partition, so a hot orderId is throttled at its partition's limit however much the table has
 * left. Times may arrive slightly out of order (concurrent invocations); a bucket never goes back in
 * time, it takes the later of the two.
 */
export class TableWriteThroughput {
  readonly partitions: number;
  private readonly perPartition: number;
  private readonly tokens: Float64Array;
  private readonly updatedAt: Float64Array;
  writeUnits = 0;
  throttled = 0;

  constructor(options: TableThroughputOptions = {}) {
    const warm = options.warmWriteUnits ?? DYNAMODB_ON_DEMAND_WARM_WCU;
    this.perPartition = options.partitionWriteUnits ?? DYNAMODB_PARTITION_WCU_PER_SECOND;
    if (!(warm > 0) || !(this.perPartition > 0)) throw new RangeError('write throughput must be positive');
    this.partitions = Math.max(1, Math.ceil(warm / this.perPartition));
    this.tokens = new Float64Array(this.partitions).fill(this.perPartition);
    this.updatedAt = new Float64Array(this.partitions).fill(Number.NEGATIVE_INFINITY);
  }

  partitionOf(key: string): number {
    return hashKey(key) % this.partitions;
  }

  /** A write of `units` to `key` at `atMs`: true when the partition had the units (they are spent). */
  tryWrite(key: string, units: number, atMs: number): boolean {
    const p = this.partitionOf(key);
    const last = this.updatedAt[p] as number;
    if (atMs > last) {
      const earned = last === Number.NEGATIVE_INFINITY ? this.perPartition : ((atMs - last) * this.perPartition) / 1000;
      this.tokens[p] = Math.min(this.perPartition, (this.tokens[p] as number) + earned);
      this.updatedAt[p] = atMs;
    }
    if ((this.tokens[p] as number) < units) {
      this.throttled++;
      return false;
    }
    this.tokens[p] = (this.tokens[p] as number) - units;
    this.writeUnits += units;
    return true;
  }
}
