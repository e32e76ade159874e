import { randomUUID } from 'node:crypto';
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { Socket } from 'node:net';
import { errorResponse } from './aws-error-responses';
import { identifyAwsRequest } from './aws-request-identity';
import { FaultPlan, type FaultCounts, type FaultKind, type FaultRule } from './fault-plan';

export interface FaultProxyOptions {
  /** Where requests go when they are passed on: the emulator's base URL (`http://127.0.0.1:5000`). */
  readonly target: string;
  readonly seed: number;
  /** The first rule that matches a request decides its fate; none matching: passed through. */
  readonly rules: readonly FaultRule[];
  /** How long a `delay` fault holds the answer back: make it longer than the client's request timeout. Default 10 s. */
  readonly delayMs?: number;
  /** Listen address (default 127.0.0.1, a free port). */
  readonly host?: string;
  readonly port?: number;
}

export interface FaultProxy {
  /** The proxy's base URL: give it to clients as their endpoint (AWS_ENDPOINT_URL). */
  readonly url: string;
  counts(): FaultCounts;
  setRules(rules: readonly FaultRule[]): void;
  /** Stops listening and destroys every open socket and pending timer: no test is left hanging. */
  close(): Promise<void>;
}

const DEFAULT_DELAY_MS = 10_000;

/** Hop-by-hop headers a proxy must not pass on. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te']);

function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase())));
}

interface Upstream {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/**
 * A plain node:http proxy in front of an AWS endpoint (an emulator) that injects the faults real
 * networks and services produce, chosen by a seeded PRNG per request and filtered by service and
 * action (X-Amz-Target for the JSON protocols, `Action=` for the query protocol). SigV4 signatures
 * stay valid: the request is passed on byte for byte with its Host header.
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  const plan = new FaultPlan(options.seed, options.rules);
  const delayMs = options.delayMs ?? DEFAULT_DELAY_MS;
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const sockets = new Set<Socket>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let closed = false;

  const later = (ms: number, task: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      task();
    }, ms);
    timers.add(timer);
  };

  /** Cuts the client's connection with a TCP reset (ECONNRESET on the other side), not a polite close. */
  const reset = (response: ServerResponse): void => {
    const socket = response.socket;
    if (socket === null) return;
    if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
    else socket.destroy();
  };

  const forward = (incoming: IncomingMessage, body: Buffer): Promise<Upstream> =>
    new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        {
          protocol: target.protocol,
          hostname: target.hostname,
          port: target.port,
          method: incoming.method,
          path: incoming.url,
          headers: { ...endToEnd(incoming.headers), 'content-length': String(body.length) },
          agent,
        },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => chunks.push(chunk));
          answer.on('end', () =>
            resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: Buffer.concat(chunks) }),
          );
          answer.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });

  const reply = (response: ServerResponse, upstream: Upstream): void => {
    if (response.destroyed || response.writableEnded) return;
    response.writeHead(upstream.status, {
      ...endToEnd(upstream.headers),
      'content-length': String(upstream.body.length),
    });
    response.end(upstream.body);
  };

  const handle = async (incoming: IncomingMessage, response: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const identity = identifyAwsRequest(incoming.headers, body.toString('utf8'));
    const fault: FaultKind | undefined = closed ? 'reset' : plan.decide(identity);
    const requestId = randomUUID();
    switch (fault) {
      case 'reset':
        reset(response);
        return;
      case 'hang':
        // Neither forwarded nor answered: the socket stays open until the client gives up (or close()).
        return;
      case 'throttle':
      case 'server-error':
      case 'unavailable': {
        const canned = errorResponse(identity.service, fault, requestId);
        response.writeHead(canned.status, {
          ...canned.headers,
          'content-length': String(Buffer.byteLength(canned.body)),
        });
        response.end(canned.body);
        return;
      }
      default:
        break;
    }
    let upstream: Upstream;
    try {
      upstream = await forward(incoming, body);
    } catch {
      // The emulator itself failed us: the client sees what it would see from a broken endpoint.
      reset(response);
      return;
    }
    switch (fault) {
      case 'drop-answer':
        reset(response);
        return;
      case 'delay':
        later(delayMs, () => reply(response, upstream));
        return;
      case 'stall-body': {
        response.writeHead(upstream.status, {
          ...endToEnd(upstream.headers),
          'content-length': String(upstream.body.length),
        });
        // Half the body, then nothing: only the client's socket inactivity timeout ends this.
        response.write(upstream.body.subarray(0, Math.floor(upstream.body.length / 2)));
        return;
      }
      default:
        reply(response, upstream);
    }
  };

  const server = createServer((incoming, response) => {
    handle(incoming, response).catch(() => reset(response));
  });
  server.keepAliveTimeout = 5_000;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the fault proxy has no TCP address');
  const url = `http://${options.host ?? '127.0.0.1'}:${address.port}`;

  return {
    url,
    counts: () => plan.snapshot(),
    setRules: (rules) => plan.setRules(rules),
    close: async () => {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      agent.destroy();
      await stopped;
    },
  };
}
