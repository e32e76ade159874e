import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { delay, probe } from './http-probe';
import { motoLauncherProgram } from './moto-launcher';

export interface StartedMoto {
  readonly endpoint: string;
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

const STARTUP_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 3_000;

/** Runs moto on loopback through the shared launcher (see moto-launcher.ts for what it adds). */
const LAUNCHER = motoLauncherProgram({ host: '127.0.0.1', exitWhenStdinCloses: true });

/** A TCP port free on loopback right now (moto binds it a moment later; a clash is retried). */
export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

/** Starts moto on a free loopback port and waits until it answers. Throws with moto's own output if it cannot. */
export async function startMotoServer(python = 'python3', attempts = 3): Promise<StartedMoto> {
  let lastError: Error | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const port = await freeLoopbackPort();
    try {
      return await launch(python, port);
    } catch (error) {
      lastError = error instanceof Error ? error : new Error(String(error));
      // Only a port clash is worth another try; a missing Python or moto is not.
      if (!/address already in use|errno 98/i.test(lastError.message)) break;
    }
  }
  throw lastError ?? new Error('moto did not start');
}

async function launch(python: string, port: number): Promise<StartedMoto> {
  // moto logs every request to stderr. It goes to a file, not a pipe: a pipe is drained only
  // while this (Jest's main) process runs its event loop, and a test that blocks it (spawnSync of
  // the CLI) would let the pipe fill up, stalling moto mid-request and the CLI with it.
  const logDirectory = mkdtempSync(join(tmpdir(), 'orders-moto-'));
  const logPath = join(logDirectory, 'moto.log');
  const logFd = openSync(logPath, 'w');
  const child = spawn(python, ['-c', LAUNCHER, String(port)], { stdio: ['pipe', 'ignore', logFd] });
  closeSync(logFd);
  const output = (): string => {
    try {
      return readFileSync(logPath, 'utf8').slice(-4_000);
    } catch {
      return '';
    }
  };
  const exited = new Promise<string>((resolve) => {
    child.once('error', (error) => resolve(`could not run ${python}: ${error.message}`));
    child.once('exit', (code, signal) => resolve(`exited with ${signal ?? `code ${code}`}`));
  });
  let exitReason: string | undefined;
  void exited.then((reason) => (exitReason = reason));

  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exitReason !== undefined) {
      const lines = lastLines(output());
      rmSync(logDirectory, { recursive: true, force: true });
      throw new Error(`moto server ${exitReason}: ${lines || 'no output'}`);
    }
    const answer = await probe(`${endpoint}/moto-api/`, {}, 1_000);
    if (answer !== undefined && answer.status < 500) {
      return {
        endpoint,
        pid: child.pid,
        stop: async () => {
          await stopChild(child, exited);
          rmSync(logDirectory, { recursive: true, force: true });
        },
      };
    }
    await delay(100);
  }
  await stopChild(child, exited);
  const lines = lastLines(output());
  rmSync(logDirectory, { recursive: true, force: true });
  throw new Error(
    `moto server did not answer on ${endpoint} within ${STARTUP_TIMEOUT_MS / 1000} s: ${lines || 'no output'}`,
  );
}

async function stopChild(child: ChildProcess, exited: Promise<string>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.stdin?.end();
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

const lastLines = (text: string): string => text.trim().split('\n').slice(-3).join(' | ');
