export * from './aws-limits';
export {
  type EventSourceMappingScalingConfig,
  EventSourceMappingScaling,
  type ScalingObservation,
  scalingConfigProblems,
} from './esm-scaling';
export {
  type ConcurrencyGrant,
  LambdaConcurrencyPool,
  type LambdaConcurrencyOptions,
  type ThrottleReason,
} from './lambda-concurrency-pool';
export { TableWriteThroughput, type TableThroughputOptions } from './dynamodb-partitions';
export {
  ThroughputLimitedOrderRepository,
  type ThroughputLimitOptions,
  writeUnitsOf,
} from './throughput-limited-order-repository';
export { DEFAULT_ROUND_TRIPS, type RoundTrips } from './round-trips';
export { type BilledUsage, type CostBreakdown, costOf, LIST_PRICES, type ListPrices } from './list-prices';
