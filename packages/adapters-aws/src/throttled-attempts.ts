import type { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { isThrottlingError } from './aws-error-translation';

/** Named, so a command never carries the step twice. */
const STEP_NAME = 'ordersThrottledAttempts';

/**
 * Tells `onThrottled` of each attempt of `command` the service throttles, those the SDK's retry
 * then gets past included: the call's own result says only how many attempts it took, not why.
 * A step of the command's own middleware stack (the client, maybe shared, is left alone), at the
 * deserialize step: inside the SDK's retry (finalizeRequest), so it sees every attempt's error, not
 * only the last one.
 */
export function reportThrottledAttempts(command: PutItemCommand, onThrottled: () => void): void {
  command.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        if (isThrottlingError(error)) onThrottled();
        throw error;
      }
    },
    { step: 'deserialize', priority: 'high', name: STEP_NAME, override: true },
  );
}
