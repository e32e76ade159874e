import { spawn } from 'node:child_process';

export interface ChildRunOptions {
  readonly cwd?: string;
  /** The child's whole environment: a test passes what the process under test should see, nothing inherited. */
  readonly env: NodeJS.ProcessEnv;
  /**
   * The child is killed (SIGKILL) after this long. A hang guard, not a speed bound: set it well
   * above what the slowest busy machine takes, so a hang fails the test instead of the whole run.
   */
  readonly hangGuardMs: number;
}

/** How a child ended and what it printed. */
export interface ChildRun {
  /** The exit code, or null when a signal ended it (the hang guard's SIGKILL among them). */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr interleaved in the order they arrived: what a failure message should show. */
  readonly output: string;
}

/**
 * Runs COMMAND to its end without blocking this process, which may have to answer the child
 * meanwhile (an OTLP collector stand-in, an emulator's proxy): `execFileSync` would hold the event
 * loop until the child ends. Resolves once every output stream has closed, so nothing printed is
 * lost; rejects only when the child cannot be started.
 */
export function runToExit(command: string, args: readonly string[], options: ChildRunOptions): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let output = '';
    // Decoded by the streams, so a character split between two chunks stays whole.
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
      output += text;
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
      output += text;
    });
    const guard = setTimeout(() => child.kill('SIGKILL'), options.hangGuardMs);
    child.once('error', (error) => {
      clearTimeout(guard);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal, stdout, stderr, output });
    });
  });
}
