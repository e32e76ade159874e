import type { DeleteFailure, MessageQueue, ReceivedMessage, ReceiveOptions } from '@orders/core';
import type { SqsBatchHandler } from '@orders/lambda-entry';

/**
 * Follows every message through the event source mapping, by SQS message id, from what the
 * platform sees rather than from the handler's own account: which records the handler answered
 * as processed (not in `batchItemFailures`, invocation returned), and which messages were then
 * actually deleted from the queue. A message counts as acknowledged only when both happened —
 * deleted right after an invocation that reported it processed.
 */
export class DeliveryLedger {
  /** Deleted from the queue right after the handler reported it processed. */
  readonly acknowledged = new Set<string>();
  /** Deleted although the handler's last answer did not report it processed (would be a runner bug). */
  readonly deletedWithoutSuccess = new Set<string>();
  invocations = 0;
  deliveries = 0;
  /** Invocations that died after the handler ran (injected crashes): no response, the batch comes back. */
  crashes = 0;
  /** The highest receive count any delivery carried. */
  maxReceiveCountDelivered = 0;
  /** Failed deliveries per message id: how many fell inside an injected outage, and how many outside. */
  readonly failures = new Map<string, { inOutage: number; outside: number }>();
  /** Tells whether an injected outage is on right now (none by default). */
  inOutage: () => boolean = () => false;
  private processedInLastInvocation: ReadonlySet<string> = new Set();
  private readonly handleToId = new Map<string, string>();

  /**
   * The queue as the event source mapping should see it: every receive and delete is recorded.
   * The ledger assumes one poller (invocations one after another), as the soak runs them.
   */
  watch(queue: MessageQueue, onReceive?: () => void | Promise<void>): MessageQueue {
    return {
      receive: async (options: ReceiveOptions): Promise<readonly ReceivedMessage[]> => {
        const messages = await queue.receive(options);
        for (const message of messages) {
          this.handleToId.set(message.receiptHandle, message.messageId);
          if (message.receiveCount > this.maxReceiveCountDelivered)
            this.maxReceiveCountDelivered = message.receiveCount;
        }
        this.deliveries += messages.length;
        await onReceive?.();
        return messages;
      },
      deleteBatch: async (receiptHandles: readonly string[]): Promise<readonly DeleteFailure[]> => {
        const failures = await queue.deleteBatch(receiptHandles);
        const failed = new Set(failures.map((f) => f.receiptHandle));
        for (const handle of receiptHandles) {
          const messageId = this.handleToId.get(handle);
          this.handleToId.delete(handle);
          if (failed.has(handle) || messageId === undefined) continue;
          if (this.processedInLastInvocation.has(messageId)) this.acknowledged.add(messageId);
          else this.deletedWithoutSuccess.add(messageId);
        }
        return failures;
      },
      changeVisibility: (receiptHandle: string, seconds: number) => queue.changeVisibility(receiptHandle, seconds),
      changeVisibilityBatch: (changes, options) => queue.changeVisibilityBatch(changes, options),
    };
  }

  /**
   * The handler as the event source mapping should invoke it: its answer is recorded, and when
   * `crash()` says so the invocation dies after the handler did its work (its writes stand, its
   * response is lost), as a Lambda timeout or an out-of-memory kill would.
   */
  invoke(handler: SqsBatchHandler, crash: () => boolean): SqsBatchHandler {
    return async (event, context) => {
      this.invocations++;
      this.processedInLastInvocation = new Set();
      let response: Awaited<ReturnType<SqsBatchHandler>>;
      try {
        response = await handler(event, context);
      } catch (error) {
        // An invocation error fails every record of the batch.
        this.recordFailures(event.Records.map((r) => r.messageId));
        throw error;
      }
      if (crash()) {
        this.crashes++;
        // The response is lost, so Lambda retries the whole batch: every record spent a receive
        // here, whatever the handler answered. Without this a crash after an outage looked like
        // no failure at all, and the outage was blamed for the receive it used up.
        this.recordFailures(event.Records.map((r) => r.messageId));
        throw new Error('injected crash: the invocation died before Lambda got its response');
      }
      const failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      this.recordFailures([...failed]);
      this.processedInLastInvocation = new Set(event.Records.map((r) => r.messageId).filter((id) => !failed.has(id)));
      return response;
    };
  }

  private recordFailures(messageIds: readonly string[]): void {
    const inOutage = this.inOutage();
    for (const messageId of messageIds) {
      const counts = this.failures.get(messageId) ?? { inOutage: 0, outside: 0 };
      if (inOutage) counts.inOutage++;
      else counts.outside++;
      this.failures.set(messageId, counts);
    }
  }
}
