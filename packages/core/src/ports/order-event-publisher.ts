/** A message to publish on the order topic: the body, plus attributes subscribers may filter on. */
export interface OutboundOrderMessage {
  readonly body: string;
  readonly orderId?: string;
  readonly status?: string;
}

export interface PublishFailure {
  readonly index: number;
  readonly code: string;
  readonly message: string;
  /** Whether publishing the same message again later may succeed (a throttle, a 5xx, a lost connection). */
  readonly retryable?: boolean;
}

export interface OrderEventPublisher {
  publish(message: OutboundOrderMessage): Promise<{ readonly messageId: string }>;
  /** Publishes many messages (in chunks the transport allows); reports per-message failures. */
  publishBatch(
    messages: readonly OutboundOrderMessage[],
  ): Promise<{ readonly published: number; readonly failures: readonly PublishFailure[] }>;
}
