/** An error as Lambda reports it to the caller and in its logs: `{ errorType, errorMessage, stackTrace? }`. */
export interface FunctionError {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly stackTrace?: readonly string[];
}

/**
 * Reads the body a runtime posts to `/invocation/{id}/error` or `/init/error`. The body is what
 * counts: aws-lambda-ric 4 sends no `Lambda-Runtime-Function-Error-Type` header with an invocation
 * error, so the header is only a fallback, then "Unhandled" (Lambda's word for an error it could
 * not classify).
 */
export function readFunctionError(body: string, errorTypeHeader: string | undefined): FunctionError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  const fields = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  const errorType = nonEmptyString(fields['errorType']) ?? nonEmptyString(errorTypeHeader) ?? ('Unhandled' as const);
  const errorMessage = nonEmptyString(fields['errorMessage']) ?? (parsed === undefined ? body.slice(0, 1024) : '');
  const trace = fields['stackTrace'] ?? fields['trace'];
  const stackTrace = Array.isArray(trace)
    ? trace.filter((line): line is string => typeof line === 'string')
    : undefined;
  return { errorType, errorMessage, ...(stackTrace ? { stackTrace } : {}) };
}

const nonEmptyString = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;
