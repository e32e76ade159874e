import type { AbortSignalLike } from '../../ports/message-queue';

/**
 * A signal core can raise itself. Core compiles without DOM or Node types, so it has no
 * AbortController; this is the part of one a consumer needs, and it fits AbortSignalLike, so a
 * queue adapter can hand it to the SDK's own abort machinery.
 */
export class StopSignal implements AbortSignalLike {
  private stopped = false;
  private readonly listeners = new Set<() => void>();

  get aborted(): boolean {
    return this.stopped;
  }

  addEventListener(_type: 'abort', listener: () => void): void {
    if (this.stopped) return;
    this.listeners.add(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    this.listeners.delete(listener);
  }

  /** Raises the signal (once): every listener runs, then is forgotten. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    const listeners = [...this.listeners];
    this.listeners.clear();
    for (const listener of listeners) listener();
  }
}

export const STOPPED: unique symbol = Symbol('stopped');

/**
 * `work`, or STOPPED if `stop` is raised first. The work goes on in the background; the caller
 * only stops waiting for it (and must not rely on its result any more).
 */
export async function unlessStopped<T>(work: Promise<T>, stop: StopSignal): Promise<T | typeof STOPPED> {
  if (stop.aborted) return STOPPED;
  let listener: (() => void) | undefined;
  const stopped = new Promise<typeof STOPPED>((resolve) => {
    listener = () => resolve(STOPPED);
    stop.addEventListener('abort', listener);
  });
  try {
    return await Promise.race([work, stopped]);
  } finally {
    if (listener) stop.removeEventListener('abort', listener);
  }
}
