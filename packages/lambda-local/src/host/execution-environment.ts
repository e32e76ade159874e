import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { HostSetupError } from '../errors';
import type { FunctionError } from '../runtime-api/function-error';
import { RuntimeApiServer, type RuntimeInvocation } from '../runtime-api/runtime-api-server';

/** What happened in the environment, in the order it happened. */
export type EnvironmentSignal =
  | { readonly kind: 'ready' }
  | { readonly kind: 'response'; readonly requestId: string; readonly payload: string }
  | { readonly kind: 'invocation-error'; readonly requestId: string; readonly error: FunctionError }
  | { readonly kind: 'response-too-large'; readonly requestId: string; readonly bytes: number }
  | { readonly kind: 'init-error'; readonly error: FunctionError }
  | { readonly kind: 'exit'; readonly code: number | null; readonly signal: NodeJS.Signals | null };

export interface EnvironmentLaunch {
  /** The node binary (default: this process's). */
  readonly nodePath: string;
  readonly nodeArguments: readonly string[];
  /** The runtime interface client's entry module. */
  readonly runtimeEntry: string;
  readonly taskRoot: string;
  /** The process environment, given the Runtime API address. */
  readonly environment: (runtimeApi: string) => Record<string, string>;
  /** Receives every line the function (and the runtime client) writes. */
  readonly onLogLine: (line: string, stream: 'stdout' | 'stderr') => void;
}

/**
 * One execution environment: a runtime interface client process and the Runtime API server it
 * talks to. It runs one invocation at a time; once its process has exited (or was killed on a
 * timeout) it is dead, and the next invocation needs a new one: a cold start.
 */
export class ExecutionEnvironment {
  private readonly signals: EnvironmentSignal[] = [];
  private wake: (() => void) | undefined;
  private exited = false;

  private constructor(
    private readonly server: RuntimeApiServer,
    private readonly child: ChildProcess,
    private readonly exitedPromise: Promise<void>,
  ) {}

  static async launch(launch: EnvironmentLaunch): Promise<ExecutionEnvironment> {
    let environment: ExecutionEnvironment | undefined;
    const early: EnvironmentSignal[] = [];
    const emit = (signal: EnvironmentSignal): void => {
      if (environment) environment.push(signal);
      else early.push(signal);
    };
    const server = await RuntimeApiServer.start({
      onNext: () => emit({ kind: 'ready' }),
      onResponse: (requestId, payload) => emit({ kind: 'response', requestId, payload }),
      onInvocationError: (requestId, error) => emit({ kind: 'invocation-error', requestId, error }),
      onInitError: (error) => emit({ kind: 'init-error', error }),
      onResponseTooLarge: (requestId, bytes) => emit({ kind: 'response-too-large', requestId, bytes }),
    });
    let child: ChildProcess;
    try {
      child = spawn(launch.nodePath, [...launch.nodeArguments, launch.runtimeEntry], {
        cwd: launch.taskRoot,
        env: launch.environment(server.address),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      await server.close();
      throw new HostSetupError('runtime_spawn_failed', `could not start ${launch.nodePath}`, { cause: error });
    }
    forwardLines(child.stdout, (line) => launch.onLogLine(line, 'stdout'));
    forwardLines(child.stderr, (line) => launch.onLogLine(line, 'stderr'));
    const exitedPromise = new Promise<void>((resolve) => {
      child.once('error', (error) => {
        launch.onLogLine(`could not run ${launch.nodePath}: ${error.message}`, 'stderr');
        emit({ kind: 'exit', code: null, signal: null });
        resolve();
      });
      child.once('exit', (code, signal) => {
        emit({ kind: 'exit', code, signal });
        resolve();
      });
    });
    environment = new ExecutionEnvironment(server, child, exitedPromise);
    for (const signal of early) environment.push(signal);
    return environment;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get isDead(): boolean {
    return this.exited;
  }

  offer(invocation: RuntimeInvocation): void {
    this.server.offer(invocation);
  }

  /**
   * The next signal, or undefined once `deadline` (epoch ms) passes or `abort` fires. Signals are
   * kept in order, so nothing that happens between two waits is missed.
   */
  async nextSignal(deadline: number, abort?: AbortSignal): Promise<EnvironmentSignal | undefined> {
    for (;;) {
      const signal = this.signals.shift();
      if (signal !== undefined) return signal;
      const remaining = deadline - Date.now();
      if (remaining <= 0 || abort?.aborted) return undefined;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, remaining);
        const onAbort = (): void => done();
        abort?.addEventListener('abort', onAbort, { once: true });
        function done(): void {
          clearTimeout(timer);
          abort?.removeEventListener('abort', onAbort);
          resolve();
        }
        this.wake = done;
      });
      this.wake = undefined;
    }
  }

  /** Peak resident memory of the process so far (Linux), in MB. */
  maxMemoryUsedMb(): number | undefined {
    if (this.child.pid === undefined || this.exited) return undefined;
    try {
      const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
      const kb = /^VmHWM:\s+(\d+)\s+kB/m.exec(status)?.[1];
      return kb === undefined ? undefined : Math.ceil(Number(kb) / 1024);
    } catch {
      return undefined;
    }
  }

  /** Kills the process at once, synchronously (for a process that is exiting). */
  killNow(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }

  /** Kills the process (as Lambda does on a timeout or shutdown) and closes the Runtime API. */
  async destroy(): Promise<void> {
    if (!this.exited) this.child.kill('SIGKILL');
    await this.exitedPromise;
    await this.server.close();
  }

  private push(signal: EnvironmentSignal): void {
    if (signal.kind === 'exit') this.exited = true;
    this.signals.push(signal);
    this.wake?.();
  }
}

function forwardLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  if (stream === null) return;
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  });
  stream.on('end', () => {
    if (partial !== '') onLine(partial);
    partial = '';
  });
}
