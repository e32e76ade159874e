/**
 * @orders/simulation — traffic and faults to run the system against, reproducible from a seed.
 *
 * - `createOrderGenerator`, `nextEvent`, `SEED_DUMMY_ORDER`: valid orders and their later events.
 * - `seededRandom`: the PRNG every workload, fault plan and delivery order draws from.
 * - `startFaultProxy`: an HTTP proxy between an AWS SDK client and its endpoint that resets
 *   connections, loses answers, answers 5xx or throttling in the service's own error shape, answers
 *   late or never (`pnpm fault-proxy` runs it alone).
 */
export { createOrderGenerator, nextEvent, type OrderGenerator, SEED_DUMMY_ORDER } from './order-generator';
export { seededRandom } from './seeded-random';
export { type FaultProxy, type FaultProxyOptions, startFaultProxy } from './fault-proxy/fault-injecting-proxy';
export {
  type ActionCounts,
  DEFAULT_FAULT_WEIGHTS,
  FAULT_KINDS,
  type FaultCounts,
  type FaultKind,
  type FaultRule,
} from './fault-proxy/fault-plan';
export type { AwsServiceName } from './fault-proxy/aws-request-identity';
// The capacity model: AWS's documented scaling limits (Lambda concurrency, the SQS event source
// mapping, DynamoDB partitions), round trips and list prices, for `orders simulate`.
export * from './capacity/index';
