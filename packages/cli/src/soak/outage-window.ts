import {
  type InfrastructureFailureClass,
  type OrderRepository,
  RepositoryUnavailableError,
  type SaveOptions,
} from '@orders/core';

/** A store outage: from `startSeconds` after the drain starts, for `durationSeconds`, every call fails. */
export interface OutageOptions {
  readonly startSeconds: number;
  readonly durationSeconds: number;
  /** `systemic`: access revoked or the table gone; `transient`: the service down or throttling everything. */
  readonly failureClass: InfrastructureFailureClass;
}

/** The outage in the run's own clock (the simulator's manual clock, or real time). */
export class OutageWindow {
  private startsAt: number | undefined;
  /** Store calls refused while the outage lasted. */
  refused = 0;

  constructor(
    readonly options: OutageOptions,
    private readonly now: () => number,
  ) {}

  /** Anchors the outage to the start of the drain. */
  begin(): void {
    this.startsAt = this.now() + this.options.startSeconds * 1000;
  }

  isActive(): boolean {
    if (this.startsAt === undefined) return false;
    const now = this.now();
    return now >= this.startsAt && now < this.startsAt + this.options.durationSeconds * 1000;
  }

  /** The store as the handler sees it: refusing every call while the outage lasts. */
  wrap(inner: OrderRepository): OrderRepository {
    const fail = (): never => {
      this.refused++;
      const systemic = this.options.failureClass === 'systemic';
      throw new RepositoryUnavailableError(
        systemic ? 'injected outage: access to the table was revoked' : 'injected outage: the store is not answering',
        { code: systemic ? 'access_denied' : 'aws_server_error', retryable: !systemic },
      );
    };
    return {
      save: (event, options?: SaveOptions) => (this.isActive() ? Promise.reject(fail()) : inner.save(event, options)),
      findById: (orderId) => (this.isActive() ? Promise.reject(fail()) : inner.findById(orderId)),
    };
  }
}

/** `START:DURATION` in seconds, e.g. `600:3000` (an outage 10 min into the drain, lasting 50 min). */
export function parseOutage(text: string): { startSeconds: number; durationSeconds: number } | undefined {
  const match = /^(\d{1,7}):(\d{1,7})$/.exec(text.trim());
  if (!match) return undefined;
  const [, start, duration] = match;
  return { startSeconds: Number(start), durationSeconds: Number(duration) };
}
