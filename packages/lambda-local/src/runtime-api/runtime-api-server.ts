import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HostSetupError } from '../errors';
import { readFunctionError, type FunctionError } from './function-error';

/** One invocation handed to the runtime on `GET /runtime/invocation/next`. */
export interface RuntimeInvocation {
  readonly requestId: string;
  /** The event, already JSON. */
  readonly payload: string;
  /** Epoch milliseconds at which the function times out. */
  readonly deadlineMs: number;
  readonly invokedFunctionArn: string;
  /** X-Ray trace header, `Root=1-…;Parent=…;Sampled=0`. */
  readonly traceId: string;
}

/** What the runtime told the server. Every call runs synchronously inside the request handler. */
export interface RuntimeApiListener {
  /** The runtime asked for work: initialization is over (the first time) or the last invocation is done. */
  onNext(): void;
  onResponse(requestId: string, payload: string): void;
  onInvocationError(requestId: string, error: FunctionError): void;
  onInitError(error: FunctionError): void;
  /** The response was over Lambda's 6 MB limit; it was refused with 413. */
  onResponseTooLarge(requestId: string, bytes: number): void;
}

const API = '/2018-06-01/runtime';
/** Lambda's limit for a synchronous response payload (and so for what the runtime may post). */
export const MAX_RESPONSE_BYTES = 6_291_556;
/** Error bodies are small; a runtime posting megabytes of error is cut off. */
const MAX_ERROR_BYTES = 1_048_576;

/**
 * Lambda's Runtime API (the documented endpoints: invocation/next, invocation/{id}/response,
 * invocation/{id}/error, init/error) for one execution environment, on a loopback port. The
 * runtime interface client long-polls `next`; `offer` answers it with an invocation.
 * One server per environment: when the environment is replaced (timeout, crash), so is the server,
 * and nothing of the old runtime can reach the new one.
 */
export class RuntimeApiServer {
  /** `host:port`, what AWS_LAMBDA_RUNTIME_API holds. */
  readonly address: string;
  private waitingNext: ServerResponse | undefined;
  private queued: RuntimeInvocation | undefined;
  /** The invocation handed out and not yet answered. */
  private current: string | undefined;

  private constructor(
    private readonly server: Server,
    private readonly listener: RuntimeApiListener,
  ) {
    const { address, port } = server.address() as AddressInfo;
    this.address = `${address}:${port}`;
  }

  static start(listener: RuntimeApiListener): Promise<RuntimeApiServer> {
    return new Promise((resolve, reject) => {
      let api: RuntimeApiServer | undefined;
      const server = createServer((request, response) => {
        api?.handle(request, response).catch((error: unknown) => reply(response, 500, errorBody('ServerError', error)));
      });
      // `next` is a long poll that may wait for minutes between invocations: no idle limits on it.
      server.requestTimeout = 0;
      server.keepAliveTimeout = 0;
      server.once('error', (error) =>
        reject(
          new HostSetupError('runtime_api_unavailable', 'the Runtime API server could not listen', { cause: error }),
        ),
      );
      server.listen(0, '127.0.0.1', () => {
        api = new RuntimeApiServer(server, listener);
        resolve(api);
      });
    });
  }

  /** Hands the invocation to the runtime: now, if it is waiting on `next`, or when it next asks. */
  offer(invocation: RuntimeInvocation): void {
    if (this.queued !== undefined || this.current !== undefined) {
      throw new HostSetupError('invocation_overlap', 'an execution environment runs one invocation at a time');
    }
    this.queued = invocation;
    this.deliver();
  }

  /** Stops listening and drops every connection, a waiting `next` included. */
  close(): Promise<void> {
    this.waitingNext = undefined;
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private deliver(): void {
    const response = this.waitingNext;
    const invocation = this.queued;
    if (response === undefined || invocation === undefined) return;
    this.waitingNext = undefined;
    this.queued = undefined;
    this.current = invocation.requestId;
    response.writeHead(200, {
      'Content-Type': 'application/json',
      'Lambda-Runtime-Aws-Request-Id': invocation.requestId,
      'Lambda-Runtime-Deadline-Ms': String(invocation.deadlineMs),
      'Lambda-Runtime-Invoked-Function-Arn': invocation.invokedFunctionArn,
      'Lambda-Runtime-Trace-Id': invocation.traceId,
    });
    response.end(invocation.payload);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '').split('?')[0] ?? '';
    if (request.method === 'GET' && path === `${API}/invocation/next`) {
      if (this.waitingNext !== undefined) {
        reply(response, 400, errorBody('InvalidStateTransition', 'another next request is already waiting'));
        return;
      }
      this.waitingNext = response;
      response.once('close', () => {
        if (this.waitingNext === response) this.waitingNext = undefined;
      });
      this.listener.onNext();
      this.deliver();
      return;
    }
    if (request.method === 'POST' && path === `${API}/init/error`) {
      const body = await readBody(request, MAX_ERROR_BYTES);
      reply(response, 202, { status: 'OK' });
      this.listener.onInitError(readFunctionError(body.text, header(request, 'lambda-runtime-function-error-type')));
      return;
    }
    const match = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(path);
    if (request.method === 'POST' && match) {
      const requestId = decodeURIComponent(match[1] as string);
      if (requestId !== this.current) {
        await readBody(request, 0);
        reply(response, 400, errorBody('InvalidRequestID', `invocation ${requestId} is not in progress`));
        return;
      }
      if (match[2] === 'response') {
        const body = await readBody(request, MAX_RESPONSE_BYTES);
        this.current = undefined;
        if (body.truncated) {
          reply(
            response,
            413,
            errorBody('RequestEntityTooLarge', `Exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`),
          );
          this.listener.onResponseTooLarge(requestId, body.bytes);
          return;
        }
        reply(response, 202, { status: 'OK' });
        this.listener.onResponse(requestId, body.text);
        return;
      }
      const body = await readBody(request, MAX_ERROR_BYTES);
      this.current = undefined;
      reply(response, 202, { status: 'OK' });
      this.listener.onInvocationError(
        requestId,
        readFunctionError(body.text, header(request, 'lambda-runtime-function-error-type')),
      );
      return;
    }
    await readBody(request, 0);
    reply(response, 404, errorBody('NotFound', `${request.method ?? '?'} ${path} is not a Runtime API endpoint`));
  }
}

interface Body {
  readonly text: string;
  readonly bytes: number;
  /** More than the limit arrived; `text` holds only the first `limit` bytes. */
  readonly truncated: boolean;
}

/** Reads a request body up to `limit` bytes, counting (and dropping) the rest. */
function readBody(request: IncomingMessage, limit: number): Promise<Body> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    let bytes = 0;
    request.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (kept < limit) {
        const part = chunk.subarray(0, limit - kept);
        chunks.push(part);
        kept += part.length;
      }
    });
    request.once('end', () =>
      resolve({ text: Buffer.concat(chunks).toString('utf8'), bytes, truncated: bytes > limit && limit > 0 }),
    );
    request.once('error', reject);
  });
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function reply(response: ServerResponse, status: number, body: object): void {
  if (response.headersSent) return;
  const text = JSON.stringify(body);
  response.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  response.end(text);
}

function errorBody(errorType: string, error: unknown): { errorType: string; errorMessage: string } {
  return { errorType, errorMessage: error instanceof Error ? error.message : String(error) };
}
