import { ConfigurationError, readEntryConfig } from '@orders/lambda-entry';

describe('readEntryConfig', () => {
  it('defaults to the seed table on DynamoDB', () => {
    expect(readEntryConfig({})).toMatchObject({
      repository: 'dynamodb',
      tableName: 'Orders',
      logLevel: 'info',
      concurrency: 100,
    });
  });

  it('reads the table, region, endpoint, log level and concurrency from the environment', () => {
    const config = readEntryConfig({
      ORDERS_TABLE_NAME: 'OrdersTest',
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:5000',
      LOG_LEVEL: 'DEBUG',
      ORDERS_CONCURRENCY: '8',
      ORDERS_REPOSITORY: 'memory',
    });
    expect(config).toMatchObject({
      tableName: 'OrdersTest',
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:5000',
      logLevel: 'debug',
      concurrency: 8,
      repository: 'memory',
    });
  });

  it.each([
    [{ ORDERS_CONCURRENCY: '0' }, /ORDERS_CONCURRENCY/],
    [{ ORDERS_CONCURRENCY: 'many' }, /ORDERS_CONCURRENCY/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ ORDERS_REPOSITORY: 'postgres' }, /ORDERS_REPOSITORY/],
    [{ ORDERS_TABLE_NAME: 'no spaces allowed' }, /ORDERS_TABLE_NAME/],
    [{ ORDERS_DEADLINE_MARGIN_MS: '-5' }, /ORDERS_DEADLINE_MARGIN_MS/],
    [{ ORDERS_RETRY_BASE_DELAY_SECONDS: 'soon' }, /ORDERS_RETRY_BASE_DELAY_SECONDS/],
    [{ ORDERS_RETRY_BACKOFF_FACTOR: '0.5' }, /backoffFactor/],
    [{ ORDERS_RETRY_MAX_DELAY_SECONDS: '50000' }, /maxDelaySeconds/],
    [{ ORDERS_RETRY_JITTER: '3' }, /jitterRatio/],
  ])('refuses %p with a ConfigurationError naming the variable', (env, message) => {
    expect(() => readEntryConfig(env)).toThrow(ConfigurationError);
    expect(() => readEntryConfig(env)).toThrow(message);
  });
});

describe('readEntryConfig inside Lambda', () => {
  it('refuses the in-memory repository, saying why, so the cold start fails instead of losing orders', () => {
    const env = { ORDERS_REPOSITORY: 'memory', AWS_LAMBDA_FUNCTION_NAME: 'OrderProcessor' };
    expect(() => readEntryConfig(env)).toThrow(ConfigurationError);
    expect(() => readEntryConfig(env)).toThrow(
      /ORDERS_REPOSITORY=memory is for local runs only: inside Lambda \(AWS_LAMBDA_FUNCTION_NAME is set\)/,
    );
    expect(readEntryConfig({ AWS_LAMBDA_FUNCTION_NAME: 'OrderProcessor' }).repository).toBe('dynamodb');
  });

  it('leaves the deadline margin to scale with the invocation unless one is set, and reads the retry pacing', () => {
    expect(readEntryConfig({}).deadlineMarginMs).toBeUndefined();
    expect(readEntryConfig({ ORDERS_DEADLINE_MARGIN_MS: '1500' }).deadlineMarginMs).toBe(1500);
    expect(readEntryConfig({}).retryPacing).toEqual({
      baseDelaySeconds: 60,
      backoffFactor: 60,
      maxDelaySeconds: 42_000,
      jitterRatio: 0.2,
    });
    expect(
      readEntryConfig({
        ORDERS_RETRY_BASE_DELAY_SECONDS: '1',
        ORDERS_RETRY_BACKOFF_FACTOR: '2',
        ORDERS_RETRY_JITTER: '0',
      }).retryPacing,
    ).toMatchObject({ baseDelaySeconds: 1, backoffFactor: 2, jitterRatio: 0 });
  });
});
