import { type BatchMetrics, type FailureClass, MESSAGE_STATUSES, type MessageStatus } from '@orders/core';
import { createPowertoolsMetrics } from '@orders/observability';

/** One metric as an EMF line declares it: namespace, name, and the values of its dimensions. */
export interface EmittedMetric {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
}

/**
 * A code per failure class; typed by core's FailureClass, so a new class fails to compile here
 * until the test covers it.
 */
const CODE_OF_CLASS: Readonly<Record<FailureClass, string>> = {
  invalid: 'not_json',
  transient: 'throttled',
  systemic: 'access_denied',
};

/**
 * Every metric the function's recorder (@orders/observability, what the Lambda composes) writes,
 * read back from the EMF lines it prints: one batch in which every message status, every failure
 * class, a deferral and a throttled save occurred, then the flush the handler does per invocation.
 */
export function emittedMetrics(options: { readonly namespace: string; readonly serviceName: string }): EmittedMetric[] {
  const counts = Object.fromEntries(MESSAGE_STATUSES.map((status) => [status, 1])) as Record<MessageStatus, number>;
  const batch: BatchMetrics = {
    counts,
    failures: Object.entries(CODE_OF_CLASS).map(([failureClass, code]) => ({
      failureClass: failureClass as FailureClass,
      code,
      count: 1,
    })),
    deferred: 1,
    throttledSaves: 1,
    batchSize: MESSAGE_STATUSES.length + 1,
    durationMs: 5,
  };
  const lines = captureStdout(() => {
    const recorder = createPowertoolsMetrics(options);
    recorder.recordBatch(batch);
    recorder.flush();
  });
  const metrics = lines.flatMap(metricsOfLine);
  if (metrics.length === 0) throw new Error(`The recorder printed no EMF metric (printed: ${JSON.stringify(lines)})`);
  return metrics;
}

interface EmfLine {
  readonly _aws?: {
    readonly CloudWatchMetrics?: ReadonlyArray<{
      readonly Namespace: string;
      readonly Dimensions: ReadonlyArray<readonly string[]>;
      readonly Metrics: ReadonlyArray<{ readonly Name: string }>;
    }>;
  };
  readonly [key: string]: unknown;
}

function metricsOfLine(line: string): EmittedMetric[] {
  const emf = JSON.parse(line) as EmfLine;
  return (emf._aws?.CloudWatchMetrics ?? []).flatMap((directive) =>
    directive.Dimensions.flatMap((dimensionSet) =>
      directive.Metrics.map((metric) => ({
        namespace: directive.Namespace,
        metricName: metric.Name,
        dimensions: Object.fromEntries(dimensionSet.map((name) => [name, String(emf[name])])),
      })),
    ),
  );
}

/**
 * The lines written to stdout while `run` runs (Powertools prints EMF through a Console on
 * process.stdout), with Powertools' switches that would send them elsewhere, or nowhere, unset.
 */
function captureStdout(run: () => void): string[] {
  const switches = ['POWERTOOLS_DEV', 'POWERTOOLS_METRICS_DISABLED'] as const;
  const saved = switches.map((name) => [name, process.env[name]] as const);
  for (const name of switches) delete process.env[name];
  const chunks: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  });
  try {
    run();
  } finally {
    write.mockRestore();
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
  return chunks
    .join('')
    .split('\n')
    .filter((line) => line.trim() !== '');
}
