import { DEFAULT_CONCURRENCY, type LogLevel } from '@orders/core';

export type RepositoryKind = 'dynamodb' | 'memory';

/** Everything the OrderProcessor reads from its environment, validated once at cold start. */
export interface EntryConfig {
  /** Which OrderRepository adapter to wire: DynamoDB in AWS, memory for local runs. */
  readonly repository: RepositoryKind;
  readonly tableName: string;
  readonly region: string | undefined;
  /** A custom endpoint (LocalStack, moto); every AWS client honours it. */
  readonly endpoint: string | undefined;
  readonly logLevel: LogLevel;
  readonly concurrency: number;
  /** Records not started this close to the Lambda timeout are handed back for redelivery. */
  readonly deadlineMarginMs: number;
  readonly serviceName: string;
  readonly metricsNamespace: string;
}

export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
  readonly code = 'invalid_configuration';
}

type Environment = Readonly<Record<string, string | undefined>>;

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

function positiveInteger(env: Environment, name: string, fallback: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new ConfigurationError(`${name} must be an integer from 1 to ${max}, got "${raw}"`);
  }
  return value;
}

function nonBlank(env: Environment, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/**
 * Reads the configuration: `ORDERS_TABLE_NAME` (default `Orders`), `AWS_REGION`,
 * `AWS_ENDPOINT_URL`, `ORDERS_REPOSITORY` (`dynamodb` default, or `memory`), `LOG_LEVEL`,
 * `ORDERS_CONCURRENCY` (default 100), `ORDERS_DEADLINE_MARGIN_MS` (default 3000).
 */
export function readEntryConfig(env: Environment): EntryConfig {
  const repository = (nonBlank(env, 'ORDERS_REPOSITORY') ?? 'dynamodb').toLowerCase();
  if (repository !== 'dynamodb' && repository !== 'memory') {
    throw new ConfigurationError(`ORDERS_REPOSITORY must be "dynamodb" or "memory", got "${repository}"`);
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
    logLevel: logLevel as LogLevel,
    concurrency: positiveInteger(env, 'ORDERS_CONCURRENCY', DEFAULT_CONCURRENCY, 1000),
    deadlineMarginMs: positiveInteger(env, 'ORDERS_DEADLINE_MARGIN_MS', 3000, 900_000),
    serviceName: nonBlank(env, 'POWERTOOLS_SERVICE_NAME') ?? 'OrderProcessor',
    metricsNamespace: nonBlank(env, 'POWERTOOLS_METRICS_NAMESPACE') ?? 'OrderProcessing',
  };
}
