import {
  CLIENT_ENVIRONMENT,
  DEFAULT_CONNECTION_TIMEOUT_MS,
  DYNAMODB_CLIENT_DEFAULTS,
  GENERAL_CLIENT_DEFAULTS,
} from '@orders/adapters-aws';
import { DEFAULT_CONCURRENCY, DEFAULT_RETRY_PACING, RETRY_PACING_ENVIRONMENT } from '@orders/core';

/** One environment variable the OrderProcessor reads, and its default as the README states it. */
export interface EntryVariable {
  readonly name: string;
  /** The default in words or as a value; `undefined`: none (the setting is simply absent). */
  readonly default: string | undefined;
}

/**
 * Every environment variable the OrderProcessor reads, in the README's order: the one list that
 * `readEntryConfig` may read from (its reads are typed by these names) and that the README's
 * configuration table must match name for name, default for default (a unit test holds both), so
 * a new setting cannot ship undocumented. The SDK also reads its own variables (credentials,
 * `AWS_PROFILE`, …); only those the project's code reads or sets defaults for are listed.
 */
export const ENTRY_ENVIRONMENT = [
  { name: 'ORDERS_TABLE_NAME', default: 'Orders' },
  { name: 'AWS_REGION', default: 'AWS_DEFAULT_REGION' },
  { name: 'AWS_DEFAULT_REGION', default: 'SDK default chain' },
  { name: 'AWS_ENDPOINT_URL', default: undefined },
  { name: 'AWS_ENDPOINT_URL_DYNAMODB', default: 'AWS_ENDPOINT_URL' },
  { name: 'AWS_ENDPOINT_URL_SQS', default: 'AWS_ENDPOINT_URL' },
  { name: 'ORDERS_REPOSITORY', default: 'dynamodb' },
  { name: 'LOG_LEVEL', default: 'POWERTOOLS_LOG_LEVEL' },
  { name: 'POWERTOOLS_LOG_LEVEL', default: 'info' },
  { name: 'POWERTOOLS_SERVICE_NAME', default: 'OrderProcessor' },
  { name: 'POWERTOOLS_METRICS_NAMESPACE', default: 'OrderProcessing' },
  { name: 'ORDERS_CONCURRENCY', default: String(DEFAULT_CONCURRENCY) },
  { name: 'ORDERS_DEADLINE_MARGIN_MS', default: 'a tenth of the invocation' },
  { name: 'ORDERS_MAX_RECEIVE_COUNT', default: undefined },
  { name: RETRY_PACING_ENVIRONMENT.baseDelaySeconds, default: String(DEFAULT_RETRY_PACING.baseDelaySeconds) },
  { name: RETRY_PACING_ENVIRONMENT.backoffFactor, default: String(DEFAULT_RETRY_PACING.backoffFactor) },
  { name: RETRY_PACING_ENVIRONMENT.maxDelaySeconds, default: String(DEFAULT_RETRY_PACING.maxDelaySeconds) },
  { name: RETRY_PACING_ENVIRONMENT.jitterRatio, default: String(DEFAULT_RETRY_PACING.jitterRatio) },
  {
    name: CLIENT_ENVIRONMENT.requestTimeoutMs,
    default: `DynamoDB ${DYNAMODB_CLIENT_DEFAULTS.requestTimeoutMs}, SQS/SNS ${GENERAL_CLIENT_DEFAULTS.requestTimeoutMs}`,
  },
  { name: CLIENT_ENVIRONMENT.connectionTimeoutMs, default: String(DEFAULT_CONNECTION_TIMEOUT_MS) },
  {
    name: CLIENT_ENVIRONMENT.maxAttempts,
    default: `DynamoDB ${DYNAMODB_CLIENT_DEFAULTS.maxAttempts}, SQS/SNS ${GENERAL_CLIENT_DEFAULTS.maxAttempts}`,
  },
] as const satisfies readonly EntryVariable[];

/**
 * Read but not a setting: Lambda sets it in every execution environment, and its presence is how
 * the configuration knows it runs inside Lambda (where an in-memory repository would lose orders).
 */
export const LAMBDA_RUNTIME_VARIABLES = ['AWS_LAMBDA_FUNCTION_NAME'] as const;

export type EntryVariableName = (typeof ENTRY_ENVIRONMENT)[number]['name'] | (typeof LAMBDA_RUNTIME_VARIABLES)[number];

/** The Lambda's environment as `readEntryConfig` sees it: only the listed names can be read. */
export type EntryEnvironment = Readonly<Partial<Record<EntryVariableName, string>>>;
