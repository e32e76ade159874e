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
  ])('refuses %p with a ConfigurationError naming the variable', (env, message) => {
    expect(() => readEntryConfig(env)).toThrow(ConfigurationError);
    expect(() => readEntryConfig(env)).toThrow(message);
  });
});

describe('PowertoolsLoggerAdapter', () => {
  it('writes only the levels LOG_LEVEL lets through', async () => {
    const { createPowertoolsLogger } = await import('@orders/lambda-entry');
    const logger = createPowertoolsLogger({ serviceName: 'test', logLevel: 'warn' });
    const written: string[] = [];
    const spies = (['info', 'warn', 'error', 'debug'] as const).map((level) =>
      jest.spyOn(logger.powertools, level).mockImplementation(() => void written.push(level)),
    );
    try {
      logger.debug('d');
      logger.info('i', { orderId: 'x' });
      logger.warn('w');
      logger.child({ requestId: 'r' }).error('e');
      expect(written).toEqual(['warn', 'error']);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });
});
