import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TRACING_SDK_FILE } from '@orders/lambda-entry/bundle-settings';
import { SEED_DUMMY_ORDER } from '@orders/simulation';
import {
  type OtlpCollector,
  runToExit,
  snsEnvelopeBody,
  sqsEvent,
  sqsRecord,
  startOtlpCollector,
} from '@orders/testkit';

// The bundle's tracing split: index.mjs holds @opentelemetry/api and nothing else of OpenTelemetry,
// dist/tracing-sdk.mjs holds the SDK, and index.mjs imports it only when the OTEL_* variables turn
// tracing on — which then needs nothing but those variables.

const distDir = join(__dirname, '..', '..', 'dist');
const bundlePath = join(distDir, 'index.mjs');
const sdkPath = join(distDir, TRACING_SDK_FILE);
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

interface Metafile {
  readonly inputs: Record<string, unknown>;
}
const openTelemetryPackagesIn = (metafile: string): string[] => {
  const { inputs } = JSON.parse(readFileSync(join(distDir, metafile), 'utf8')) as Metafile;
  const names = Object.keys(inputs).map((path) => /node_modules\/(@opentelemetry\/[^/]+)\//.exec(path)?.[1]);
  return [...new Set(names.filter((name): name is string => name !== undefined))].sort();
};

/** Imports a bundle in a fresh Node process (asynchronously: the collector answers from this one) and invokes it once. */
async function invokeBundle(
  file: string,
  env: Record<string, string>,
): Promise<{ response: unknown; lines: string[] }> {
  const script = `
    const { handler } = await import(${JSON.stringify(file)});
    const context = { awsRequestId: 'tracing-test', functionName: 'OrderProcessor', getRemainingTimeInMillis: () => 30000 };
    const response = await handler(JSON.parse(process.env.EVENT), context);
    process.stdout.write('RESPONSE ' + JSON.stringify(response) + '\\n');
  `;
  const event = sqsEvent([
    sqsRecord(snsEnvelopeBody(SEED_DUMMY_ORDER, { traceparent: TRACEPARENT }), { messageId: 'traced-1' }),
  ]);
  const run = await runToExit(process.execPath, ['--input-type=module', '-e', script], {
    env: {
      PATH: process.env['PATH'] ?? '',
      EVENT: JSON.stringify(event),
      ORDERS_REPOSITORY: 'memory',
      AWS_REGION: 'us-east-1',
      ...env,
    },
    hangGuardMs: 60_000,
  });
  const lines = run.output.split('\n');
  const response = lines.find((line) => line.startsWith('RESPONSE '));
  if (run.code !== 0 || !response) throw new Error(`the bundle exited ${run.code}:\n${run.output}`);
  return { response: JSON.parse(response.slice('RESPONSE '.length)), lines };
}

const jsonLines = (lines: readonly string[]): Record<string, unknown>[] =>
  lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);

let collector: OtlpCollector;
const scratch: string[] = [];
beforeAll(async () => {
  for (const file of [bundlePath, sdkPath]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`pnpm build\` first (pnpm test does)`);
  }
  collector = await startOtlpCollector();
});
afterAll(async () => {
  await collector.close();
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The bundle alone in a directory of its own: no tracing-sdk.mjs beside it. */
function bundleWithoutSdk(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bundle-without-sdk-'));
  scratch.push(dir);
  copyFileSync(bundlePath, join(dir, 'index.mjs'));
  return join(dir, 'index.mjs');
}

describe('the bundle and its tracing SDK file', () => {
  it('keeps the SDK out of index.mjs: @opentelemetry/api is the only OpenTelemetry package there', () => {
    expect(openTelemetryPackagesIn('index.meta.json')).toEqual(['@opentelemetry/api']);
    expect(openTelemetryPackagesIn('tracing-sdk.meta.json')).toEqual(
      expect.arrayContaining([
        '@opentelemetry/context-async-hooks',
        '@opentelemetry/core',
        '@opentelemetry/exporter-trace-otlp-http',
        '@opentelemetry/exporter-trace-otlp-proto',
        '@opentelemetry/resources',
        '@opentelemetry/sdk-trace',
      ]),
    );
    // The one way in: a dynamic import, relative to index.mjs, of the file next to it.
    expect(readFileSync(bundlePath, 'utf8')).toContain(`import("./${TRACING_SDK_FILE}")`);
    const sdk = readFileSync(sdkPath, 'utf8');
    expect(sdk.startsWith("import{createRequire}from'module';")).toBe(true);
    expect(sdk).toMatch(/\/\/# sourceMappingURL=tracing-sdk\.mjs\.map\s*$/);
  });

  it('with tracing off, works without the SDK file (it is never read) and says nothing about tracing', async () => {
    const { response, lines } = await invokeBundle(bundleWithoutSdk(), {});
    expect(response).toEqual({ batchItemFailures: [] });
    expect(jsonLines(lines).filter((line) => /tracing/.test(String(line['message'])))).toEqual([]);
  });

  it('with OTEL_EXPORTER_OTLP_ENDPOINT set, continues the record’s trace and exports it, by the variables alone', async () => {
    collector.clear();
    const { response, lines } = await invokeBundle(bundlePath, { OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint });
    expect(response).toEqual({ batchItemFailures: [] });
    expect(jsonLines(lines).find((line) => line['message'] === 'tracing on')).toMatchObject({
      level: 'INFO',
      protocol: 'http/protobuf',
      endpoint: collector.tracesUrl,
    });
    // The handler flushes before it returns: the spans are at the collector when the response is.
    const [processSpan] = collector.spans().filter((span) => span.kind === 'consumer');
    expect(processSpan).toMatchObject({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      links: [expect.objectContaining({ spanId: '00f067aa0ba902b7' })],
      attributes: expect.objectContaining({ 'messaging.message.id': 'traced-1', 'messaging.system': 'aws_sqs' }),
      resource: expect.objectContaining({ 'service.name': 'OrderProcessor' }),
      encoding: 'http/protobuf',
    });
  });

  it('with tracing asked for but the SDK file missing, processes the batch untraced after one warn line', async () => {
    const { response, lines } = await invokeBundle(bundleWithoutSdk(), {
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
    });
    expect(response).toEqual({ batchItemFailures: [] });
    expect(jsonLines(lines).filter((line) => line['level'] === 'WARN')).toEqual([
      expect.objectContaining({
        message: 'tracing off: the OpenTelemetry SDK could not be loaded or started',
        error: expect.stringContaining('tracing-sdk.mjs'),
      }),
    ]);
  });
});
