import { createServer, type IncomingMessage } from 'node:http';

/** A loopback stand-in for an AWS JSON endpoint (DynamoDB) whose every answer takes `delayMs`: slow writes. */
export interface SlowEndpoint {
  /** `http://127.0.0.1:<port>`: a client's `endpoint`. */
  readonly url: string;
  /** How many times each request arrived, by the key `keyOf` read from its JSON body. */
  readonly received: ReadonlyMap<string, number>;
  /** Requests that arrived in all (retries included). */
  readonly requests: () => number;
  /** Most requests the endpoint held unanswered at once: the sockets the client really used together. */
  readonly mostAtOnce: () => number;
  readonly close: () => Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Answers every request `{}` (a PutItem that created its item) `delayMs` after it arrived. A
 * request the client gave up on meanwhile still counts: it arrived, so the write landed.
 */
export async function startSlowEndpoint(
  delayMs: number,
  keyOf: (body: Record<string, unknown>) => string,
): Promise<SlowEndpoint> {
  const received = new Map<string, number>();
  let requests = 0;
  let holding = 0;
  let mostAtOnce = 0;
  const server = createServer((request, response) => {
    void readBody(request).then((text) => {
      requests++;
      const key = keyOf(JSON.parse(text) as Record<string, unknown>);
      received.set(key, (received.get(key) ?? 0) + 1);
      holding++;
      mostAtOnce = Math.max(mostAtOnce, holding);
      setTimeout(() => {
        holding--;
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{}');
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    requests: () => requests,
    mostAtOnce: () => mostAtOnce,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
