import { UsageError } from '../runtime/usage-error';

/**
 * `orders consume` keeps no message group's order: it stores a batch's records concurrently and
 * deletes or paces each on its own outcome, so a later message of a group could be stored before an
 * earlier one that failed and comes back. Keeping it would take the Lambda's FIFO handling (group
 * ids on every receive, one record at a time, later records deferred behind a failure) inside the
 * consumer's pipelined polling: the Lambda already does it, so a FIFO queue is refused here instead.
 * SQS requires a FIFO queue's name to end in `.fifo` (and allows no `.` in a standard one), so the
 * name decides, before any request.
 */
export function refuseFifoQueue(queueName: string): void {
  if (!queueName.endsWith('.fifo')) return;
  throw new UsageError(
    `orders consume does not serve the FIFO queue "${queueName}": it stores a batch's messages concurrently and retries each failure on its own, so a message group's later messages could overtake earlier ones; consume a FIFO queue with the OrderProcessor Lambda, which keeps each group's order.`,
  );
}
