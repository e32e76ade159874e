import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rawBody, SEED_DUMMY_ORDER, snsEnvelopeBody, sqsEvent, sqsRecord } from '@orders/testkit';

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
    expect(code.startsWith("import{createRequire}from'module';const require=createRequire(import.meta.url);")).toBe(true);
    expect(code).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map\s*$/);
    expect(existsSync(`${bundlePath}.map`)).toBe(true);
  });

  it('exports a handler that reports exactly the bad records and logs JSON lines with EMF metrics', () => {
    const event = sqsEvent([
      sqsRecord(snsEnvelopeBody(SEED_DUMMY_ORDER), { messageId: 'good-enveloped' }),
      sqsRecord(rawBody({ ...SEED_DUMMY_ORDER, orderId: 'O5678' }), { messageId: 'good-raw' }),
      sqsRecord('not json', { messageId: 'bad' }),
    ]);
    const { response, stdout } = invokeBundle(event, { ORDERS_REPOSITORY: 'memory', AWS_REGION: 'us-east-1' });
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'bad' }] });
    const lines = stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const processed = lines.filter((l) => l['outcome'] === 'created');
    expect(processed.map((l) => l['messageId'])).toEqual(['good-enveloped', 'good-raw']);
    expect(processed[0]).toMatchObject({ level: 'INFO', service: 'OrderProcessor', function_request_id: 'bundle-test', orderId: 'O1234' });
    const emf = lines.find((l) => typeof l['_aws'] === 'object');
    expect(emf).toMatchObject({ created: 2, invalid: 1, failed: 0, batchSize: 3 });
  });
});
