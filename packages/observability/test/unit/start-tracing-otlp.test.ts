import { join } from 'node:path';
import { type OtlpCollector, runToExit, startOtlpCollector } from '@orders/testkit';

// startTracing in a process of its own (Jest's module sandbox refuses the dynamic `import('http')`
// inside the OTLP exporters), configured by the OTEL_* variables alone, exporting to the collector
// stand-in on a loopback port — in both OTLP encodings; and, with tracing off, loading nothing of
// OpenTelemetry but its API.

const SCRIPT = join(__dirname, 'support', 'traced-process.ts');
const PACKAGE_DIR = join(__dirname, '..', '..');

interface TracedProcessReport {
  readonly enabled: boolean;
  readonly traceparent: string | null;
  readonly traceId: string;
  readonly producerId: string;
  readonly consumerId: string;
  readonly logs: readonly { level: string; message: string; fields: Record<string, unknown> }[];
  readonly loaded: readonly string[];
}

/** Runs the traced process with `env` (and nothing else of ours) and reads its report. */
async function runTracedProcess(env: Record<string, string>): Promise<TracedProcessReport> {
  const run = await runToExit(process.execPath, ['--import', 'tsx', '--conditions=source', SCRIPT], {
    cwd: PACKAGE_DIR,
    env: { PATH: process.env['PATH'] ?? '', ...env },
    hangGuardMs: 60_000,
  });
  if (run.code !== 0) throw new Error(`traced process exited ${run.code ?? run.signal}: ${run.stderr.trim()}`);
  return JSON.parse(run.stdout.trim().split('\n').pop() ?? 'null') as TracedProcessReport;
}

let collector: OtlpCollector;
beforeAll(async () => {
  collector = await startOtlpCollector();
});
afterAll(() => collector.close());
afterEach(() => collector.clear());

describe('tracing off', () => {
  it('loads @opentelemetry/api and no other OpenTelemetry package, and exports nothing', async () => {
    const report = await runTracedProcess({});
    expect(report).toMatchObject({ enabled: false, traceparent: null, logs: [] });
    expect(report.loaded).toEqual(['@opentelemetry/api']);
    expect(collector.requests()).toEqual([]);
  });
});

describe.each([
  ['http/protobuf', (c: OtlpCollector): Record<string, string> => ({ OTEL_EXPORTER_OTLP_ENDPOINT: c.endpoint })],
  [
    'http/json',
    (c: OtlpCollector): Record<string, string> => ({
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: c.tracesUrl,
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
    }),
  ],
] as const)('tracing on, exporting %s', (protocol, variables) => {
  it('exports one trace: producer → consumer (its child, and linked to it) → client, with the resource', async () => {
    const report = await runTracedProcess({
      ...variables(collector),
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=test',
    });
    expect(report.enabled).toBe(true);
    expect(report.loaded).toEqual(expect.arrayContaining(['@opentelemetry/sdk-trace', '@opentelemetry/api']));
    expect(report.traceparent).toBe(`00-${report.traceId}-${report.producerId}-01`);
    expect(report.logs).toEqual([
      {
        level: 'info',
        message: 'tracing on',
        fields: expect.objectContaining({ protocol, endpoint: collector.tracesUrl, serviceName: 'traced-process' }),
      },
    ]);
    expect(collector.requests().map((request) => [request.encoding, request.status])).toEqual([[protocol, 200]]);

    const spans = collector.spans();
    const byName = new Map(spans.map((span) => [span.name, span]));
    expect([...byName.keys()].sort()).toEqual(['OrderQueue process', 'OrderTopic publish', 'PutItem']);
    const { traceId, producerId, consumerId } = report;
    expect(byName.get('OrderTopic publish')).toMatchObject({
      traceId,
      spanId: producerId,
      parentSpanId: undefined,
      kind: 'producer',
    });
    expect(byName.get('OrderQueue process')).toMatchObject({
      traceId,
      spanId: consumerId,
      parentSpanId: producerId,
      kind: 'consumer',
      attributes: { 'messaging.system': 'aws_sqs', 'messaging.batch.message_count': 3, redelivered: false },
      links: [{ traceId, spanId: producerId, attributes: { 'messaging.message.id': 'm-1' } }],
      status: { code: 'unset', message: undefined },
      scope: 'traced-process',
    });
    expect(byName.get('PutItem')).toMatchObject({
      traceId,
      parentSpanId: consumerId,
      kind: 'client',
      attributes: { 'aws.dynamodb.table_names': ['Orders'] },
    });
    for (const span of spans) {
      expect(span.resource).toMatchObject({
        'service.name': 'traced-process',
        'deployment.environment.name': 'test',
        'telemetry.sdk.name': 'opentelemetry',
        'host.name': expect.any(String),
      });
      expect(span.endTimeUnixNano).toBeGreaterThanOrEqual(span.startTimeUnixNano);
      expect(span.encoding).toBe(protocol);
    }
  });
});

describe('tracing on, with the collector failing', () => {
  it('the process still ends normally: one warn line, the spans dropped', async () => {
    collector.answerWith(400); // not retryable: the exporter gives up at once
    try {
      const report = await runTracedProcess({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint });
      expect(report.enabled).toBe(true);
      expect(report.logs.filter((line) => line.level === 'warn')).toEqual([
        {
          level: 'warn',
          message: 'tracing: spans could not be exported and were dropped (orders are not affected)',
          fields: expect.objectContaining({ endpoint: collector.tracesUrl }),
        },
      ]);
      expect(collector.spans()).toEqual([]);
      expect(collector.requests().map((request) => request.status)).toEqual([400]);
    } finally {
      collector.answerWith(200);
    }
  });
});
