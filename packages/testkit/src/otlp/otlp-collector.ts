import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { decodeTraceRequest, type ExportedSpan, type OtlpEncoding } from './exported-spans';

/** One export as the collector saw it. */
export interface OtlpExportRequest {
  readonly encoding: OtlpEncoding;
  /** The status it was answered with (see answerWith). */
  readonly status: number;
  readonly spanCount: number;
  readonly gzip: boolean;
}

export interface OtlpCollectorOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0: a free port. */
  readonly port?: number;
  /** A larger body is refused with 413. Default 16 MiB. */
  readonly maxBodyBytes?: number;
}

/**
 * A stand-in for an OpenTelemetry collector's OTLP/HTTP traces receiver, for tests and the bench:
 * POST /v1/traces in `application/x-protobuf` (http/protobuf) or `application/json` (http/json),
 * gzip or not, decoded into ExportedSpan. It can be told to answer with an error status, as a
 * collector that is down or overloaded would.
 */
export interface OtlpCollector {
  /** For OTEL_EXPORTER_OTLP_ENDPOINT (the exporter appends /v1/traces). */
  readonly endpoint: string;
  /** For OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (used as given). */
  readonly tracesUrl: string;
  /** Every span of every export answered with a 2xx, in arrival order. */
  spans(): readonly ExportedSpan[];
  requests(): readonly OtlpExportRequest[];
  /** The status later exports are answered with; their spans are kept only for a 2xx. Default 200. */
  answerWith(status: number): void;
  /**
   * Resolves with the spans once `done(spans)` holds; rejects after `timeoutMs` (or on `signal`)
   * with what had arrived, so a failing test says what it got.
   */
  waitForSpans(
    done: (spans: readonly ExportedSpan[]) => boolean,
    options: { readonly timeoutMs: number; readonly signal?: AbortSignal },
  ): Promise<readonly ExportedSpan[]>;
  /** Forgets the spans and requests received so far. */
  clear(): void;
  close(): Promise<void>;
}

const ENCODINGS: Readonly<Record<string, OtlpEncoding>> = {
  'application/x-protobuf': 'http/protobuf',
  'application/json': 'http/json',
};

export async function startOtlpCollector(options: OtlpCollectorOptions = {}): Promise<OtlpCollector> {
  const maxBodyBytes = options.maxBodyBytes ?? 16 * 1024 * 1024;
  let spans: ExportedSpan[] = [];
  let requests: OtlpExportRequest[] = [];
  let status = 200;
  const waiters = new Set<() => void>();

  const server = createServer((request, response) => {
    receive(request, response).catch((error: unknown) => answer(response, 500, `collector stand-in failed: ${error}`));
  });

  async function receive(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://collector').pathname;
    if (request.method !== 'POST' || path !== '/v1/traces') {
      return answer(response, 404, `only POST /v1/traces is served, not ${request.method} ${path}`);
    }
    const contentType = (request.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
    const encoding = ENCODINGS[contentType];
    if (encoding === undefined) return answer(response, 415, `unsupported Content-Type "${contentType}"`);
    const gzip = request.headers['content-encoding'] === 'gzip';
    const raw = await readBody(request, maxBodyBytes);
    if (raw === undefined) return answer(response, 413, `body larger than ${maxBodyBytes} bytes`);
    let received: ExportedSpan[];
    try {
      received = decodeTraceRequest(gzip ? gunzipSync(raw) : raw, encoding);
    } catch (error) {
      return answer(response, 400, `not an ExportTraceServiceRequest in ${encoding}: ${error}`);
    }
    requests.push({ encoding, status, spanCount: received.length, gzip });
    if (status < 200 || status > 299) return answer(response, status, 'told to fail');
    spans.push(...received);
    for (const wake of waiters) wake();
    // An empty ExportTraceServiceResponse: full success.
    response.writeHead(200, { 'Content-Type': contentType });
    response.end(encoding === 'http/json' ? '{}' : '');
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const endpoint = `http://${address}:${port}`;

  return {
    endpoint,
    tracesUrl: `${endpoint}/v1/traces`,
    spans: () => spans,
    requests: () => requests,
    answerWith: (next) => {
      status = next;
    },
    waitForSpans: (done, { timeoutMs, signal }) =>
      new Promise((resolve, reject) => {
        const finish = (outcome: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          signal?.removeEventListener('abort', onAbort);
          outcome();
        };
        const giveUp = (why: string) =>
          finish(() =>
            reject(
              new Error(
                `${why}; the collector had ${spans.length} span(s): ${spans.map((s) => `${s.name} (${s.traceId.slice(0, 8)})`).join(', ') || 'none'}`,
              ),
            ),
          );
        const check = () => {
          if (done(spans)) finish(() => resolve(spans));
        };
        const onAbort = () => giveUp('waiting for spans was aborted');
        const timer = setTimeout(() => giveUp(`the spans waited for did not arrive within ${timeoutMs} ms`), timeoutMs);
        signal?.addEventListener('abort', onAbort, { once: true });
        waiters.add(check);
        if (signal?.aborted) onAbort();
        else check();
      }),
    clear: () => {
      spans = [];
      requests = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function answer(response: ServerResponse, status: number, message: string): void {
  if (response.headersSent) return void response.end();
  response.writeHead(status, { 'Content-Type': 'text/plain' });
  response.end(message);
}

/** The whole body, or undefined once it passes `limit` (the rest is drained, not kept). */
async function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size <= limit) chunks.push(chunk as Buffer);
  }
  return size <= limit ? Buffer.concat(chunks) : undefined;
}
