/** One message as a queue delivered it, independent of Lambda's or SQS's own types. */
export interface InboundMessage {
  /** The queue's id for this delivery (SQS `messageId`): what a partial batch failure names. */
  readonly messageId: string;
  readonly body: string;
  /** How many times the queue has handed this message out, this delivery included. */
  readonly receiveCount?: number;
  /** The queue that delivered it, by name (e.g. `OrderQueue`): the destination its process span names. */
  readonly queueName?: string;
  /**
   * The message's String attributes as the queue delivered them (Lambda's `messageAttributes`, SQS's
   * `MessageAttributes`; a consumer may ask SQS for only the names it reads). With raw message
   * delivery, SNS's message attributes arrive here, the producer's `traceparent` and `tracestate`
   * among them; inside an SNS envelope they are in the body instead.
   */
  readonly messageAttributes?: Readonly<Record<string, string>>;
  /** SQS's `AWSTraceHeader` system attribute: the X-Ray trace context, when the sender traced with X-Ray. */
  readonly awsTraceHeader?: string;
}
