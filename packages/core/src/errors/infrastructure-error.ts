/**
 * A dependency (a store, a queue, the network) could not do its part. Unlike a bad message,
 * this is worth retrying: the use case reports the message as failed so the queue redelivers it.
 */
export class InfrastructureError extends Error {
  override readonly name: string = 'InfrastructureError';
  /** Stable, machine-readable: safe to alert and test on. */
  readonly code: string;
  /** Whether retrying the same call later may succeed. */
  readonly retryable: boolean;

  constructor(code: string, message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? true;
  }
}

export class RepositoryUnavailableError extends InfrastructureError {
  override readonly name = 'RepositoryUnavailableError';
  constructor(message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super('repository_unavailable', message, options);
  }
}

/** Describes any thrown value without leaking a payload: name, code and message only. */
export function describeError(error: unknown): { name: string; code: string; message: string } {
  if (error instanceof InfrastructureError) return { name: error.name, code: error.code, message: error.message };
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { name: error.name, code: typeof code === 'string' ? code : 'unexpected_error', message: error.message };
  }
  return { name: 'NonError', code: 'unexpected_error', message: 'a non-Error value was thrown' };
}
