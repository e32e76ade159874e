import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/** A round trip per action (the part of `x-amz-target` after the dot, e.g. `ReceiveMessage`), else `defaultMs`. */
export interface ActionDelays {
  readonly defaultMs: number;
  readonly byAction?: Readonly<Record<string, number>>;
}

/**
 * An HTTP proxy that forwards every request to `upstream` and holds each complete response for a
 * delay before writing it: a network round trip in front of an emulator (moto) or a stand-in,
 * fixed, or per AWS action. It keeps its upstream connections alive and unbounded, so it adds a
 * timer, not a queue. A client that goes away before its answer (an aborted long poll) takes the
 * upstream request with it.
 */
export async function startDelayProxy(
  upstream: string,
  delay: number | ActionDelays,
  port = 0,
): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const target = new URL(upstream);
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
  const delayFor = (request: IncomingMessage): number => {
    if (typeof delay === 'number') return delay;
    const header = String(request.headers['x-amz-target'] ?? '');
    return delay.byAction?.[header.slice(header.indexOf('.') + 1)] ?? delay.defaultMs;
  };
  const server = createServer((incoming: IncomingMessage, outgoing: ServerResponse) => {
    const delayMs = delayFor(incoming);
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const forwarded = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: incoming.method,
          path: incoming.url,
          headers: { ...incoming.headers, host: target.host, 'content-length': body.length },
          agent,
        },
        (response) => {
          const parts: Buffer[] = [];
          response.on('data', (chunk: Buffer) => parts.push(chunk));
          response.on('end', () => {
            const payload = Buffer.concat(parts);
            setTimeout(() => {
              if (outgoing.destroyed) return;
              const headers = { ...response.headers, 'content-length': String(payload.length) };
              delete headers['transfer-encoding'];
              delete headers['connection'];
              outgoing.writeHead(response.statusCode ?? 502, headers);
              outgoing.end(payload);
            }, delayMs);
          });
        },
      );
      forwarded.on('error', (caught) => {
        if (outgoing.destroyed) return;
        outgoing.writeHead(502, { 'content-type': 'text/plain' });
        outgoing.end(`delay proxy: ${caught.message}`);
      });
      outgoing.on('close', () => {
        if (!outgoing.writableEnded) forwarded.destroy();
      });
      forwarded.end(body);
    });
  });
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 121_000;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
