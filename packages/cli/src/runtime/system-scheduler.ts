import type { AbortSignalLike, Scheduler } from '@orders/core';

/** The Scheduler on Node's timers. Timers are unref'd: they never keep a finished process alive. */
export const systemScheduler: Scheduler = {
  now: () => Date.now(),
  sleep(ms: number, signal?: AbortSignalLike): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const onAbort = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  },
  every(ms: number, task: () => void): () => void {
    const timer = setInterval(task, ms);
    timer.unref();
    return () => clearInterval(timer);
  },
  after(ms: number, task: () => void): () => void {
    const timer = setTimeout(task, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};
