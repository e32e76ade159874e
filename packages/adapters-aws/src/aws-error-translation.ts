import { InfrastructureError } from '@orders/core';
import {
  AwsRequestError,
  EndpointUnreachableError,
  MissingCredentialsError,
  MissingRegionError,
  ResourceMissingError,
  type AwsRequestErrorCode,
  type MissingResource,
} from './errors';

/** Where a failed call was going: used to word the error and to name a missing resource. */
export interface AwsCallContext {
  readonly service: 'DynamoDB' | 'SNS' | 'SQS' | 'STS';
  readonly operation: string;
  /** The resource the call addressed: a "not found" answer then becomes a ResourceMissingError. */
  readonly resource?: MissingResource;
}

/** The fields SDK v3 errors carry, read structurally so errors from any SDK copy are understood. */
interface SdkErrorShape {
  readonly name: string;
  readonly message: string;
  readonly code?: unknown;
  readonly $fault?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown };
  readonly $retryable?: { readonly throttling?: unknown };
  /** DynamoDB's diagnosis of a throttle (ProvisionedThroughputExceededException, RequestLimitExceeded). */
  readonly ThrottlingReasons?: unknown;
  /** The same, as DynamoDB's ThrottlingException spells it. */
  readonly throttlingReasons?: unknown;
  readonly address?: unknown;
  readonly port?: unknown;
  readonly hostname?: unknown;
}

// Errors Node raises when no HTTP exchange happened at all.
const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ECONNABORTED',
]);

// "This thing does not exist", as each service spells it.
const NOT_FOUND_NAMES = new Set([
  'ResourceNotFoundException', // DynamoDB
  'QueueDoesNotExist', // SQS, JSON protocol
  'AWS.SimpleQueueService.NonExistentQueue', // SQS, query protocol
  'NotFoundException', // SNS
  'NotFound', // SNS, query protocol
]);

const ACCESS_NAMES = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'AuthorizationError', // SNS
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'ExpiredTokenException',
  'IncompleteSignature',
  'MissingAuthenticationToken',
]);

const THROTTLING_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'TooManyRequestsException',
  'KMSThrottlingException',
]);

/**
 * DynamoDB's throttling reasons ("ThrottlingReason", Amazon DynamoDB API Reference, as modelled by
 * @aws-sdk/client-dynamodb 3.1169 on ThrottlingException, ProvisionedThroughputExceededException and
 * RequestLimitExceeded):
 * `ResourceType + OperationType + LimitType`, e.g. `TableWriteKeyRangeThroughputExceeded` (a hot
 * partition key), `TableWriteProvisionedThroughputExceeded`, `IndexWriteAccountLimitExceeded`,
 * `TableWriteMaxOnDemandThroughputExceeded`. An error carrying reasons is a throttle, whichever
 * exception it is; so is one named after a throughput limit type (not `AccountLimitExceeded` by
 * name: other services use that name for quotas that no retry lifts).
 */
const THROTTLING_LIMIT_TYPE =
  /(?:KeyRangeThroughputExceeded|ProvisionedThroughputExceeded|MaxOnDemandThroughputExceeded)(?:Exception)?$/;

/**
 * Structural, not `instanceof Error`: an error made in another realm fails `instanceof` (Node's
 * socket errors inside Jest's sandbox, for one), and must still be understood.
 */
function asSdkError(error: unknown): SdkErrorShape | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { name, message } = error as { name?: unknown; message?: unknown };
  return typeof name === 'string' && typeof message === 'string' ? (error as SdkErrorShape) : undefined;
}

/**
 * Node's message for a failed connect, e.g. `connect ECONNREFUSED 127.0.0.1:4566` or
 * `getaddrinfo ENOTFOUND example.invalid`. The SDK's retry layer wraps errors it does not
 * recognise as Errors (a cross-realm one) in a new Error whose message is all that is left.
 */
