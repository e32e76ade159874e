import type { InboundMessage } from '../messages/inbound-message';

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
 * The part of the platform's AbortSignal a consumer or a queue needs (core declares it
 * structurally, since it compiles without DOM or Node types; a real AbortSignal fits).
 */
export interface AbortSignalLike {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
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

/** The operations a consumer needs from a queue: SQS semantics, any transport. */
export interface MessageQueue {
  receive(options: ReceiveOptions): Promise<readonly ReceivedMessage[]>;
  /** Deletes acknowledged messages; reports the entries it could not delete instead of throwing. */
  deleteBatch(receiptHandles: readonly string[]): Promise<readonly DeleteFailure[]>;
  changeVisibility(receiptHandle: string, visibilityTimeoutSeconds: number): Promise<void>;
}

export const MESSAGE_QUEUE: unique symbol = Symbol.for('orders.MessageQueue');
