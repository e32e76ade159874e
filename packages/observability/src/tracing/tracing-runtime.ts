/** Tracing as the entry points see it: whether it is on, and the two moments they must call it at. */
export interface TracingRuntime {
  readonly enabled: boolean;
  /**
   * Exports the spans ended so far. The Lambda calls it at the end of every invocation (the
   * environment may be frozen right after). Bounded by the export timeout, and while exports are
   * failing by 200 ms (the export goes on without its caller); never rejects: a failed export is
   * one warn line (until exports succeed again) and its spans are dropped.
   */
  forceFlush(): Promise<void>;
  /** Flushes, stops the provider and unregisters it (the consumer's stop). Bounded, never rejects; idempotent. */
  shutdown(): Promise<void>;
}

/** Tracing off: the API's no-op tracer and propagator stay in place, and these cost nothing. */
export const TRACING_OFF: TracingRuntime = Object.freeze({
  enabled: false,
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
});
