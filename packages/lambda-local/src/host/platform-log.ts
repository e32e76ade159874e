import type { LogFormat } from '../template/function-definition';

/** The lines Lambda itself writes around a function's own (START/END/REPORT, timeouts, init failures). */
export interface PlatformLog {
  start(requestId: string): string;
  end(requestId: string): string;
  report(report: InvocationReport): string;
  timeout(requestId: string, timeoutSeconds: number): string;
  initReport(initDurationMs: number, status: 'error' | 'timeout', errorType: string): string;
}

export interface InvocationReport {
  readonly requestId: string;
  readonly durationMs: number;
  readonly memorySizeMb: number;
  readonly maxMemoryUsedMb?: number;
  /** Only on a cold start. */
  readonly initDurationMs?: number;
  readonly status: 'success' | 'error' | 'timeout';
  readonly errorType?: string;
}

/**
 * Text format: Lambda's tab-separated START/END/REPORT lines. JSON format: its `platform.*`
 * events (`{ time, type, record }`), which is what a JSON-format function's log group receives.
 */
export function platformLog(format: LogFormat, clock: () => Date = () => new Date()): PlatformLog {
  const json = (type: string, record: object): string => JSON.stringify({ time: clock().toISOString(), type, record });
  const ms = (value: number): string => value.toFixed(2);
  if (format === 'JSON') {
    return {
      start: (requestId) => json('platform.start', { requestId, version: '$LATEST' }),
      end: (requestId) => json('platform.runtimeDone', { requestId }),
      report: (r) =>
        json('platform.report', {
          requestId: r.requestId,
          metrics: {
            durationMs: round(r.durationMs),
            billedDurationMs: Math.ceil(r.durationMs),
            memorySizeMB: r.memorySizeMb,
            ...(r.maxMemoryUsedMb === undefined ? {} : { maxMemoryUsedMB: r.maxMemoryUsedMb }),
            ...(r.initDurationMs === undefined ? {} : { initDurationMs: round(r.initDurationMs) }),
          },
          status: r.status,
          ...(r.errorType === undefined ? {} : { errorType: r.errorType }),
        }),
      timeout: (requestId, seconds) =>
        json('platform.log', { requestId, message: `Task timed out after ${seconds.toFixed(2)} seconds` }),
      initReport: (initDurationMs, status, errorType) =>
        json('platform.initReport', {
          initializationType: 'on-demand',
          phase: 'init',
          status,
          errorType,
          metrics: { durationMs: round(initDurationMs) },
        }),
    };
  }
  return {
    start: (requestId) => `START RequestId: ${requestId} Version: $LATEST`,
    end: (requestId) => `END RequestId: ${requestId}`,
    report: (r) =>
      [
        `REPORT RequestId: ${r.requestId}`,
        `Duration: ${ms(r.durationMs)} ms`,
        `Billed Duration: ${Math.ceil(r.durationMs)} ms`,
        `Memory Size: ${r.memorySizeMb} MB`,
        ...(r.maxMemoryUsedMb === undefined ? [] : [`Max Memory Used: ${r.maxMemoryUsedMb} MB`]),
        ...(r.initDurationMs === undefined ? [] : [`Init Duration: ${ms(r.initDurationMs)} ms`]),
        ...(r.status === 'success' ? [] : [`Status: ${r.status}`]),
        ...(r.errorType === undefined ? [] : [`Error Type: ${r.errorType}`]),
      ].join('\t'),
    timeout: (requestId, seconds) =>
      `${clock().toISOString()} ${requestId} Task timed out after ${seconds.toFixed(2)} seconds`,
    initReport: (initDurationMs, status, errorType) =>
      `INIT_REPORT Init Duration: ${ms(initDurationMs)} ms\tPhase: init\tStatus: ${status}\tError Type: ${errorType}`,
  };
}

const round = (value: number): number => Math.round(value * 100) / 100;
