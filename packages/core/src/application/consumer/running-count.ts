/**
 * How many pieces of work are still running, and a way to wait until fewer are. The consumer uses
 * it for batches it stopped waiting for (timed out): they may still hold store requests, and it
 * takes no new work while too many of them do.
 */
export class RunningCount {
  private running = 0;
  private waiters: { readonly limit: number; readonly resolve: () => void }[] = [];

  get value(): number {
    return this.running;
  }

  /** Counts `work` until it settles (whatever the outcome). */
  track(work: Promise<unknown>): void {
    this.running++;
    const done = (): void => {
      this.running--;
      const ready = this.waiters.filter((waiter) => this.running < waiter.limit);
      this.waiters = this.waiters.filter((waiter) => this.running >= waiter.limit);
      for (const waiter of ready) waiter.resolve();
    };
    work.then(done, done);
  }

  /** Resolves once fewer than `limit` are running (at once if that is already so). */
  below(limit: number): Promise<void> {
    if (this.running < limit) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ limit, resolve }));
  }
}
