import { fork } from 'node:child_process';
import { join } from 'node:path';

/** What the collector stand-in received so far. */
export interface CollectorStats {
  readonly requests: number;
  /** Exports it refused (it refuses only a body that is not an ExportTraceServiceRequest). */
  readonly failedRequests: number;
  readonly spans: number;
  readonly spanNames: readonly string[];
}

export interface CollectorProcess {
  /** For OTEL_EXPORTER_OTLP_ENDPOINT. */
  readonly endpoint: string;
  stats(): Promise<CollectorStats>;
  stop(): Promise<void>;
}

/** A bound on the stand-in's answers: it answers in milliseconds; this only keeps a dead one from hanging the bench. */
const ANSWER_TIMEOUT_MS = 30_000;

/** Starts the OTLP collector stand-in in its own process (see collector-process-main.ts). */
export function startCollectorProcess(): Promise<CollectorProcess> {
  const child = fork(join(__dirname, 'collector-process-main.ts'), [], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const nextMessage = <T>(pick: (message: Record<string, unknown>) => T | undefined, what: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => finish(new Error(`the collector stand-in did not ${what} within ${ANSWER_TIMEOUT_MS} ms`)),
        ANSWER_TIMEOUT_MS,
      );
      const onMessage = (message: unknown) => {
        const value =
          typeof message === 'object' && message !== null ? pick(message as Record<string, unknown>) : undefined;
        if (value !== undefined) finish(undefined, value);
      };
      const onExit = (code: number | null) =>
        finish(new Error(`the collector stand-in exited (${code}) before it could ${what}`));
      const finish = (error?: Error, value?: T) => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        if (error) reject(error);
        else resolve(value as T);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  return nextMessage((m) => (typeof m['endpoint'] === 'string' ? m['endpoint'] : undefined), 'start').then(
    (endpoint) => ({
      endpoint,
      stats: () => {
        const answer = nextMessage((m) => (m['stats'] as CollectorStats | undefined) ?? undefined, 'report');
        child.send('stats');
        return answer;
      },
      stop: () =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.disconnect();
          setTimeout(() => child.kill('SIGKILL'), 3_000).unref();
        }),
    }),
    (error: unknown) => {
      child.kill('SIGKILL');
      throw error;
    },
  );
}
