import { join } from 'node:path';
import { parseTraceparent } from '@orders/core';
import { type OtlpCollector, runToExit, startOtlpCollector } from '@orders/testkit';
import { REPOSITORY_ROOT } from '../support/cli-under-test';

// `orders publish` with OpenTelemetry's standard variables set, as a producer runs it: each message
// carries the context of a span of its own, and the command's spans reach the collector before it
// exits. In a process of its own: the OTLP exporter cannot run inside Jest's module sandbox.

type Entry = { Id: string; MessageAttributes?: Record<string, { StringValue: string }> };

async function publishInChild(args: readonly string[], env: Record<string, string>): Promise<Entry[]> {
  const script = join(__dirname, '..', 'support', 'publish-to-fake-sns.ts');
  const run = await runToExit(process.execPath, ['--import', 'tsx', '--conditions=source', script, ...args], {
    cwd: REPOSITORY_ROOT,
    env: { PATH: process.env['PATH'] ?? '', ...env },
    hangGuardMs: 60_000,
  });
  const line = run.output.split('\n').find((l) => l.startsWith('ENTRIES '));
  if (run.code !== 0 || line === undefined) throw new Error(`publish exited ${run.code}:\n${run.output}`);
  return JSON.parse(line.slice('ENTRIES '.length)) as Entry[];
}

describe('orders publish with tracing on (OTEL_EXPORTER_OTLP_ENDPOINT set)', () => {
  let collector: OtlpCollector;
  beforeAll(async () => {
    collector = await startOtlpCollector();
  });
  afterAll(() => collector.close());

  it('gives each message the context of its own create span, and exports the spans before it exits', async () => {
    const entries = await publishInChild(['--sample', '3'], {
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    });
    const carried = entries.map((entry) =>
      parseTraceparent(entry.MessageAttributes?.['traceparent']?.StringValue ?? ''),
    );
    expect(carried.map((context) => context.ok)).toEqual([true, true, true]);
    // Already there when the command has exited: its stop flushed them.
    const spans = collector.spans();
    const creates = spans.filter((span) => span.name === 'create OrderTopic');
    expect(creates.map((span) => [span.traceId, span.spanId])).toEqual(
      carried.map((context) => (context.ok ? [context.traceId, context.spanId] : [])),
    );
    expect(new Set(creates.map((span) => span.traceId)).size).toBe(3);
    const [send] = spans.filter((span) => span.name === 'publish OrderTopic');
    expect(send?.kind).toBe('client');
    expect(send?.links.map((link) => link.spanId).sort()).toEqual(creates.map((span) => span.spanId).sort());
    expect(send?.resource['service.name']).toBe('orders-publisher');
  });

  it('sends no trace attribute with tracing off', async () => {
    const entries = await publishInChild(['--sample', '2'], {});
    expect(entries.map((entry) => Object.keys(entry.MessageAttributes ?? {}).sort())).toEqual([
      ['orderId', 'status'],
      ['orderId', 'status'],
    ]);
  });
});
