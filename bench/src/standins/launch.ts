import { fork, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { StandinConfig, StandinQuestion, StandinReady } from './standin-process';

export interface Standins {
  readonly fakeUrls: readonly string[];
  readonly proxyUrls: readonly string[];
  /** The fake SQS without delay, and behind its delay proxy (when the config asked for it). */
  readonly sqsUrl?: string;
  readonly sqsProxyUrl?: string;
  requests(): Promise<number>;
  /** Asks the stand-in process a question (see StandinQuestion) and resolves with its answer. */
  ask<T>(question: StandinQuestion): Promise<T>;
  stop(): Promise<void>;
}

/** Starts the stand-in process (fake DynamoDB listeners, delay proxies) and waits until it listens. */
export function startStandins(config: StandinConfig): Promise<Standins> {
  return new Promise((resolve, reject) => {
    const child = fork(join(__dirname, 'standin-process.ts'), [JSON.stringify(config)], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const onExit = (code: number | null): void => reject(new Error(`the stand-in process exited early (${code})`));
    child.once('exit', onExit);
    child.once('message', (message: StandinReady) => {
      child.off('exit', onExit);
      let nextId = 0;
      const pending = new Map<number, (answer: unknown) => void>();
      child.on('message', (reply: { id?: number; answer?: unknown }) => {
        if (reply.id === undefined) return;
        pending.get(reply.id)?.(reply.answer);
        pending.delete(reply.id);
      });
      const ask = <T>(question: StandinQuestion): Promise<T> =>
        new Promise<T>((done) => {
          const id = ++nextId;
          pending.set(id, (answer) => done(answer as T));
          child.send({ id, question });
        });
      resolve({
        fakeUrls: message.fakeUrls,
        proxyUrls: message.proxyUrls,
        ...(message.sqsUrl === undefined ? {} : { sqsUrl: message.sqsUrl }),
        ...(message.sqsProxyUrl === undefined ? {} : { sqsProxyUrl: message.sqsProxyUrl }),
        requests: () => ask<number>({ type: 'requests' }),
        ask,
        stop: () => stopChild(child),
      });
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    if (child.connected) child.disconnect();
    else child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 3000).unref();
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface Moto {
  readonly url: string;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A moto server of our own (`python3 -m moto.server`), or the one BENCH_MOTO_URL names.
 * Stopped by its pid when the bench ends.
 */
export async function startMoto(): Promise<Moto> {
  const existing = process.env['BENCH_MOTO_URL'];
  if (existing) return { url: existing, reset: () => resetMoto(existing), stop: async () => undefined };
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-2000);
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto exited (${child.exitCode}): ${stderr}`);
    try {
      const response = await fetch(`${url}/moto-api/`);
      if (response.ok || response.status === 404) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`moto did not start within 30 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, reset: () => resetMoto(url), stop: () => stopChild(child) };
}

async function resetMoto(url: string): Promise<void> {
  await fetch(`${url}/moto-api/reset`, { method: 'POST' });
}
