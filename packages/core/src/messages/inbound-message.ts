/** One message as a queue delivered it, independent of Lambda's or SQS's own types. */
export interface InboundMessage {
  /** The queue's id for this delivery (SQS `messageId`): what a partial batch failure names. */
  readonly messageId: string;
  readonly body: string;
  /** How many times the queue has handed this message out, this delivery included. */
  readonly receiveCount?: number;
}
