import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';

/**
 * How every SDK client of the project is built: region, endpoint and credentials from the SDK's
 * standard resolution (AWS_REGION / shared config, the default credential chain, AWS_ENDPOINT_URL
 * or AWS_ENDPOINT_URL_<SERVICE>), plus the network bounds the team's standard asks for — a timeout
 * on every request and a bound on retries — set here and nowhere else.
 *
 * What the SDK's NodeHttpHandler (@smithy/node-http-handler 4.x) does with each bound:
 * - `connectionTimeout`: the TCP (and TLS) connect; a dead endpoint fails fast.
 * - `requestTimeout`: from sending the request to the answer's *headers*. Without
 *   `throwOnRequestTimeout` it only logs a warning and lets the request hang on, so it is always set
 *   with it here. A timeout is a `TimeoutError` (code ETIMEDOUT), which the standard retry strategy
 *   retries. It can also be set per call (`client.send(command, { requestTimeout })`), which is how a
 *   long poll gets a longer one (see {@link longPollRequestTimeoutMs}).
 * - `socketTimeout`: inactivity on the socket at any point, the answer's body included; the only
 *   bound on an answer whose body stalls after the headers. Left unset, the SDK applies a "service
 *   default" of 300 s (SQS: 900 s). It is client-wide, so on SQS it must outlast the longest long
 *   poll, which is silent by design. (One of 6 s or more is armed 3 s into the request.)
 * - `maxAttempts`: tries per call, first included. Retries back off (standard mode, as installed:
 *   a random 0–50, 0–100, 0–200 ms…, from 1 s up when throttled) and draw on the client's retry
 *   quota (500 tokens; a retry costs 14, 5 after throttling; a success gives back 1, or the cost of
 *   the retry it took): under a sustained fault rate above about 20% the quota runs dry and failures
 *   reach the caller at once, which is the SDK sparing a service in trouble. The queue's redelivery
 *   is the outer retry.
 * - `maxSockets` (its agent's, per host; 50 unless set): a call beyond it waits in the agent's queue
 *   for a socket — and that wait counts toward its timeouts. From the installed source (4.14.2,
 *   `NodeHttpHandler.handle` in dist-cjs): the request timeout's timer is armed as soon as
 *   `http.request()` has handed the request to the agent, before any socket is assigned, and
 *   cleared at the answer's headers; the connection timeout's is armed then too (or 1 s later, for
 *   one of 2 s or more, still counting from the start) and cleared only once an assigned socket is
 *   connected, so a call queued past it fails unsent. No setting starts either at socket
 *   assignment; only `socketTimeout` is armed on the socket itself. So a call that queued for most
 *   of its request timeout is sent, lands, and is abandoned as timed out all the same: retried, a
 *   PutItem that had landed comes back ConditionalCheckFailed, a `duplicate` of itself
 *   (test/unit/socket-pool.test.ts holds the installed SDK to this).
 *   `socketAcquisitionWarningTimeout` changes none of that: it only arms one more timer (by default
 *   the request plus the connection timeout) at which a call still unanswered makes the handler
 *   log a warning, at most every 15 s, and only if a host has all its sockets busy and at least
 *   twice as many calls queued (60 calls on 50 sockets never warn).
 *   Since the SDK cannot start the clock at the socket, queuing is ruled out by construction
 *   instead: a client whose callers run many calls at once is built with a pool at least as large
 *   as the most calls they can have on the wire together ({@link maxSocketsFor}), where it is built
 *   (the `orders consume` clients, from its in-flight limit; the Lambda's DynamoDB client, from its
 *   batch concurrency). Every other client makes a few calls at a time and keeps the SDK's 50.
 */
export interface AwsClientOptions {
  readonly region?: string;
  /** An explicit endpoint (an emulator). Without it the SDK's configured-endpoint rules apply. */
  readonly endpoint?: string;
  readonly credentials?: DynamoDBClientConfig['credentials'];
  /** Tries per call, first included. Default per service; AWS_MAX_ATTEMPTS wins over the default. */
  readonly maxAttempts?: number;
  /** How long a TCP connection may take before the endpoint is called unreachable. */
  readonly connectionTimeoutMs?: number;
  /** How long one attempt may wait for an answer before it is abandoned (and retried). */
  readonly requestTimeoutMs?: number;
  /**
   * Most connections the client holds at once (per host; default {@link DEFAULT_MAX_SOCKETS}).
   * At least the most calls its callers have in flight together ({@link maxSocketsFor}): a call
   * beyond it waits for a socket, and the wait counts toward its timeouts (see the module comment).
   */
  readonly maxSockets?: number;
}

/** A service's defaults; the environment (below) and then code options override them. */
export interface ClientDefaults {
  readonly maxAttempts: number;
  readonly requestTimeoutMs: number;
  readonly connectionTimeoutMs: number;
}

