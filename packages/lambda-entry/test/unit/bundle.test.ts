import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rawBody, snsEnvelopeBody, sqsEvent, sqsRecord } from '@orders/testkit';
import { SEED_DUMMY_ORDER } from '@orders/simulation';

const bundlePath = join(__dirname, '..', '..', 'dist', 'index.mjs');

/** Imports the built bundle in a fresh Node process, as Lambda would, and invokes it once. */
function invokeBundle(event: unknown, env: Record<string, string>): { response: unknown; stdout: string } {
  const script = `
    const { handler } = await import(${JSON.stringify(bundlePath)});
    const context = { awsRequestId: 'bundle-test', functionName: 'OrderProcessor', getRemainingTimeInMillis: () => 30000 };
    const response = await handler(JSON.parse(process.env.EVENT), context);
    process.stdout.write('RESPONSE ' + JSON.stringify(response) + '\\n');
  `;
  const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH: process.env['PATH'] ?? '', EVENT: JSON.stringify(event), ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    // The tests calling this are synchronous, so jest's timeout cannot cut them: the child's own
    // bound keeps a hang from blocking the run (well under a second idle; a minute is a hang guard).
    timeout: 60_000,
  });
  const line = stdout.split('\n').find((l) => l.startsWith('RESPONSE '));
  return { response: JSON.parse(line?.slice('RESPONSE '.length) ?? 'null'), stdout };
}

describe('the deployable bundle (dist/index.mjs)', () => {
  beforeAll(() => {
    if (!existsSync(bundlePath)) throw new Error(`${bundlePath} is missing: run \`pnpm build\` first (pnpm test does)`);
  });

  it('is an ESM bundle with the createRequire banner and a source map', () => {
    const code = readFileSync(bundlePath, 'utf8');
    expect(code.startsWith("import{createRequire}from'module';const require=createRequire(import.meta.url);")).toBe(
      true,
    );
    expect(code).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map\s*$/);
    expect(existsSync(`${bundlePath}.map`)).toBe(true);
  });

  it('keeps error class names through minification (the runtime reports constructor.name as errorType)', () => {
    const script = `
      const { handler } = await import(${JSON.stringify(bundlePath)});
      try {
        await handler({ Records: [{ body: '{}' }] }, { awsRequestId: 'names', getRemainingTimeInMillis: () => 30000 });
      } catch (error) {
        process.stdout.write('THROWN ' + JSON.stringify({ constructor: error.constructor.name, name: error.name }) + '\\n');
      }
    `;
    const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { PATH: process.env['PATH'] ?? '', ORDERS_REPOSITORY: 'memory', AWS_REGION: 'us-east-1' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000, // a hang guard, as in invokeBundle
    });
    const thrown = stdout.split('\n').find((l) => l.startsWith('THROWN '));
    expect(JSON.parse(thrown?.slice('THROWN '.length) ?? 'null')).toEqual({
      constructor: 'MalformedEventError',
      name: 'MalformedEventError',
    });
  });

  it('exports a handler that reports exactly the bad records and logs JSON lines with EMF metrics', () => {
    const event = sqsEvent([
      sqsRecord(snsEnvelopeBody(SEED_DUMMY_ORDER), { messageId: 'good-enveloped' }),
      sqsRecord(rawBody({ ...SEED_DUMMY_ORDER, orderId: 'O5678' }), { messageId: 'good-raw' }),
      sqsRecord('not json', { messageId: 'bad' }),
    ]);
    const { response, stdout } = invokeBundle(event, { ORDERS_REPOSITORY: 'memory', AWS_REGION: 'us-east-1' });
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'bad' }] });
    const lines = stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const processed = lines.filter((l) => l['outcome'] === 'created');
    expect(processed.map((l) => l['messageId'])).toEqual(['good-enveloped', 'good-raw']);
    expect(processed[0]).toMatchObject({
      level: 'INFO',
      service: 'OrderProcessor',
      function_request_id: 'bundle-test',
      orderId: 'O1234',
    });
    // One CloudWatch Embedded Metric Format document per invocation, then one per failure class and code.
    const emfLines = lines.filter((l) => typeof l['_aws'] === 'object');
    expect(emfLines).toHaveLength(2);
    const emf = emfLines[0] as Record<string, unknown>;
    expect(emfLines[1]).toMatchObject({
      failedRecords: 1,
      failureClass: 'invalid',
      errorCode: 'not_json',
      service: 'OrderProcessor',
      _aws: { CloudWatchMetrics: [{ Dimensions: [['service', 'failureClass', 'errorCode']] }] },
    });
    expect(emf).toMatchObject({
      created: 2,
      updated: 0,
      duplicate: 0,
      conflict: 0,
      stale: 0,
      invalid: 1,
      failed: 0,
      transient: 0,
      systemic: 0,
      batchSize: 3,
      service: 'OrderProcessor',
    });
    expect(typeof emf['batchDuration']).toBe('number');
    const directive = emf['_aws'] as {
      Timestamp: number;
      CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[];
    };
    expect(Number.isInteger(directive.Timestamp)).toBe(true);
    expect(directive.CloudWatchMetrics).toEqual([
      {
        Namespace: 'OrderProcessing',
        Dimensions: [['service']],
        Metrics: expect.arrayContaining([
          ...[
            'created',
            'updated',
            'duplicate',
            'conflict',
            'stale',
            'invalid',
            'failed',
            'transient',
            'systemic',
            'batchSize',
          ].map((Name) => ({
            Name,
            Unit: 'Count',
          })),
          { Name: 'batchDuration', Unit: 'Milliseconds' },
        ]),
      },
    ]);
    // Every log line is JSON with level, timestamp, service and the request id; none carries the payload.
    for (const line of lines.filter((l) => l['_aws'] === undefined)) {
      expect(line).toMatchObject({
        level: expect.any(String),
        timestamp: expect.any(String),
        function_request_id: 'bundle-test',
      });
      expect(JSON.stringify(line)).not.toContain('Laptop');
      expect(JSON.stringify(line)).not.toContain('U123');
    }
  });
});
