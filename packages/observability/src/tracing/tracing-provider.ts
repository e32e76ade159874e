/**
 * The OpenTelemetry SDK's parts, built from settings: a tracer provider with a bounded
 * BatchSpanProcessor and the OTLP/HTTP exporter for the protocol, the W3C trace-context propagator
 * and the AsyncLocalStorage context manager. Only the SDK file (tracing-sdk.ts) reaches this module.
 */
import type { ContextManager, TextMapPropagator, TracerProvider as ApiTracerProvider } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { type ExportResult, ExportResultCode, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter as OtlpJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  type ReadableSpan,
  type Sampler,
  type SpanExporter,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import type { SamplerSetting } from './sampler-setting';
import type { TracingSettings } from './tracing-settings';

/** What gets registered with @opentelemetry/api, and how the provider is flushed and stopped. */
export interface TracingSdk {
  readonly tracerProvider: ApiTracerProvider;
  readonly propagator: TextMapPropagator;
  readonly contextManager: ContextManager;
  /** Exports every ended span; rejects when an export fails or `timeoutMillis` passes. */
  forceFlush(timeoutMillis: number): Promise<void>;
  /** Exports that have ended so far, by result (an empty flush exports nothing, so it proves nothing). */
  exportsEnded(): ExportTally;
  /** Flushes and stops the provider; spans ended afterwards are dropped. */
  shutdown(): Promise<void>;
}

export interface ExportTally {
  readonly succeeded: number;
  readonly failed: number;
}

/** The SDK for the settings; `exporter` replaces the OTLP exporter (tests export in memory). */
export function createTracingSdk(
  settings: TracingSettings,
  exporter: SpanExporter = exporterFor(settings),
): TracingSdk {
  const tallying = new TallyingExporter(exporter);
  const provider = new TracerProvider({
    resource: defaultResource().merge(resourceFromAttributes(settings.resource)),
    sampler: samplerFor(settings.sampler),
    spanProcessors: [new BatchSpanProcessor({ exporter: tallying, ...settings.batch })],
  });
  return {
    tracerProvider: provider,
    // W3C trace context only: the producer side puts `traceparent` (and `tracestate`) in the
    // message attributes, and SNS allows 10 of them — no room to spend on baggage by default.
    propagator: new W3CTraceContextPropagator(),
    contextManager: new AsyncLocalStorageContextManager().enable(),
    forceFlush: (timeoutMillis) => provider.forceFlush({ timeoutMillis }),
    exportsEnded: () => ({ succeeded: tallying.succeeded, failed: tallying.failed }),
    shutdown: () => provider.shutdown(),
  };
}

/** Counts export results on their way back to the BatchSpanProcessor. */
class TallyingExporter implements SpanExporter {
  succeeded = 0;
  failed = 0;
  constructor(private readonly inner: SpanExporter) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.inner.export(spans, (result) => {
      if (result.code === ExportResultCode.SUCCESS) this.succeeded++;
      else this.failed++;
      resultCallback(result);
    });
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

/**
 * The OTLP/HTTP exporter for the protocol. The URL and the timeout come from the settings; the
 * exporter itself still reads OTEL_EXPORTER_OTLP_[TRACES_]HEADERS, _COMPRESSION and the certificate
 * variables. It retries 429, 502, 503, 504 and network errors with backoff, within the timeout.
 */
function exporterFor(settings: TracingSettings): SpanExporter {
  const config = { url: settings.tracesUrl, timeoutMillis: settings.exportTimeoutMillis };
  return settings.protocol === 'http/json' ? new OtlpJsonTraceExporter(config) : new OtlpProtobufTraceExporter(config);
}

function samplerFor(setting: SamplerSetting): Sampler {
  switch (setting.name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(setting.ratio);
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(setting.ratio) });
  }
}
