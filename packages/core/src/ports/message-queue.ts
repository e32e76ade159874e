import type { InboundMessage } from '../messages/inbound-message';
import type { AbortSignalLike } from './abort-signal';

export type { AbortSignalLike } from './abort-signal';

/** A message handed out by a queue, with what is needed to acknowledge or extend it. */
export interface ReceivedMessage extends InboundMessage {
  readonly receiptHandle: string;
  readonly receiveCount: number;
  /** When the queue first accepted the message (ms since the epoch). */
  readonly sentTimestamp: number;
  /** When this delivery was handed out (ms since the epoch). */
  readonly firstReceiveTimestamp?: number;
}

/**
 * How many messages a queue holds, as the queue reports it. SQS's figures (GetQueueAttributes) are
 * approximations that may lag a receive or a delete by a moment; readers must allow for that.
 */
export interface QueueDepth {
  /** Waiting to be received. */
  readonly visible: number;
  /** Received and not yet deleted or returned (in flight). */
  readonly inFlight: number;
  /** Sent with a delay that has not yet passed (SQS DelaySeconds); absent where a queue has no delays. */
  readonly delayed?: number;
}

export interface ReceiveOptions {
  /** 1–10, as in SQS. */
  readonly maxMessages: number;
  /** Long-poll wait: 0 returns at once. */
  readonly waitTimeSeconds: number;
  /** Overrides the queue's visibility timeout for these deliveries. */
  readonly visibilityTimeoutSeconds?: number;
  /**
   * Ends a long poll early; the receive then returns nothing. Beware: SQS may already have handed
   * out messages for the aborted request, and they stay invisible for a visibility timeout, which
   * is why QueueConsumer lets its last poll finish instead.
   */
  readonly signal?: AbortSignalLike;
}

export interface DeleteFailure {
  readonly receiptHandle: string;
  readonly code: string;
  readonly message: string;
}

/** When one message may be received again: now (0), or after this many seconds. */
export interface VisibilityChange {
  readonly receiptHandle: string;
  readonly visibilityTimeoutSeconds: number;
}

/** An entry a batch call could not apply (the others were). */
export type VisibilityChangeFailure = DeleteFailure;

/** Changing when received messages come back: retries paced by why they failed, heartbeats. */
export interface MessageVisibility {
  /**
   * Applies every change (the adapter batches them, e.g. by SQS's 10 per call) and reports the
   * entries it could not apply instead of throwing. A message whose change failed simply comes
   * back after the visibility it already had.
   */
  changeVisibilityBatch(
    changes: readonly VisibilityChange[],
    options?: { readonly signal?: AbortSignalLike },
  ): Promise<readonly VisibilityChangeFailure[]>;
}

/** The operations a consumer needs from a queue: SQS semantics, any transport. */
export interface MessageQueue extends MessageVisibility {
  receive(options: ReceiveOptions): Promise<readonly ReceivedMessage[]>;
  /** Deletes acknowledged messages; reports the entries it could not delete instead of throwing. */
  deleteBatch(receiptHandles: readonly string[]): Promise<readonly DeleteFailure[]>;
  changeVisibility(receiptHandle: string, visibilityTimeoutSeconds: number): Promise<void>;
}
