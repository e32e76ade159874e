import type { QueueDepth } from '../ports/message-queue';

/**
 * How many messages a queue still holds for someone other than the caller, by its depth: visible,
 * delayed, and in flight beyond the `heldByCaller` messages the caller holds itself. Zero is
 * "drained", the one rule of every poller that stops with `--until-empty`: lambda-local's event
 * source (which holds nothing when it asks) and the long-running consumer's DrainWatch (which then
 * also waits for what it holds to end deleted). The counts are SQS's approximations.
 */
export function messagesLeft(depth: QueueDepth, heldByCaller = 0): number {
  return depth.visible + (depth.delayed ?? 0) + Math.max(0, depth.inFlight - heldByCaller);
}

/**
 * The longest wait of a receive while draining (still a long poll on SQS, which needs only 1 s):
 * - the queue can drain under a receive that answers nothing — SQS moves a message past
 *   maxReceiveCount to the DLQ at the receive that would deliver it again, and that receive then
 *   waits out its whole long poll — so receives must keep coming, each of them evidence, for the
 *   drain to be seen within about a second rather than after a 20 s long poll;
 * - the receives cut once the queue is drained outlive the consumer by at most that on the queue's
 *   side, where a cut long poll still takes the messages that arrive during its wait and hides them
 *   for a visibility timeout from whoever receives next (the next `--until-empty` run, `lambda serve`).
 * Both pollers that stop with `--until-empty` cap their receives to it: the consumer and lambda-local's event source.
 */
export const DRAINING_WAIT_SECONDS = 1;
