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
