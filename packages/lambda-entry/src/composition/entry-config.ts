import type { EntryEnvironment, EntryVariableName } from './entry-environment';
import { DEFAULT_CONCURRENCY, type LogLevel, type RetryPacingOptions, retryPacingFromEnvironment } from '@orders/core';

export type RepositoryKind = 'dynamodb' | 'memory';

/** Everything the OrderProcessor reads from its environment, validated once at cold start. */
export interface EntryConfig {
  /** Which OrderRepository adapter to wire: DynamoDB in AWS, memory for local runs. */
  readonly repository: RepositoryKind;
  readonly tableName: string;
  readonly region: string | undefined;
  /** A custom DynamoDB endpoint (LocalStack, moto): AWS_ENDPOINT_URL_DYNAMODB, else AWS_ENDPOINT_URL. */
  readonly endpoint: string | undefined;
  /** A custom SQS endpoint for the paced retries: AWS_ENDPOINT_URL_SQS, else AWS_ENDPOINT_URL. */
  readonly sqsEndpoint: string | undefined;
  readonly logLevel: LogLevel;
  readonly concurrency: number;
  /**
   * Records not started this close to the Lambda timeout are handed back for redelivery.
   * Undefined: scaled to the invocation (a tenth of its time, at most 3 s). The function's timeout
   * is not known here: each invocation cuts a margin over half its time to half (logged once).
   */
  readonly deadlineMarginMs: number | undefined;
  /**
   * How the retries of failed records are paced (ChangeMessageVisibility by failure class and
   * receive count). Up to 43,200 s is accepted; the handler caps each delay to what SQS still
   * allows the record when it sets it (12 h from the receive), and says once when that is less.
   */
  readonly retryPacing: RetryPacingOptions;
  /**
   * The source queue's maxReceiveCount, when the deployment says (ORDERS_MAX_RECEIVE_COUNT): a
   * record failing on its last receive is then made visible at once, to reach the DLQ now.
   */
  readonly maxReceiveCount: number | undefined;
  readonly serviceName: string;
  readonly metricsNamespace: string;
}

export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
  readonly code = 'invalid_configuration';
}

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

function positiveInteger(env: EntryEnvironment, name: EntryVariableName, fallback: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new ConfigurationError(`${name} must be an integer from 1 to ${max}, got "${raw}"`);
  }
  return value;
}

function optionalPositiveInteger(env: EntryEnvironment, name: EntryVariableName, max: number): number | undefined {
  const raw = env[name];
  return raw === undefined || raw.trim() === '' ? undefined : positiveInteger(env, name, 1, max);
}

/** The pacing both runners read (core's RETRY_PACING_ENVIRONMENT); a bad value fails the cold start. */
function readRetryPacing(env: EntryEnvironment): RetryPacingOptions {
  const { pacing, problems } = retryPacingFromEnvironment(env);
  if (problems.length > 0) throw new ConfigurationError(`ORDERS_RETRY_* settings are invalid: ${problems.join('; ')}`);
  return pacing;
}

function nonBlank(env: EntryEnvironment, name: EntryVariableName): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/**
 * Reads the configuration from the variables ENTRY_ENVIRONMENT lists (their defaults are there and
 * in the README's configuration table) and checks it once, at cold start: a bad value throws a
 * ConfigurationError naming the variable.
 */
export function readEntryConfig(env: EntryEnvironment): EntryConfig {
  const repository = (nonBlank(env, 'ORDERS_REPOSITORY') ?? 'dynamodb').toLowerCase();
  if (repository !== 'dynamodb' && repository !== 'memory') {
    throw new ConfigurationError(`ORDERS_REPOSITORY must be "dynamodb" or "memory", got "${repository}"`);
  }
  if (repository === 'memory' && nonBlank(env, 'AWS_LAMBDA_FUNCTION_NAME') !== undefined) {
    // Each execution environment would keep its own orders, acknowledge every message and lose
    // them all when Lambda recycles it: a silent data loss, so the function refuses to start.
    throw new ConfigurationError(
      "ORDERS_REPOSITORY=memory is for local runs only: inside Lambda (AWS_LAMBDA_FUNCTION_NAME is set) orders would live in one execution environment's memory and vanish with it; unset it to store them in DynamoDB",
    );
  }
  const logLevel = (nonBlank(env, 'LOG_LEVEL') ?? nonBlank(env, 'POWERTOOLS_LOG_LEVEL') ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigurationError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const tableName = nonBlank(env, 'ORDERS_TABLE_NAME') ?? 'Orders';
  if (!/^[A-Za-z0-9_.-]{3,255}$/.test(tableName)) {
    throw new ConfigurationError(
      `ORDERS_TABLE_NAME must be a DynamoDB table name (3–255 of A–Z a–z 0–9 _ . -), got "${tableName}"`,
    );
  }
  return {
    repository,
    tableName,
    region: nonBlank(env, 'AWS_REGION') ?? nonBlank(env, 'AWS_DEFAULT_REGION'),
    endpoint: nonBlank(env, 'AWS_ENDPOINT_URL_DYNAMODB') ?? nonBlank(env, 'AWS_ENDPOINT_URL'),
    sqsEndpoint: nonBlank(env, 'AWS_ENDPOINT_URL_SQS') ?? nonBlank(env, 'AWS_ENDPOINT_URL'),
    logLevel: logLevel as LogLevel,
    concurrency: positiveInteger(env, 'ORDERS_CONCURRENCY', DEFAULT_CONCURRENCY, 1000),
    deadlineMarginMs: optionalPositiveInteger(env, 'ORDERS_DEADLINE_MARGIN_MS', 900_000),
    retryPacing: readRetryPacing(env),
    maxReceiveCount: optionalPositiveInteger(env, 'ORDERS_MAX_RECEIVE_COUNT', 1000),
    serviceName: nonBlank(env, 'POWERTOOLS_SERVICE_NAME') ?? 'OrderProcessor',
    metricsNamespace: nonBlank(env, 'POWERTOOLS_METRICS_NAMESPACE') ?? 'OrderProcessing',
  };
}
