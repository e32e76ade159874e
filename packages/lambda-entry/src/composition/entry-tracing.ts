import type { RecordTrace, RecordTraceStart, RecordTracing } from '@orders/core';
import { recordTracingFor, TRACING_OFF, type TracingRuntime } from '@orders/observability';

/**
 * The process's tracing as the composition root holds it: off until `use` is given the runtime
 * `startTracing` returned. The use case and the handler read it at each record and invocation, so
 * the handler can be built (and its configuration fail the init) before tracing has started, which
 * is asynchronous: with tracing on it loads the SDK.
 */
export class EntryTracing {
  private runtime: TracingRuntime;
  private records: RecordTracing;

  constructor(runtime: TracingRuntime = TRACING_OFF) {
    this.runtime = runtime;
    this.records = recordTracingFor(runtime);
  }

  /** From now on, spans go through this runtime (OpenTelemetry's when it is enabled). */
  use(runtime: TracingRuntime): void {
    this.runtime = runtime;
    this.records = recordTracingFor(runtime);
  }

  get enabled(): boolean {
    return this.runtime.enabled;
  }

  forceFlush(): Promise<void> {
    return this.runtime.forceFlush();
  }

  /** core's port, following whichever runtime is in use when each record starts. */
  readonly recordTracing: RecordTracing = {
    startRecord: (start: RecordTraceStart): RecordTrace => this.records.startRecord(start),
  };
}