/** Environment variables read by every client (documented in the README's configuration table). */
export const CLIENT_ENVIRONMENT = {
  requestTimeoutMs: 'ORDERS_AWS_REQUEST_TIMEOUT_MS',
  connectionTimeoutMs: 'ORDERS_AWS_CONNECTION_TIMEOUT_MS',
  /** The SDK's own variable: when set, no default of ours replaces it. */
  maxAttempts: 'AWS_MAX_ATTEMPTS',
} as const;

/** Long enough for a cold TLS handshake, short enough that a dead endpoint is reported quickly. */
export const DEFAULT_CONNECTION_TIMEOUT_MS = 5_000;
export const DEFAULT_MAX_ATTEMPTS = 3;
/**
 * DynamoDB writes sit on the message path: a fourth try (a few hundred ms of backoff at most, a few
 * seconds when throttled) is far cheaper than a redelivery after the queue's visibility timeout.
 */
export const DEFAULT_DYNAMODB_MAX_ATTEMPTS = 4;
/**
 * A PutItem answers in milliseconds; one that has said nothing for 3 s is stuck (a half-open
 * keep-alive socket after a Lambda freeze, a stalled endpoint). Without a limit it would hold the
 * record — and the whole invocation — until the Lambda timeout. 4 attempts × 3 s still fit well
 * inside a 30 s function timeout.
 */
export const DEFAULT_DYNAMODB_REQUEST_TIMEOUT_MS = 3_000;
/**
 * SNS and SQS calls (other than long polls) answer in tens of milliseconds; an emulator walking a
 * deep queue takes longer, hence more room than DynamoDB's.
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;
/** SQS's ceiling for WaitTimeSeconds: the longest silence a healthy SQS call may keep. */
export const MAX_LONG_POLL_SECONDS = 20;
/** The SDK's own pool (NodeHttpHandler's agents), stated here so every client's is visible. */
export const DEFAULT_MAX_SOCKETS = 50;
/**
 * Sockets on top of the calls in flight: a call that just failed (a timeout, a reset) destroys its
 * socket, which still counts against the pool until it has closed, an event-loop turn later; the
 * retry or the next call may start within that turn.
 */
export const SOCKET_POOL_SPARE = 4;
const MAX_MAX_SOCKETS = 100_000;

/** A pool in which none of `callsInFlight` calls made at once ever waits for a socket. */
export function maxSocketsFor(callsInFlight: number): number {
  if (!Number.isInteger(callsInFlight) || callsInFlight < 0)
    throw new RangeError(`callsInFlight must be a whole number, got ${callsInFlight}`);
  return callsInFlight + SOCKET_POOL_SPARE;
}

export const GENERAL_CLIENT_DEFAULTS: ClientDefaults = {
  maxAttempts: DEFAULT_MAX_ATTEMPTS,
  requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
  connectionTimeoutMs: DEFAULT_CONNECTION_TIMEOUT_MS,
};
export const DYNAMODB_CLIENT_DEFAULTS: ClientDefaults = {
  maxAttempts: DEFAULT_DYNAMODB_MAX_ATTEMPTS,
  requestTimeoutMs: DEFAULT_DYNAMODB_REQUEST_TIMEOUT_MS,
  connectionTimeoutMs: DEFAULT_CONNECTION_TIMEOUT_MS,
};

/** A client setting from the environment that is not usable: the message names the variable. */
export class ClientSettingError extends Error {
  override readonly name = 'ClientSettingError';
  readonly code = 'invalid_client_setting';
}

/** Options for the agent NodeHttpHandler builds (keep-alive stays on: it spreads these over its own). */
export interface AgentSettings {
  maxSockets: number;
}

/** The request handler settings, as NodeHttpHandler takes them (a plain object: callers may add an agent). */
export interface RequestHandlerSettings {
  connectionTimeout: number;
  requestTimeout: number;
  throwOnRequestTimeout: true;
  socketTimeout: number;
  /** For an `http:` endpoint (an emulator). */
  httpAgent: AgentSettings;
  httpsAgent: AgentSettings;
}

export interface AwsClientConfig {
  region?: string;
  endpoint?: string;
  credentials?: DynamoDBClientConfig['credentials'];
  maxAttempts?: number;
  requestHandler: RequestHandlerSettings;
}

const MIN_TIMEOUT_MS = 100;
const MAX_TIMEOUT_MS = 300_000;

function millisecondsFromEnvironment(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < MIN_TIMEOUT_MS || value > MAX_TIMEOUT_MS) {
    throw new ClientSettingError(
      `${name} must be a whole number of milliseconds from ${MIN_TIMEOUT_MS} to ${MAX_TIMEOUT_MS}, got "${raw}"`,
    );
  }
  return value;
}