const NETWORK_MESSAGE = /\b(?:connect|getaddrinfo|read|write)\s+(E[A-Z_]+)(?:\s+(\S+))?/;

function httpStatusOf(error: SdkErrorShape): number | undefined {
  const status = error.$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

/** The `host:port` a network error names, when it names one. */
function networkTarget(error: SdkErrorShape): string | undefined {
  if (typeof error.address === 'string')
    return typeof error.port === 'number' ? `${error.address}:${error.port}` : error.address;
  if (typeof error.hostname === 'string') return error.hostname;
  return NETWORK_MESSAGE.exec(error.message)?.[2]?.replace(/[.,;]+$/, '');
}

/**
 * The client's `requestTimeout` fired: connected, request sent, no answer in time. (A connect that
 * times out is an unreachable endpoint instead: the SDK says "did not establish a connection".)
 */
function isRequestTimeout(error: SdkErrorShape): boolean {
  return (
    error.name === 'TimeoutError' &&
    /requestTimeout|timed out after|no activity/i.test(error.message) &&
    !/establish a connection/i.test(error.message)
  );
}

export function isNetworkError(error: unknown): boolean {
  const sdk = asSdkError(error);
  if (!sdk) return false;
  if (typeof sdk.code === 'string' && NETWORK_ERROR_CODES.has(sdk.code)) return true;
  const fromMessage = NETWORK_MESSAGE.exec(sdk.message)?.[1];
  if (fromMessage !== undefined && NETWORK_ERROR_CODES.has(fromMessage)) return true;
  // The SDK's node handler names a connect timeout `TimeoutError` (no HTTP status then).
  return sdk.name === 'TimeoutError' && httpStatusOf(sdk) === undefined;
}

/** The error's name (an SDK exception's is the AWS error code), whatever realm or SDK copy made it. */
export function awsErrorName(error: unknown): string | undefined {
  return asSdkError(error)?.name;
}

/** DynamoDB's throttling reasons on an error (e.g. `TableWriteKeyRangeThroughputExceeded`), if it gives any. */
function throttlingReasons(error: SdkErrorShape): string[] {
  const reasons = error.ThrottlingReasons ?? error.throttlingReasons;
  if (!Array.isArray(reasons)) return [];
  return reasons.flatMap((entry: unknown) => {
    const reason = typeof entry === 'object' && entry !== null ? (entry as { reason?: unknown }).reason : undefined;
    return typeof reason === 'string' ? [reason] : [];
  });
}

/**
 * Whether an SDK error (one attempt's, or the call's last) is the service throttling: by name, by
 * DynamoDB's throttling reasons, by the SDK's own throttling trait, or by HTTP 429.
 */
export function isThrottlingError(error: unknown): boolean {
  const sdk = asSdkError(error);
  if (!sdk) return false;
  return (
    THROTTLING_NAMES.has(sdk.name) ||
    THROTTLING_LIMIT_TYPE.test(sdk.name) ||
    // Only a throttle carries throttling reasons, whatever limit type a later API version adds.
    throttlingReasons(sdk).length > 0 ||
    sdk.$retryable?.throttling === true ||
    httpStatusOf(sdk) === 429
  );
}

export function isNotFoundError(error: unknown): boolean {
  const sdk = asSdkError(error);
  return sdk !== undefined && NOT_FOUND_NAMES.has(sdk.name);
}

/** A short, payload-free excerpt of AWS's own message (they name fields, not values). */
function excerpt(message: string): string {
  const oneLine = message.replace(/\s+/g, ' ').trim();
  const short = oneLine.length > 200 ? `${oneLine.slice(0, 197)}...` : oneLine;
  return short.replace(/[.\s]+$/, '');
}

/**
 * Turns whatever an SDK call threw into an {@link InfrastructureError} with a stable code, a
 * one-sentence message and `retryable` set from what the failure means. The SDK has already
 * retried throttling, 5xx and transient network errors by the time this runs, so these are
 * the failures that outlived its retries.
 */
export function toInfrastructureError(error: unknown, context: AwsCallContext): InfrastructureError {
  if (error instanceof InfrastructureError) return error;
  const sdk = asSdkError(error);
  const call = `${context.service} ${context.operation}`;
  if (!sdk) {
    return new InfrastructureError('aws_request_failed', `${call} failed with a non-Error value.`, { cause: error });
  }
  if (sdk.name === 'CredentialsProviderError') return new MissingCredentialsError({ cause: error });
  if (sdk.name === 'AbortError') {
    // Our own signal cut the call short (the invocation deadline): not the service's fault.
    return new InfrastructureError('deadline_exceeded', `${call} was cut short at the deadline.`, { cause: error });
  }
  if (isRequestTimeout(sdk)) {
    return new InfrastructureError(
      'timeout',
      `${call} timed out: the endpoint accepted the request but did not answer in time.`,
      {
        cause: error,
      },
    );
  }
  if (/region is missing/i.test(sdk.message)) return new MissingRegionError({ cause: error });
  if (sdk.name === 'TypeError' && /invalid url/i.test(sdk.message)) {
    return new InfrastructureError(
      'endpoint_invalid',
      `${call} failed: the endpoint is not a URL; write it with its scheme, e.g. http://127.0.0.1:4566.`,
      { cause: error, retryable: false },
    );
  }
  if (isNetworkError(error)) return new EndpointUnreachableError(networkTarget(sdk), { cause: error });
  if (sdk.name === 'SyntaxError') {
    // The SDK could not parse the answer: whatever answered is not speaking AWS's protocol (a wrong
    // port, a proxy's error page, an emulator refusing an unknown region).
    const status = httpStatusOf(sdk);
    const serverError = status !== undefined && status >= 500;
    return new InfrastructureError(
      serverError ? 'aws_server_error' : 'aws_response_unreadable',
      `${call} failed: the endpoint answered${status === undefined ? '' : ` ${status}`} with something that is not an AWS response; check the endpoint URL and the region.`,
      { cause: error, retryable: serverError },
    );
  }
  if (context.resource && NOT_FOUND_NAMES.has(sdk.name))
    return new ResourceMissingError([context.resource], { cause: error });

  const httpStatusCode = httpStatusOf(sdk);
  const details = {
    service: context.service,
    operation: context.operation,
    awsErrorName: sdk.name,
    httpStatusCode,
    cause: error,
  };
  const make = (code: AwsRequestErrorCode, retryable: boolean, what: string): AwsRequestError =>
    new AwsRequestError(code, `${call} failed: ${what}.`, { ...details, retryable });

  const throttled = isThrottlingError(error);
  // SQS's RequestThrottled comes with a 403: the name decides before the status does.
  if (ACCESS_NAMES.has(sdk.name) || (httpStatusCode === 403 && !throttled)) {
    return make('access_denied', false, `access denied (${sdk.name}); check the credentials and their permissions`);
  }
  if (throttled) {
    // The reason tells a hot key (KeyRangeThroughputExceeded) from a table or account limit.
    const reasons = [...new Set(throttlingReasons(sdk))];
    const why = reasons.length === 0 ? sdk.name : `${sdk.name}: ${reasons.join(', ')}`;
    return make('throttled', true, `still throttled after retries (${why})`);
  }
  if (sdk.$fault === 'server' || (httpStatusCode !== undefined && httpStatusCode >= 500)) {
    return make(
      'aws_server_error',
      true,
      `the service answered ${httpStatusCode ?? 'with a server error'} (${sdk.name})`,
    );
  }
  if (sdk.$fault === 'client' || (httpStatusCode !== undefined && httpStatusCode >= 400)) {
    return make('aws_request_rejected', false, `${sdk.name}: ${excerpt(sdk.message)}`);
  }
  // No HTTP status and not a known network failure: unknown, so worth one more try later.
  return make('aws_request_failed', true, `${sdk.name}: ${excerpt(sdk.message)}`);
}
