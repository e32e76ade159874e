/**
 * Failures of the local Lambda tooling itself (a template it cannot read, a runtime that cannot
 * start): exceptions with a stable `code`, a message that says what to do, and the `cause`.
 * What the *function* does wrong is not one of these: that is an invocation result, as in Lambda.
 */
export class LambdaLocalError extends Error {
  override readonly name: string = 'LambdaLocalError';
  readonly code: string;

  constructor(code: string, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}

/** The synthesized template is missing, unreadable, or does not describe what was asked for. */
export class TemplateError extends LambdaLocalError {
  override readonly name = 'TemplateError';
}

/** The execution environment (task directory, runtime API server, runtime client) could not be set up. */
export class HostSetupError extends LambdaLocalError {
  override readonly name = 'HostSetupError';
}