function checkOption(name: string, value: number | undefined, min: number, max: number): void {
  if (value !== undefined && (!Number.isInteger(value) || value < min || value > max))
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${value}`);
}

/** The timeouts a client ends up with: code options, then the environment, then the service's defaults. */
export function resolveClientTimeouts(
  defaults: ClientDefaults,
  options: AwsClientOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): { readonly requestTimeoutMs: number; readonly connectionTimeoutMs: number } {
  checkOption('requestTimeoutMs', options.requestTimeoutMs, 1, MAX_TIMEOUT_MS);
  checkOption('connectionTimeoutMs', options.connectionTimeoutMs, 1, MAX_TIMEOUT_MS);
  return {
    requestTimeoutMs:
      options.requestTimeoutMs ??
      millisecondsFromEnvironment(env, CLIENT_ENVIRONMENT.requestTimeoutMs) ??
      defaults.requestTimeoutMs,
    connectionTimeoutMs:
      options.connectionTimeoutMs ??
      millisecondsFromEnvironment(env, CLIENT_ENVIRONMENT.connectionTimeoutMs) ??
      defaults.connectionTimeoutMs,
  };
}

/**
 * The configuration for one client. `socketTimeoutMs` is the client's inactivity bound (see the
 * module comment); by default the request timeout, so an answer that stalls half-way is cut as soon
 * as a silent one would be.
 */
export function clientConfig(
  defaults: ClientDefaults,
  options: AwsClientOptions = {},
  env: NodeJS.ProcessEnv = process.env,
  socketTimeoutMs?: (requestTimeoutMs: number) => number,
): AwsClientConfig {
  checkOption('maxAttempts', options.maxAttempts, 1, 20);
  checkOption('maxSockets', options.maxSockets, 1, MAX_MAX_SOCKETS);
  const { requestTimeoutMs, connectionTimeoutMs } = resolveClientTimeouts(defaults, options, env);
  const sdkReadsMaxAttempts = (env[CLIENT_ENVIRONMENT.maxAttempts] ?? '').trim() !== '';
  const maxAttempts = options.maxAttempts ?? (sdkReadsMaxAttempts ? undefined : defaults.maxAttempts);
  const maxSockets = options.maxSockets ?? DEFAULT_MAX_SOCKETS;
  return {
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    ...(maxAttempts === undefined ? {} : { maxAttempts }),
    requestHandler: {
      connectionTimeout: connectionTimeoutMs,
      requestTimeout: requestTimeoutMs,
      // Without it a request timeout is only a logged warning and the request hangs on.
      throwOnRequestTimeout: true,
      socketTimeout: socketTimeoutMs?.(requestTimeoutMs) ?? requestTimeoutMs,
      httpAgent: { maxSockets },
      httpsAgent: { maxSockets },
    },
  };
}

/** The general configuration (SNS, lookups) with the given default attempts. */
export function awsClientConfig(
  options: AwsClientOptions = {},
  defaultMaxAttempts = DEFAULT_MAX_ATTEMPTS,
  env: NodeJS.ProcessEnv = process.env,
): AwsClientConfig {
  return clientConfig({ ...GENERAL_CLIENT_DEFAULTS, maxAttempts: defaultMaxAttempts }, options, env);
}

/**
 * A long poll is silent for up to its wait by design: it gets the wait plus the ordinary request
 * timeout, per call. A per-call `requestTimeout` (one SQS client, one socket pool) is simpler than a
 * second client for receives, and keeps the ordinary bound on every other SQS call.
 */
export function longPollRequestTimeoutMs(waitTimeSeconds: number, requestTimeoutMs: number): number {
  return waitTimeSeconds * 1000 + requestTimeoutMs;
}

export function dynamoDbClientConfig(
  options: AwsClientOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): AwsClientConfig {
  return clientConfig(DYNAMODB_CLIENT_DEFAULTS, options, env);
}

export function createDynamoDbClient(options: AwsClientOptions = {}): DynamoDBClient {
  return new DynamoDBClient(dynamoDbClientConfig(options));
}

export function createSnsClient(options: AwsClientOptions = {}): SNSClient {
  return new SNSClient(awsClientConfig(options));
}

/**
 * SQS clients ignore the host in a queue URL. By default the SDK sends each call to the host of
 * its QueueUrl unless an `endpoint` is passed in code — and AWS_ENDPOINT_URL does not count — so a
 * URL minted by an emulator behind another host name (a container's `localstack:4566`, moto's
 * `localhost`) would send calls somewhere else than configured. Calls go to the configured endpoint.
 *
 * The socket inactivity bound must outlast the longest long poll, which sends nothing until it
 * answers; every other SQS call is still cut by its request timeout first.
 */
export function sqsClientConfig(
  options: AwsClientOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): AwsClientConfig & { useQueueUrlAsEndpoint: false } {
  const config = clientConfig(GENERAL_CLIENT_DEFAULTS, options, env, (requestTimeoutMs) =>
    longPollRequestTimeoutMs(MAX_LONG_POLL_SECONDS, requestTimeoutMs),
  );
  return { ...config, useQueueUrlAsEndpoint: false };
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
