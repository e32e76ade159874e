/**
 * AWS's documented limits the capacity model is built from. Each constant names the AWS document it
 * comes from (title, and when it was read); docs/capacity.md lists the same sources. Where AWS
 * documents a behaviour but not a number, the model's own assumption is marked ASSUMPTION and is a
 * parameter, not a constant.
 */

/**
 * "Lambda quotas" (AWS Lambda Developer Guide, read 2026-12): concurrent executions per account and
 * Region default to 1,000 (new accounts may start lower; a quota increase raises it).
 */
export const ACCOUNT_CONCURRENCY_DEFAULT = 1_000;

/**
 * "Configuring reserved concurrency for a function" (AWS Lambda Developer Guide, read 2026-12-05):
 * a reservation is carved out of the account's pool — no other function can use it, and it is also
 * the function's ceiling — and at most the unreserved concurrency minus 100 can be reserved (Lambda
 * refuses more). "Configuring scaling behavior for SQS event source mappings", section "Configuring
 * maximum concurrency for Amazon SQS event sources" (same guide, read 2026-12-05): with reserved
 * concurrency, keep it at least the total MaximumConcurrency of the function's SQS mappings, or
 * messages can be throttled.
 */
export const UNRESERVED_CONCURRENCY_MINIMUM = 100;

/**
 * "Lambda scaling behavior" (AWS Lambda Developer Guide, read 2026-12): each function can scale by
 * 1,000 execution environments every 10 seconds, independently of the account's other functions.
 */
export const FUNCTION_SCALING_ENVIRONMENTS = 1_000;
export const FUNCTION_SCALING_PERIOD_MS = 10_000;

/**
 * "Configuring scaling behavior for SQS event source mappings" (AWS Lambda Developer Guide, read
 * 2026-12): standard mode starts with five concurrent batches, adds up to 300 per minute while
 * messages remain, processes at most 1,000 batches at once, and scales back to five when traffic is
 * low (the further optimisation to 2 is off with MaximumConcurrency; not modelled).
 */
export const ESM_STANDARD_INITIAL_BATCHES = 5;
export const ESM_STANDARD_SCALE_UP_PER_MINUTE = 300;
export const ESM_STANDARD_MAX_BATCHES = 1_000;

/**
 * "AWS::Lambda::EventSourceMapping ScalingConfig" (AWS CloudFormation Template Reference, read
 * 2026-12): MaximumConcurrency is 2–1,000. Same page as above: it cannot be combined with
 * provisioned mode.
 */
export const MAXIMUM_CONCURRENCY_RANGE = { min: 2, max: 1_000 } as const;

/**
 * "Configuring scaling behavior for SQS event source mappings" and "ProvisionedPollerConfig" (AWS
 * Lambda Developer Guide and API Reference, read 2026-12): provisioned mode keeps between
 * MinimumPollers (SQS: default and least 2) and MaximumPollers (default 200) event pollers, scales
 * about 3 times faster than standard mode, up to 20,000 concurrent invocations.
 */
export const ESM_PROVISIONED_MIN_POLLERS_DEFAULT = 2;
export const ESM_PROVISIONED_MAX_POLLERS_DEFAULT = 200;
export const ESM_PROVISIONED_SCALE_UP_FACTOR = 3;
export const ESM_PROVISIONED_MAX_CONCURRENCY = 20_000;
/**
 * ASSUMPTION: concurrent invocations one event poller sustains. AWS states the 20,000 ceiling and
 * pollers in the low thousands but no per-poller figure; 10 makes 2,000 pollers reach 20,000.
 */
export const ESM_PROVISIONED_CONCURRENCY_PER_POLLER = 10;

/**
 * "Using Lambda with Amazon SQS" (AWS Lambda Developer Guide, read 2026-12) and the re:Post Knowledge
 * Center article "Why isn't my Lambda function with an Amazon SQS event source scaling optimally?"
 * (read 2026-12): an event source mapping does not account for reserved concurrency and can read
 * more messages than the function can be sent; a throttled batch's messages become visible again
 * when their visibility timeout ends (their receive count already raised), and Lambda slows its
 * scaling while invocations fail. SQS's receive returns at most 10 messages; a long poll waits up
 * to 20 s ("ReceiveMessage", Amazon SQS API Reference, read 2026-12).
 */
export const SQS_MAX_MESSAGES_PER_RECEIVE = 10;
export const SQS_LONG_POLL_SECONDS = 20;

/**
 * "Partitions and data distribution" / "Throughput (service) quotas" (Amazon DynamoDB Developer
 * Guide, read 2026-12): one partition serves at most 1,000 write units per second (3,000 read
 * units), so one partition key — one orderId — can never take more, whatever the table's capacity.
 * "Read/write capacity mode": a write of an item up to 1 KB costs one write unit (a failed
 * conditional write too); a throttled request is not billed.
 */
export const DYNAMODB_PARTITION_WCU_PER_SECOND = 1_000;
export const DYNAMODB_WRITE_UNIT_BYTES = 1_024;

/**
 * "Understanding DynamoDB warm throughput" (Amazon DynamoDB Developer Guide, read 2026-12): a new
 * on-demand table can serve 4,000 write units per second at once (12,000 read units); more needs the
 * table pre-warmed (WarmThroughput) or time to scale. ASSUMPTION: the model spreads the warm
 * throughput over ⌈warm / 1,000⌉ partitions and does not split partitions during a run.
 */
export const DYNAMODB_ON_DEMAND_WARM_WCU = 4_000;

/**
 * The AWS SDK for JavaScript v3 standard retry strategy (@smithy/util-retry, read 2026-12): a
 * throttling error waits a random delay of up to 500 ms × 2^(n−1) (capped at 20 s) before retry n.
 * The model takes the mean (half the cap); the adapter's maxAttempts is 4
 * (DEFAULT_DYNAMODB_MAX_ATTEMPTS in adapters-aws).
 */
export const SDK_THROTTLING_RETRY_BASE_MS = 500;
export const SDK_MAX_RETRY_DELAY_MS = 20_000;
