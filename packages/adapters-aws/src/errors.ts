import { InfrastructureError } from '@orders/core';
import { DEFAULT_RESOURCE_NAMES } from './resource-names';

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
    // Which setting chose the endpoint (--endpoint, AWS_ENDPOINT_URL, a per-service variable, none)
    // is the caller's knowledge, not this adapter's: the sentence names only what did not answer.
    super(
      'endpoint_unreachable',
      endpoint === undefined
        ? 'Could not reach the AWS endpoint; check that the emulator or service it names is running.'
        : isAwsHost(endpoint)
          ? `Could not reach AWS at ${endpoint}; check this machine's network access.`
          : `Could not reach the AWS endpoint ${endpoint}; check that the emulator or service there is running.`,
      // The endpoint may come back (an emulator restarting, a network blip).
      { ...options, retryable: true },
    );
    this.endpoint = endpoint;
  }
}

/** Whether a host (`name`, `name:port` or a URL) is AWS's own: the SDK's default endpoints. */
export function isAwsHost(endpoint: string): boolean {
  const host = (/^\w+:\/\//.test(endpoint) ? new URL(endpoint).hostname : endpoint.replace(/:\d+$/, '')).toLowerCase();
  return /(^|\.)(amazonaws\.com|amazonaws\.com\.cn|api\.aws)$/.test(host);
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
  /**
   * Names of the same type that do exist and are close to this one (a typo's intended name),
   * closest first, when they were looked up (see withSimilarNames).
   */
  readonly similar?: readonly string[];
}

/** A table, topic or queue the adapters need does not exist (yet): provisioning fixes it. */
export class ResourceMissingError extends InfrastructureError {
  override readonly name = 'ResourceMissingError';
  readonly missing: readonly MissingResource[];

  constructor(missing: readonly MissingResource[], options: CauseOption = {}) {
    // Retrying will not create it; someone has to provision, or fix the name.
    super('resource_missing', describeMissingResources(missing), { ...options, retryable: false });
    this.missing = missing;
  }
}

/** The names `orders provision` creates when given no names: the only ones it may be told to create blindly. */
const DEFAULT_NAMES: Readonly<Record<AwsResourceType, readonly string[]>> = {
  'DynamoDB table': [DEFAULT_RESOURCE_NAMES.tableName],
  'SNS topic': [DEFAULT_RESOURCE_NAMES.topicName],
  'SQS queue': [
    DEFAULT_RESOURCE_NAMES.queueName,
    DEFAULT_RESOURCE_NAMES.dlqName,
    DEFAULT_RESOURCE_NAMES.subscriptionDlqName,
  ],
  'SNS subscription': [],
};

const quoted = (name: string): string => `"${name}"`;

/** `"a"`, `"a" and "b"`, `"a", "b" and "c"`. */
function quotedList(names: readonly string[]): string {
  const all = names.map(quoted);
  return all.length <= 1 ? all.join('') : `${all.slice(0, -1).join(', ')} and ${all[all.length - 1]}`;
}

/**
 * The one sentence a missing resource gets: which name of which type was not found (and where,
 * when `whereOf` says), and what to do. "Run orders provision" only for the names it creates by
 * default: for any other name, provisioning would create the very typo the user made, so the
 * sentence says so and names the similar names that exist, when they were looked up.
 */
export function describeMissingResources(
  missing: readonly MissingResource[],
  whereOf: (resource: MissingResource) => string | undefined = () => undefined,
): string {
  const at = (resource: MissingResource): string => {
    const where = whereOf(resource);
    return where === undefined ? '' : ` ${where}`;
  };
  const unusual = missing.filter((resource) => !DEFAULT_NAMES[resource.type].includes(resource.name));
  if (missing.length === 1 && missing[0] !== undefined) {
    const resource = missing[0];
    const subject = `The ${resource.type} ${quoted(resource.name)} does not exist${at(resource)}`;
    const similar = resource.similar ?? [];
    if (unusual.length === 0) {
      const alike = similar.length === 0 ? '' : ` (${quotedList(similar)} ${similar.length === 1 ? 'does' : 'do'})`;
      return `${subject}${alike}; run "orders provision" to create it.`;
    }
    if (similar.length > 0) {
      return (
        `${subject}, but ${quotedList(similar)} ${similar.length === 1 ? 'does' : 'do'}: check the name, ` +
        `as "orders provision" would create ${quoted(resource.name)} as given.`
      );
    }
    // Only when the names were looked up can the sentence say that none is alike.
    return (
      `${subject}${resource.similar === undefined ? '' : ', nor any with a similar name'}: check the name, ` +
      `or create ${quoted(resource.name)} by giving "orders provision" the same names.`
    );
  }
  // Several: one place when they share it, else each with its own.
  const places = new Set(missing.map(at));
  const shared = places.size === 1 ? [...places][0] : '';
  const list = missing
    .map((resource) => {
      const similar = resource.similar ?? [];
      return `${resource.type} ${quoted(resource.name)}${shared === '' ? at(resource) : ''}${similar.length === 0 ? '' : ` (similar: ${quotedList(similar)})`}`;
    })
    .join(', ');
  const subject = `These resources do not exist${shared}: ${list}`;
  if (unusual.length === 0) return `${subject}; run "orders provision" to create them.`;
  const which = unusual.length === missing.length ? 'the names' : quotedList(unusual.map((resource) => resource.name));
  // A name with a look-alike is a typo until shown otherwise; one without may be meant.
  return unusual.some((resource) => (resource.similar ?? []).length > 0)
    ? `${subject}; check ${which} first, as "orders provision" would create ${unusual.length === 1 ? 'it' : 'them'} as given.`
    : `${subject}; check ${which}, or create them by giving "orders provision" the same names.`;
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
