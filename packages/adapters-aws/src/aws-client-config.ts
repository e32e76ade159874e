import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';

/**
 * How the adapters build SDK clients when none is injected. Everything defaults to the SDK's
 * standard resolution: region from AWS_REGION / the shared config, credentials from the default
 * chain, and the endpoint from AWS_ENDPOINT_URL (or AWS_ENDPOINT_URL_<SERVICE>) — the SDK reads
 * those itself, so service-specific overrides keep working. Options here only override.
 */
export interface AwsClientOptions {
  readonly region?: string;
  /** An explicit endpoint (an emulator). Without it the SDK's configured-endpoint rules apply. */
  readonly endpoint?: string;
  readonly credentials?: DynamoDBClientConfig['credentials'];
  /** Total tries per call, first included. Defaults per service; AWS_MAX_ATTEMPTS wins over the default. */
  readonly maxAttempts?: number;
  /** How long to wait for a TCP connection before calling the endpoint unreachable. */
  readonly connectionTimeoutMs?: number;
  /**
   * How long a request may go without an answer before it is abandoned (and retried). Set for
   * DynamoDB only by default: SQS long polls legitimately stay silent for up to 20 s.
   */
  readonly requestTimeoutMs?: number;
}

/**
 * DynamoDB writes sit on the message path: a few more tries (the standard strategy backs off
 * ~0.1/0.2/0.4 s, longer when throttled) are far cheaper than a redelivery after the queue's
 * visibility timeout. Control-plane and queue calls keep the SDK's default of 3.
 */
export const DEFAULT_DYNAMODB_MAX_ATTEMPTS = 4;
export const DEFAULT_MAX_ATTEMPTS = 3;
/** Long enough for a cold TLS handshake, short enough that a dead endpoint is reported quickly. */
export const DEFAULT_CONNECTION_TIMEOUT_MS = 5_000;
/**
 * A PutItem answers in milliseconds; one that has said nothing for 3 s is stuck (a half-open
 * keep-alive socket after a Lambda freeze, a stalled endpoint). Without a limit it would hold the
 * record — and the whole invocation — until the Lambda timeout, and Lambda would then retry every
 * record of the batch. 4 attempts × 3 s still fits well inside a 30 s function timeout.
 */
export const DEFAULT_DYNAMODB_REQUEST_TIMEOUT_MS = 3_000;

interface CommonClientConfig {
  region?: string;
  endpoint?: string;
  credentials?: DynamoDBClientConfig['credentials'];
  maxAttempts?: number;
  requestHandler: { connectionTimeout: number; requestTimeout?: number; throwOnRequestTimeout?: boolean };
}

function maxAttemptsFromEnvironment(env: NodeJS.ProcessEnv): boolean {
  const value = env['AWS_MAX_ATTEMPTS'];
  return value !== undefined && value.trim() !== '';
}

/**
 * The configuration shared by all three clients. Keep-alive is left at the SDK's default (on):
 * a Lambda or a consumer reuses its sockets across calls. No request timeout is set unless asked
 * for, because SQS long polls legitimately hold a request open for up to 20 s.
 */
export function awsClientConfig(
  options: AwsClientOptions = {},
  defaultMaxAttempts = DEFAULT_MAX_ATTEMPTS,
  env: NodeJS.ProcessEnv = process.env,
): CommonClientConfig {
  const maxAttempts = options.maxAttempts ?? (maxAttemptsFromEnvironment(env) ? undefined : defaultMaxAttempts);
  return {
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    ...(maxAttempts === undefined ? {} : { maxAttempts }),
    requestHandler: {
      connectionTimeout: options.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS,
      // The handler only logs a warning on timeout unless told to throw; a warning would leave the
      // request hanging, which is the very thing the timeout is for.
      ...(options.requestTimeoutMs === undefined
        ? {}
        : { requestTimeout: options.requestTimeoutMs, throwOnRequestTimeout: true }),
    },
  };
}

export function createDynamoDbClient(options: AwsClientOptions = {}): DynamoDBClient {
  return new DynamoDBClient(
    awsClientConfig(
      { requestTimeoutMs: DEFAULT_DYNAMODB_REQUEST_TIMEOUT_MS, ...options },
      DEFAULT_DYNAMODB_MAX_ATTEMPTS,
    ),
  );
}

export function createSnsClient(options: AwsClientOptions = {}): SNSClient {
  return new SNSClient(awsClientConfig(options));
}

/**
 * SQS clients ignore the host in a queue URL. By default the SDK sends each call to the host of
 * its QueueUrl unless an `endpoint` is passed in code — and AWS_ENDPOINT_URL does not count — so a
 * URL minted by an emulator behind another host name (a container's `localstack:4566`, moto's
 * `localhost`) would send calls somewhere else than configured. Calls go to the configured endpoint.
 */
export function sqsClientConfig(options: AwsClientOptions = {}): CommonClientConfig & { useQueueUrlAsEndpoint: false } {
  return { ...awsClientConfig(options), useQueueUrlAsEndpoint: false };
}

export function createSqsClient(options: AwsClientOptions = {}): SQSClient {
  return new SQSClient(sqsClientConfig(options));
}

/** The three clients the provisioning and lookup code talks to. */
export interface AwsClients {
  readonly dynamodb: DynamoDBClient;
  readonly sns: SNSClient;
  readonly sqs: SQSClient;
}

export function createAwsClients(options: AwsClientOptions = {}, injected: Partial<AwsClients> = {}): AwsClients {
  return {
    dynamodb: injected.dynamodb ?? createDynamoDbClient(options),
    sns: injected.sns ?? createSnsClient(options),
    sqs: injected.sqs ?? createSqsClient(options),
  };
}
