/**
 * Time each call takes, in simulated milliseconds. AWS publishes no latency figures, so these are
 * ASSUMPTIONS — typical in-Region numbers (DynamoDB "single-digit milliseconds", SQS calls in the
 * low tens) — and every one is a flag of `orders simulate`.
 */
export interface RoundTrips {
  /** ReceiveMessage that finds messages. */
  readonly sqsReceiveMs: number;
  /** DeleteMessageBatch after an invocation. */
  readonly sqsDeleteMs: number;
  /** ChangeMessageVisibilityBatch (the handler's retry pacing). */
  readonly sqsChangeVisibilityMs: number;
  /** One conditional PutItem. */
  readonly dynamoPutMs: number;
  /** Lambda's own share of a warm invocation (event delivery, response) plus the handler's CPU. */
  readonly invocationOverheadMs: number;
  /** Extra for a new execution environment (init of the runtime, the bundle and the SDK clients). */
  readonly coldStartMs: number;
}

export const DEFAULT_ROUND_TRIPS: RoundTrips = {
  sqsReceiveMs: 20,
  sqsDeleteMs: 15,
  sqsChangeVisibilityMs: 15,
  dynamoPutMs: 8,
  invocationOverheadMs: 15,
  coldStartMs: 400,
};
