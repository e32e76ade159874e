import { InfrastructureError } from '@orders/core';
import { UsageError } from './usage-error';

/**
 * One sentence for the operator, never a stack trace (ORDERS_DEBUG=1 adds it). The AWS adapters
 * already phrase their errors that way; anything else gets its message, or a generic sentence.
 */
export function describeFailure(error: unknown): string {
  if (error instanceof InfrastructureError || error instanceof UsageError) return error.message;
  if (error instanceof Error && error.message) {
    // SDK errors that escaped translation carry their name, which is the useful part.
    return error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message;
  }
  return 'an unexpected error occurred (set ORDERS_DEBUG=1 for details)';
}
