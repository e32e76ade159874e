import { type AwsClientOptions, maxSocketsFor } from '@orders/adapters-aws';

/** Messages one receive hands out at most (SQS's limit, and the consumer's batch size). */
const MESSAGES_PER_RECEIVE = 10;
/** QueueConsumer's default in-flight limit, per poller: one batch being received, one processed, one deleted. */
const DEFAULT_BATCHES_IN_FLIGHT_PER_POLLER = 3;

export interface ConsumerLoad {
  readonly pollers: number;
  /** `--max-in-flight`, when given. */
  readonly maxInFlight?: number | undefined;
}

/**
 * The in-flight limit the consumer runs with: `--max-in-flight`, else QueueConsumer's default. It is
 * resolved here and handed to the consumer explicitly, so that the socket pools below are sized for
 * the very limit the consumer enforces.
 */
export function consumerMaxInFlight(load: ConsumerLoad): number {
  return load.maxInFlight ?? load.pollers * MESSAGES_PER_RECEIVE * DEFAULT_BATCHES_IN_FLIGHT_PER_POLLER;
}

/** How many sockets each of the consumer's clients gets. */
export interface ConsumerSocketPools {
  readonly dynamodb: number;
  readonly sqs: number;
}

/**
 * Pools in which no call of the consumer ever waits for a socket. The SDK starts a call's request
 * timeout before the call has a socket (see aws-client-config.ts), so a call queued behind the
 * SDK's 50 sockets — 60 messages in flight by default, with writes that take 1.5 s — timed out
 * after its write had landed, was retried, and was counted a `duplicate`. The pools are sized from
 * the in-flight limit, rather than the limit clamped to a pool, because the limit is what the
 * operator tunes; a socket is opened only when a call needs it.
 *
 * DynamoDB: every message in hand has at most one call on the wire (a save's calls go one after
 * another): `maxInFlight`. A batch given up on (timed out) frees its messages' slots while its
 * saves run on until their own timeouts; the consumer takes no more work while `pollers` of those
 * run, but each poller may already be past that check with one receive: up to 2 × pollers batches
 * on top. (Should such saves outlive a whole batch timeout — a `--batch-timeout` shorter than a
 * save's attempts — the consumer takes work again and this bound no longer holds.)
 *
 * SQS: each poller's receive; each message in at most one DeleteMessageBatch call and at most one
 * ChangeMessageVisibilityBatch call on the wire at a time (calls of 1 to 10 entries: the bound
 * holds however they are grouped); and the depth probe of `--until-empty`.
 */
export function consumerSocketPools(load: ConsumerLoad): ConsumerSocketPools {
  const maxInFlight = consumerMaxInFlight(load);
  const abandonedSaves = 2 * load.pollers * MESSAGES_PER_RECEIVE;
  const depthProbe = 1;
  return {
    dynamodb: maxSocketsFor(maxInFlight + abandonedSaves),
    sqs: maxSocketsFor(load.pollers + 2 * maxInFlight + depthProbe),
  };
}

/** The consumer's client options per service: the target's, with the pool sized for the consumer. */
export function consumerClientOptions(
  clientOptions: AwsClientOptions,
  load: ConsumerLoad,
): { readonly dynamodb: AwsClientOptions; readonly sqs: AwsClientOptions } {
  const pools = consumerSocketPools(load);
  return {
    dynamodb: { ...clientOptions, maxSockets: pools.dynamodb },
    sqs: { ...clientOptions, maxSockets: pools.sqs },
  };
}
