import { createPowertoolsLogger } from '@orders/observability';

describe('PowertoolsLoggerAdapter', () => {
  it('writes only the levels its log level lets through', () => {
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
