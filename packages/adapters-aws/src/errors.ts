import { InfrastructureError } from '@orders/core';

/**
 * Infrastructure errors the AWS adapters raise. Each message is one sentence a CLI can print as
 * is (operators see `error.message`, never a stack trace); `code` is stable for tests and alerts;
 * `cause` keeps the SDK's original error for logs and debugging.
 */

interface CauseOption {
  readonly cause?: unknown;
}

/** Nothing answered at the endpoint: connection refused, DNS failure, connect timeout. */
export class EndpointUnreachableError extends InfrastructureError {
  override readonly name = 'EndpointUnreachableError';
  /** `host:port` or the URL that did not answer, when the failure says which. */
  readonly endpoint: string | undefined;

  constructor(endpoint: string | undefined, options: CauseOption = {}) {
    const where = endpoint === undefined ? 'the AWS endpoint' : `the AWS endpoint ${endpoint}`;
    super(
      'endpoint_unreachable',
      `Could not reach ${where}; check AWS_ENDPOINT_URL and that the service or emulator is running.`,
      // The endpoint may come back (an emulator restarting, a network blip).
      { ...options, retryable: true },
    );
    this.endpoint = endpoint;
  }
}

/** The SDK's credential chain found nothing: no env vars, no profile, no role. */
export class MissingCredentialsError extends InfrastructureError {
  override readonly name = 'MissingCredentialsError';

  constructor(options: CauseOption = {}) {
    super(
      'credentials_missing',
      'No AWS credentials were found; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or AWS_PROFILE (any values work for an emulator).',
      { ...options, retryable: false },
    );
  }
}

/** No region in the environment or the shared config: the SDK cannot even build a request. */
export class MissingRegionError extends InfrastructureError {
  override readonly name = 'MissingRegionError';

  constructor(options: CauseOption = {}) {
    super('region_missing', 'No AWS region is configured; set AWS_REGION (for example us-east-1).', {
      ...options,
      retryable: false,
    });
  }
}

export type AwsResourceType = 'DynamoDB table' | 'SNS topic' | 'SQS queue' | 'SNS subscription';

export interface MissingResource {
  readonly type: AwsResourceType;
  readonly name: string;
}

/** A table, topic or queue the adapters need does not exist (yet): provisioning fixes it. */
export class ResourceMissingError extends InfrastructureError {
  override readonly name = 'ResourceMissingError';
  readonly missing: readonly MissingResource[];

  constructor(missing: readonly MissingResource[], options: CauseOption = {}) {
    const list = missing.map((resource) => `${resource.type} "${resource.name}"`);
    const subject =
      list.length === 1 ? `The ${list[0]} does not exist` : `These resources do not exist: ${list.join(', ')}`;
    // Retrying will not create it; someone has to provision.
    super('resource_missing', `${subject}; run "orders provision" to create ${list.length === 1 ? 'it' : 'them'}.`, {
      ...options,
      retryable: false,
    });
    this.missing = missing;
  }
}

/** What AWS said when it answered with an error none of the classes above describes better. */
export type AwsRequestErrorCode =
  /** Credentials were rejected or lack permission. */
  | 'access_denied'
  /** Still throttled after the SDK's own retries. */
  | 'throttled'
  /** A 5xx after the SDK's own retries. */
  | 'aws_server_error'
  /** A 4xx: the request itself is wrong; repeating it will not help. */
  | 'aws_request_rejected'
  /** No HTTP answer we could classify (an unexpected SDK or parsing failure). */
  | 'aws_request_failed';

export interface AwsRequestErrorDetails {
  readonly service: string;
  readonly operation: string;
  readonly awsErrorName: string;
  readonly httpStatusCode?: number;
  readonly retryable: boolean;
  readonly cause?: unknown;
}

/** Any other failed AWS call, with enough detail to act on. */
export class AwsRequestError extends InfrastructureError {
  override readonly name = 'AwsRequestError';
  readonly service: string;
  readonly operation: string;
  readonly awsErrorName: string;
  readonly httpStatusCode: number | undefined;

  constructor(code: AwsRequestErrorCode, message: string, details: AwsRequestErrorDetails) {
    super(code, message, { cause: details.cause, retryable: details.retryable });
    this.service = details.service;
    this.operation = details.operation;
    this.awsErrorName = details.awsErrorName;
    this.httpStatusCode = details.httpStatusCode;
  }
}

/** A stored item that does not have the shape this adapter writes (hand-edited, or another writer). */
export class MalformedStoredItemError extends InfrastructureError {
  override readonly name = 'MalformedStoredItemError';

  constructor(message: string) {
    super('stored_item_malformed', message, { retryable: false });
  }
}
