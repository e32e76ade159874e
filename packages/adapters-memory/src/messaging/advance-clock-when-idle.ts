import type { InMemoryQueue } from './in-memory-queue';
import type { ManualClock } from './manual-clock';

/**
 * An `onIdle` for the in-memory pipeline: when nothing is visible, jump the manual clock to the
 * moment the next hidden message reappears (its visibility timeout ends) and poll again; stop
 * once the queue is empty. A run that would take hours of timeouts takes milliseconds.
 */
export function advanceClockWhenIdle(queue: InMemoryQueue, clock: ManualClock): () => boolean {
  return () => {
    const next = queue.nextVisibleAt();
    if (next === undefined) return false;
    clock.advanceTo(next);
    return true;
  };
}
