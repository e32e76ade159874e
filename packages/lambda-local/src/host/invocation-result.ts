import type { FunctionError } from '../runtime-api/function-error';

interface InvocationFacts {
  readonly requestId: string;
  /** This invocation started a new execution environment. */
  readonly coldStart: boolean;
  /** On a cold start: from process start to the runtime's first `next` (Lambda's Init Duration). */
  readonly initDurationMs?: number;
  /** From handing the event to the runtime to its answer (Lambda's Duration). */
  readonly durationMs: number;
}

export interface InvocationSuccess extends InvocationFacts {
  readonly status: 'success';
  /** The handler's return value, JSON-decoded (undefined for an empty or `null` response). */
  readonly payload: unknown;
}

/**
 * Why an invocation failed, in Lambda's terms:
 * - `function-error`: the handler threw or rejected (the runtime posted `/invocation/{id}/error`);
 * - `init-error`: the module failed to load or to initialize (`/init/error`), or init ran too long;
 * - `timeout`: the function ran past its timeout and its process was killed;
 * - `runtime-exit`: the process exited while initializing or invoking (an uncaught exception, a crash);
 * - `response-too-large`: the response was over 6 MB;
 * - `aborted`: the caller gave up waiting (its AbortSignal fired); the environment was discarded.
 */
export type FailureKind =
  | 'function-error'
  | 'init-error'
  | 'timeout'
  | 'runtime-exit'
  | 'response-too-large'
  | 'aborted';

export interface InvocationFailure extends InvocationFacts {
  readonly status: 'error';
  readonly kind: FailureKind;
  /** What Lambda would return to the caller as the function error. */
  readonly error: FunctionError;
}

export type InvocationResult = InvocationSuccess | InvocationFailure;
