/** A message to publish on the order topic: the body, plus attributes subscribers may filter on. */
export interface OutboundOrderMessage {
  readonly body: string;
  readonly orderId?: string;
  readonly status?: string;
  /**
   * More String message attributes (e.g. for subscription filter policies). They, `orderId` and
   * `status` come first: a publisher adds the trace context (`traceparent`, `tracestate`) only in
   * the room SNS's 10 attributes leave, and publishes without it, saying so, when there is none.
   * A `traceparent` given here is the caller's own creation context, and is sent as it is.
   */
  readonly attributes?: Readonly<Record<string, string>>;
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
