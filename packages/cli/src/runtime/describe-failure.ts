import { InfrastructureError } from '@orders/core';
import { describeAwsFailure } from './aws-failure';
import { type AnnouncedTarget, announcedTarget } from './aws-target';
import { UsageError } from './usage-error';

/**
 * One sentence for the operator, never a stack trace (ORDERS_DEBUG=1 adds it). An AWS failure is
 * put in terms of the target the command announced (which setting chose the endpoint, where the
 * missing resource was looked for); the project's own errors (InfrastructureError, UsageError, and
 * any with a `code`, such as lambda serve's TemplateError) are worded for the operator already and
 * print their message alone; anything else gets its message, or a generic sentence.
 */
export function describeFailure(error: unknown, announced: AnnouncedTarget | undefined = announcedTarget()): string {
  const aws = announced === undefined ? undefined : describeAwsFailure(error, announced);
  if (aws !== undefined) return aws;
  if (error instanceof InfrastructureError || error instanceof UsageError || hasOwnCode(error)) return error.message;
  if (error instanceof Error && error.message) {
    // SDK errors that escaped translation carry their name, which is the useful part.
    return error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message;
  }
  return 'an unexpected error occurred (set ORDERS_DEBUG=1 for details)';
}

/**
 * The project's errors carry a stable `code` beside their sentence (its style: name, code, cause);
 * their class name would only be noise. SDK errors that escaped translation (`$metadata`) do not count.
 */
function hasOwnCode(error: unknown): error is Error {
  return (
    error instanceof Error &&
    error.message !== '' &&
    typeof (error as { code?: unknown }).code === 'string' &&
    !('$metadata' in error)
  );
}
