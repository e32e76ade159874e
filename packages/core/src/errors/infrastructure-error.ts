/**
 * Why a message failed, which decides how its retry is paced and how loudly it is reported:
 * - `invalid`   poison: the message can never become an order; retrying cannot help (→ DLQ fast);
 * - `transient` the store or the network is having a moment (throttling, timeouts, 5xx, resets);
 * - `systemic`  something an operator must fix (access denied, a missing table, misconfiguration),
 *               which fails every message alike until then.
 */
export type FailureClass = 'invalid' | 'transient' | 'systemic';

export const FAILURE_CLASSES: readonly FailureClass[] = ['invalid', 'transient', 'systemic'];

/** The classes of an infrastructure failure (a message that is not poison). */
export type InfrastructureFailureClass = Exclude<FailureClass, 'invalid'>;

export interface InfrastructureErrorOptions {
  readonly cause?: unknown;
  /** Whether retrying the same call later may succeed. Default true. */
  readonly retryable?: boolean;
  /** Default: `transient` when retryable, `systemic` when not. */
  readonly failureClass?: InfrastructureFailureClass;
}

/**
 * A dependency (a store, a queue, the network) could not do its part. Unlike a bad message,
 * this is worth retrying: the use case reports the message as failed so the queue redelivers it.
 */
export class InfrastructureError extends Error {
  override readonly name: string = 'InfrastructureError';
  /** Stable, machine-readable: safe to alert and test on (e.g. `throttled`, `table_not_found`). */
  readonly code: string;
  /** Whether retrying the same call later may succeed. */
  readonly retryable: boolean;
  readonly failureClass: InfrastructureFailureClass;

  constructor(code: string, message: string, options: InfrastructureErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? true;
    this.failureClass = options.failureClass ?? (this.retryable ? 'transient' : 'systemic');
  }
}

/**
 * The repository could not save or read. `code` names the specific reason (`throttled`, `timeout`,
 * `table_not_found`, `access_denied`, …; `repository_unavailable` when none is known), so logs and
 * metrics say what failed rather than one catch-all.
 */
export class RepositoryUnavailableError extends InfrastructureError {
  override readonly name = 'RepositoryUnavailableError';
  constructor(message: string, options: InfrastructureErrorOptions & { readonly code?: string } = {}) {
    super(options.code ?? 'repository_unavailable', message, options);
  }
}

/** What a log line, an outcome or a metric may say about a thrown value: never its payload. */
export interface ErrorDescription {
  readonly name: string;
  readonly code: string;
  readonly message: string;
  readonly failureClass: InfrastructureFailureClass;
}

/**
 * Describes any thrown value without leaking a payload: name, code, message and failure class.
 * Anything that is not an InfrastructureError is a bug or an unknown failure: `systemic`, since
 * retrying the same code on the same input will most likely fail the same way.
 */
export function describeError(error: unknown): ErrorDescription {
  if (error instanceof InfrastructureError) {
    return { name: error.name, code: error.code, message: error.message, failureClass: error.failureClass };
  }
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      name: error.name,
      code: typeof code === 'string' ? code : 'unexpected_error',
      message: error.message,
      failureClass: 'systemic',
    };
  }
  return {
    name: 'NonError',
    code: 'unexpected_error',
    message: 'a non-Error value was thrown',
    failureClass: 'systemic',
  };
}

/**
 * The code of a failure that is the store (or a service) pushing back: too many requests for its
 * capacity. Transient, and more: a signal to write less at once (see `AdaptiveConcurrency`).
 */
export const THROTTLED_ERROR_CODE = 'throttled';

/** Whether a described failure is throttling ({@link THROTTLED_ERROR_CODE}). */
export function isThrottled(description: ErrorDescription): boolean {
  return description.code === THROTTLED_ERROR_CODE;
}

/** How a log line reports an error: flat fields, so a log query can filter on them. */
// A type, not an interface, so that it is assignable to the logger's `LogFields` record.
export type ErrorLogFields = {
  readonly errorName: string;
  readonly errorCode: string;
  readonly errorMessage: string;
  readonly failureClass: InfrastructureFailureClass;
};

/** The one mapping from a thrown value to log fields (via `describeError`: never a payload). */
export function errorLogFields(error: unknown): ErrorLogFields {
  const { name, code, message, failureClass } = describeError(error);
  return { errorName: name, errorCode: code, errorMessage: message, failureClass };
}
