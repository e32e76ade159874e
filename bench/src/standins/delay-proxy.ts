import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP proxy that forwards every request to `upstream` and holds each complete response for
 * `delayMs` before writing it: a fixed network round trip in front of an emulator (moto). It keeps
 * its upstream connections alive and unbounded, so it adds a timer, not a queue.
 */
export async function startDelayProxy(
  upstream: string,
  delayMs: number,
  port = 0,
): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const target = new URL(upstream);
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
  const server = createServer((incoming: IncomingMessage, outgoing: ServerResponse) => {
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
        outgoing.writeHead(502, { 'content-type': 'text/plain' });
        outgoing.end(`delay proxy: ${caught.message}`);
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
