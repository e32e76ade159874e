import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { RecordingLogger } from '@orders/testkit';
import {
  startTracing,
  startTracingWith,
  type TracingRuntime,
  type TracingSdkModule,
} from '../../src/tracing/start-tracing';
import { startTracingSdk } from '../../src/tracing/tracing-sdk';

// startTracing's decisions and its runtime, with the real SDK (tracing-sdk.ts) exporting to an
// exporter in memory that a test can make fail or hang. The OTLP exporters themselves import
// node:http dynamically, which Jest's module sandbox refuses: start-tracing-otlp.test.ts runs them
// in a child process against the collector stand-in.

const ENDPOINT = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' };

class ControlledExporter implements SpanExporter {
  readonly exported: ReadableSpan[] = [];
  answer: 'success' | 'failure' | 'never' = 'success';
  /** Exports asked while the answer was 'never': `answerHeld` ends them. */
  readonly held: ((result: ExportResult) => void)[] = [];
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    if (this.answer === 'failure') done({ code: ExportResultCode.FAILED, error: new Error('503 from collector') });
    if (this.answer === 'never') this.held.push(done);
    if (this.answer !== 'success') return;
    this.exported.push(...spans);
    done({ code: ExportResultCode.SUCCESS });
  }
  /** The collector answers the exports it held, at last. */
  answerHeld(): void {
    for (const done of this.held.splice(0)) done({ code: ExportResultCode.SUCCESS });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

let exporter: ControlledExporter;
let runtime: TracingRuntime | undefined;
const loads = jest.fn();
const inMemorySdk = (): Promise<TracingSdkModule> => {
  loads();
  return Promise.resolve({ startTracingSdk: (api, request) => startTracingSdk(api, request, exporter) });
};
const neverLoaded = (): Promise<TracingSdkModule> => Promise.reject(new Error('the SDK must not be loaded'));

beforeEach(() => {
  exporter = new ControlledExporter();
  loads.mockClear();
});
afterEach(async () => {
  await runtime?.shutdown();
  runtime = undefined;
});

describe('startTracing with tracing off', () => {
  it('loads no SDK, logs nothing and leaves the no-op API in place when no endpoint is set', async () => {
    const logger = new RecordingLogger();
    runtime = await startTracingWith({ serviceName: 'orders', env: {}, logger }, inMemorySdk);
    expect(runtime.enabled).toBe(false);
    expect(loads).not.toHaveBeenCalled();
    expect(logger.calls).toEqual([]);
    expect(trace.getTracer('t').startSpan('s').isRecording()).toBe(false);
    await expect(runtime.forceFlush()).resolves.toBeUndefined();
  });

  it('is off with the real loader too, when OTEL_SDK_DISABLED=true', async () => {
    runtime = await startTracing({ serviceName: 'orders', env: { ...ENDPOINT, OTEL_SDK_DISABLED: 'true' } });
    expect(runtime.enabled).toBe(false);
  });

  it('refuses an OTEL_SDK_DISABLED it cannot read in one warn line, without loading the SDK', async () => {
    const logger = new RecordingLogger();
    runtime = await startTracingWith(
      { serviceName: 'orders', env: { ...ENDPOINT, OTEL_SDK_DISABLED: 'yes' }, logger },
      neverLoaded,
    );
    expect(runtime.enabled).toBe(false);
    expect(logger.calls).toEqual([
      {
        level: 'warn',
        message: 'tracing off: OTEL_SDK_DISABLED must be true or false',
        fields: { variable: 'OTEL_SDK_DISABLED', value: 'yes' },
      },
    ]);
  });

  it('says in one warn line which other setting it refused, and stays off', async () => {
    const logger = new RecordingLogger();
    runtime = await startTracingWith(
      { serviceName: 'orders', env: { ...ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, logger },
      inMemorySdk,
    );
    expect(runtime.enabled).toBe(false);
    expect(trace.getTracer('t').startSpan('s').isRecording()).toBe(false);
    expect(logger.calls).toEqual([
      {
        level: 'warn',
        message: expect.stringMatching(/^tracing off: OTEL_EXPORTER_OTLP_PROTOCOL grpc is not supported/),
        fields: { variable: 'OTEL_EXPORTER_OTLP_PROTOCOL', value: 'grpc' },
      },
    ]);
  });

  it('stays off with one warn line when the SDK cannot be loaded (a bundle without its SDK file)', async () => {
    const logger = new RecordingLogger();
    const load = jest.fn(() => Promise.reject(new Error("Cannot find module './tracing-sdk.mjs'")));
    runtime = await startTracingWith({ serviceName: 'orders', env: ENDPOINT, logger }, load);
    expect(runtime.enabled).toBe(false);
    expect(load).toHaveBeenCalledTimes(1);
    expect(logger.calls).toEqual([
      {
        level: 'warn',
        message: 'tracing off: the OpenTelemetry SDK could not be loaded or started',
        fields: { error: "Error: Cannot find module './tracing-sdk.mjs'" },
      },
    ]);
  });
});

describe('startTracing with tracing on', () => {
  it('registers the provider, the W3C propagator and the context manager; forceFlush exports the ended spans', async () => {
    const logger = new RecordingLogger();
    runtime = await startTracingWith(
      { serviceName: 'OrderProcessor', env: { ...ENDPOINT, OTEL_SERVICE_NAME: 'orders-eu' }, logger },
      inMemorySdk,
    );
    expect(runtime.enabled).toBe(true);
    expect(loads).toHaveBeenCalledTimes(1);
    expect(logger.calls).toEqual([
      {
        level: 'info',
        message: 'tracing on',
        fields: {
          endpoint: 'http://127.0.0.1:4318/v1/traces',
          protocol: 'http/protobuf',
          sampler: 'parentbased_always_on',
          serviceName: 'orders-eu',
          exportTimeoutMs: 10_000,
        },
      },
    ]);

    const tracer = trace.getTracer('orders-test');
    const producer = tracer.startSpan('OrderTopic publish', { kind: SpanKind.PRODUCER });
    const carrier: Record<string, string> = {};
    propagation.inject(trace.setSpan(context.active(), producer), carrier);
    producer.end();
    const { traceId, spanId } = producer.spanContext();
    expect(carrier).toEqual({ traceparent: `00-${traceId}-${spanId}-01` });
    const consumer = tracer.startSpan(
      'OrderQueue process',
      { kind: SpanKind.CONSUMER, links: [{ context: producer.spanContext() }] },
      propagation.extract(context.active(), carrier),
    );
    // The AsyncLocalStorage context manager carries the consumer span across an await to its child.
    await context.with(trace.setSpan(context.active(), consumer), async () => {
      await new Promise((resolve) => setImmediate(resolve));
      tracer.startSpan('PutItem', { kind: SpanKind.CLIENT }).end();
    });
    consumer.end();
    expect(exporter.exported).toEqual([]); // batched, not exported span by span
    await runtime.forceFlush();

    const byName = new Map(exporter.exported.map((span) => [span.name, span]));
    expect([...byName.keys()].sort()).toEqual(['OrderQueue process', 'OrderTopic publish', 'PutItem']);
    const processed = byName.get('OrderQueue process');
    expect(processed?.spanContext().traceId).toBe(traceId);
    expect(processed?.parentSpanContext).toMatchObject({ spanId, isRemote: true });
    expect(processed?.links.map((link) => link.context.spanId)).toEqual([spanId]);
    expect(byName.get('PutItem')?.parentSpanContext?.spanId).toBe(processed?.spanContext().spanId);
    expect(processed?.resource.attributes).toMatchObject({
      'service.name': 'orders-eu',
      'process.pid': process.pid,
      'telemetry.sdk.language': 'nodejs',
    });
  });

  it('follows the sampler the variables name: always_off records nothing', async () => {
    runtime = await startTracingWith(
      { serviceName: 'orders', env: { ...ENDPOINT, OTEL_TRACES_SAMPLER: 'always_off' }, logger: new RecordingLogger() },
      inMemorySdk,
    );
    const span = trace.getTracer('t').startSpan('dropped');
    expect(span.isRecording()).toBe(false);
    span.end();
    await runtime.forceFlush();
    expect(exporter.exported).toEqual([]);
  });

  it('unregisters everything on shutdown (flushing first): later spans are no-ops, and tracing can start again', async () => {
    runtime = await startTracingWith(
      { serviceName: 'orders', env: ENDPOINT, logger: new RecordingLogger() },
      inMemorySdk,
    );
    trace.getTracer('t').startSpan('before shutdown').end();
    await runtime.shutdown();
    await runtime.shutdown(); // idempotent
    await runtime.forceFlush(); // after shutdown: nothing, and no error
    expect(exporter.exported.map((span) => span.name)).toEqual(['before shutdown']);
    expect(trace.getTracer('t').startSpan('after shutdown').isRecording()).toBe(false);
    expect(propagation.fields()).toEqual([]);
    runtime = await startTracingWith(
      { serviceName: 'orders', env: ENDPOINT, logger: new RecordingLogger() },
      inMemorySdk,
    );
    expect(runtime.enabled).toBe(true);
    expect(trace.getTracer('t').startSpan('again').isRecording()).toBe(true);
  });

  it('stays off, with one warn line, when another tracer provider is already registered', async () => {
    runtime = await startTracingWith(
      { serviceName: 'first', env: ENDPOINT, logger: new RecordingLogger() },
      inMemorySdk,
    );
    const logger = new RecordingLogger();
    const second = await startTracingWith({ serviceName: 'second', env: ENDPOINT, logger }, inMemorySdk);
    expect(second.enabled).toBe(false);
    expect(logger.calls.map((call) => [call.level, call.message])).toEqual([
      ['warn', 'tracing off: another tracer provider is already registered in this process'],
    ]);
    trace.getTracer('t').startSpan('first still on').end();
    await runtime.forceFlush();
    expect(exporter.exported.map((span) => span.resource.attributes['service.name'])).toEqual(['first']);
  });
});

describe('startTracing when exports fail', () => {
  it('never rejects; warns once while exports fail, and once when one succeeds again', async () => {
    const logger = new RecordingLogger();
    runtime = await startTracingWith({ serviceName: 'orders', env: ENDPOINT, logger }, inMemorySdk);
    exporter.answer = 'failure';
    for (const name of ['lost 1', 'lost 2', 'lost 3']) {
      trace.getTracer('t').startSpan(name).end();
      await expect(runtime.forceFlush()).resolves.toBeUndefined();
    }
    exporter.answer = 'success';
    await runtime.forceFlush(); // nothing to export: proves nothing, says nothing
    trace.getTracer('t').startSpan('kept').end();
    await runtime.forceFlush();
    expect(exporter.exported.map((span) => span.name)).toEqual(['kept']);
    expect(logger.calls.filter((call) => call.message !== 'tracing on')).toEqual([
      {
        level: 'warn',
        message: 'tracing: spans could not be exported and were dropped (orders are not affected)',
        fields: {
          endpoint: 'http://127.0.0.1:4318/v1/traces',
          timeoutMs: 10_000,
          error: [expect.stringContaining('503 from collector')],
        },
      },
      {
        level: 'info',
        message: 'tracing: spans are exported again',
        fields: { endpoint: 'http://127.0.0.1:4318/v1/traces' },
      },
    ]);
  });

  it('while exports fail, a flush does not hold its caller for the export timeout; the export goes on, and its success ends the failing state', async () => {
    const logger = new RecordingLogger();
    runtime = await startTracingWith(
      // Ten minutes: a flush that waited for it would outlast the test's own timeout and fail it.
      { serviceName: 'orders', env: { ...ENDPOINT, OTEL_EXPORTER_OTLP_TIMEOUT: '600000' }, logger },
      inMemorySdk,
    );
    exporter.answer = 'failure';
    trace.getTracer('t').startSpan('lost').end();
    await runtime.forceFlush(); // exports are failing now

    exporter.answer = 'never';
    trace.getTracer('t').startSpan('held').end();
    await expect(runtime.forceFlush()).resolves.toBeUndefined();
    expect(exporter.held).toHaveLength(1); // asked, and still going on

    exporter.answer = 'success';
    exporter.answerHeld();
    trace.getTracer('t').startSpan('kept').end();
    await runtime.forceFlush();
    expect(exporter.exported.map((span) => span.name)).toEqual(['kept']);
    expect(logger.calls.filter((call) => call.message !== 'tracing on').map((call) => call.level)).toEqual([
      'warn',
      'info',
    ]);
  });

  it('gives up on a flush the collector never answers after the export timeout, and says so', async () => {
    const logger = new RecordingLogger();
    runtime = await startTracingWith(
      // A short timeout so that the test does not wait long; what it asserts is the outcome, not the time.
      { serviceName: 'orders', env: { ...ENDPOINT, OTEL_EXPORTER_OTLP_TIMEOUT: '20' }, logger },
      inMemorySdk,
    );
    exporter.answer = 'never';
    trace.getTracer('t').startSpan('stuck').end();
    await expect(runtime.forceFlush()).resolves.toBeUndefined();
    expect(logger.calls.filter((call) => call.level === 'warn')).toEqual([
      {
        level: 'warn',
        message: 'tracing: spans could not be exported and were dropped (orders are not affected)',
        fields: expect.objectContaining({ timeoutMs: 20, error: [expect.stringMatching(/did not complete|timeout/i)] }),
      },
    ]);
    await expect(runtime.shutdown()).resolves.toBeUndefined(); // bounded by the same timeout
  });
});
