import { RecordingLogger } from '@orders/testkit';
import { describe as describeValue, diagnosticsLogger, REPEAT_WINDOW_MS } from '../../src/tracing/diagnostics-logger';

describe('diagnosticsLogger: the SDK’s own messages as our log lines', () => {
  it('logs a message once per window, its first line only, with its arguments described', () => {
    let now = 1_000;
    const logger = new RecordingLogger();
    const diag = diagnosticsLogger(logger, () => now);
    const failure = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4318'), { code: 'ECONNREFUSED' });
    diag.error('Export failed\n    at stack frame', failure);
    now += REPEAT_WINDOW_MS - 1;
    diag.error('Export failed\n    at another frame', failure); // the same message, within the window
    diag.warn('Dropped 3 spans because maxQueueSize reached');
    now += 1;
    diag.error('Export failed', { spans: ['never dumped'] });
    expect(logger.calls).toEqual([
      {
        level: 'warn', // an SDK error never fails an order: our error lines are for those
        message: 'opentelemetry: Export failed',
        fields: { detail: ['Error ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:4318'] },
      },
      { level: 'warn', message: 'opentelemetry: Dropped 3 spans because maxQueueSize reached', fields: {} },
      { level: 'warn', message: 'opentelemetry: Export failed', fields: { detail: ['[object Object]'] } },
    ]);
  });

  it('describes values without dumping them', () => {
    expect(describeValue('x'.repeat(400))).toHaveLength(300);
    expect(describeValue([1, 'a', null, true, 5, 6])).toEqual([1, 'a', null, true, 5]);
    expect(describeValue(new TypeError('bad'))).toBe('TypeError: bad');
  });
});
