import { ConfigurationError, readEntryConfig } from '@orders/lambda-entry';

describe('readEntryConfig', () => {
  it('defaults to the seed table on DynamoDB', () => {
    expect(readEntryConfig({})).toMatchObject({ repository: 'dynamodb', tableName: 'Orders', logLevel: 'info', concurrency: 32 });
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
  ])('refuses %p with a ConfigurationError naming the variable', (env, message) => {
    expect(() => readEntryConfig(env)).toThrow(ConfigurationError);
    expect(() => readEntryConfig(env)).toThrow(message);
  });
});
