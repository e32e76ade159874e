/** A mistake in how the command was called (a bad option, a bad value, a missing consent flag): one sentence, exit 1. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly code = 'usage';
}
