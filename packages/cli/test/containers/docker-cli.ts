import { execFile } from 'node:child_process';

// The container tests drive the engine through the docker CLI, as a user and CI do: what they
// assert is what `docker stop` / `docker run` really do, not what an API client library does.

/** The image the container tests exercise: ORDERS_CONSUMER_IMAGE, else what build-consumer-image.sh builds. */
export const CONSUMER_IMAGE = process.env['ORDERS_CONSUMER_IMAGE'] || 'orders-local/consumer:latest';

export interface DockerResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `docker ARGS`, bounded by `timeoutMs` (then killed, and the result says so). Never rejects
 * for a non-zero exit: callers assert on the code, so a failure shows docker's own words.
 */
export function docker(args: readonly string[], timeoutMs = 60_000): Promise<DockerResult> {
  return new Promise((resolve) => {
    execFile(
      'docker',
      [...args],
      { timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        const killed = error?.killed ? `\n(docker ${args[0]} killed after ${timeoutMs} ms)` : '';
        // No exit code: docker did not run at all (not installed: ENOENT), say so.
        const notRun = error !== null && typeof error.code !== 'number' && !error.killed ? error.message : '';
        resolve({ code, stdout, stderr: `${stderr}${killed}${notRun}` });
      },
    );
  });
}

/** `docker ARGS`, which must succeed: its stdout, or an error quoting docker's stderr. */
export async function dockerOk(args: readonly string[], timeoutMs?: number): Promise<string> {
  const result = await docker(args, timeoutMs);
  if (result.code !== 0) {
    throw new Error(`docker ${args.join(' ')} exited ${result.code}: ${result.stderr.trim() || result.stdout.trim()}`);
  }
  return result.stdout;
}
