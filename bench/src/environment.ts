/**
 * The environment every handler process gets: the same Lambda-like variables for ours and the
 * references, nothing inherited from the shell that could change what a bundle does at import.
 */
export const BENCH_TABLE = 'Orders';

export function handlerEnvironment(overrides: Readonly<Record<string, string>> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    // OTEL_ too: a shell with an OTLP endpoint set would otherwise turn tracing on in every handler measured.
    if (/^(AWS_|ORDERS_|POWERTOOLS_|LOG_LEVEL|NODE_OPTIONS|BENCH_|OTEL_)/.test(key)) continue;
    env[key] = value;
  }
  return {
    ...env,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_LAMBDA_FUNCTION_NAME: 'OrderProcessor',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
    ORDERS_TABLE_NAME: BENCH_TABLE,
    ORDERS_REPOSITORY: 'dynamodb',
    ...overrides,
  };
}

/** Ours on its in-memory repository, which it only accepts outside Lambda (no AWS_LAMBDA_FUNCTION_NAME). */
export const LOCAL_MEMORY_RUN = { ORDERS_REPOSITORY: 'memory', AWS_LAMBDA_FUNCTION_NAME: '' } as const;
