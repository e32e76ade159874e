import type { ReadableSpan } from '@opentelemetry/sdk-trace';

/** Spans recorded in memory, as a test reads them. */
export interface SpanRecording {
  /** Every span ended so far, in the order they ended. */
  spans(): readonly ReadableSpan[];
  /** Forgets the spans recorded so far. */
  reset(): void;
  /** Unregisters the provider, the context manager and the propagator (call it after the tests). */
  stop(): Promise<void>;
}

/**
 * Turns tracing on in this process the way `startTracing` does with an endpoint set — a tracer
 * provider, the AsyncLocalStorage context manager and the W3C propagator registered with
 * @opentelemetry/api — but keeping every span in memory (all sampled, each one as it ends) instead of
 * exporting it. The SDK loads only when a test asks for it, so suites that never trace never load it.
 */
export async function startSpanRecording(): Promise<SpanRecording> {
  const [api, { AsyncLocalStorageContextManager }, { W3CTraceContextPropagator }, sdk] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/context-async-hooks'),
    import('@opentelemetry/core'),
    import('@opentelemetry/sdk-trace'),
  ]);
  const exporter = new sdk.InMemorySpanExporter();
  const provider = new sdk.TracerProvider({ spanProcessors: [new sdk.SimpleSpanProcessor({ exporter })] });
  if (!api.trace.setGlobalTracerProvider(provider)) throw new Error('a tracer provider is already registered');
  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  api.propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  return {
    spans: () => exporter.getFinishedSpans(),
    reset: () => exporter.reset(),
    stop: async () => {
      await provider.shutdown();
      api.trace.disable();
      api.context.disable();
      api.propagation.disable();
    },
  };
}

/**
 * A span recording for the tests of the enclosing `describe` block: started before them, emptied
 * before each, so a test reads only its own spans, and stopped after them. Call it at the top of
 * the block; what it returns reads the recording those hooks manage.
 */
export function recordSpansPerTest(): Pick<SpanRecording, 'spans'> {
  let recording: SpanRecording | undefined;
  beforeAll(async () => {
    recording = await startSpanRecording();
  });
  afterAll(() => recording?.stop());
  beforeEach(() => recording?.reset());
  return {
    spans: () => {
      if (recording === undefined)
        throw new Error('recordSpansPerTest: spans() read outside a test of its describe block');
      return recording.spans();
    },
  };
}
