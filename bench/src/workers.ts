import { fork } from 'node:child_process';
import { join } from 'node:path';

/**
 * Runs `bench/src/<script>` in a child process (same tsx loader and conditions as this one)
 * with handler output sent to /dev/null, and resolves with the one result it posts back.
 */
export function runWorker<Input, Output>(
  script: string,
  input: Input,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Output> {
  return new Promise((resolve, reject) => {
    const child = fork(join(__dirname, script), [], { env, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    let result: { ok: true; value: Output } | { ok: false; error: string } | undefined;
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
    child.on('message', (message: { ok: true; value: Output } | { ok: false; error: string }) => {
      result = message;
      child.disconnect();
    });
    child.on('exit', (code) => {
      if (result?.ok) resolve(result.value);
      else
        reject(
          new Error(
            `${script} failed (exit ${code}): ${result && !result.ok ? result.error : stderr.trim().split('\n').slice(-8).join('\n')}`,
          ),
        );
    });
    child.send(input as object);
  });
}

/** The worker side: take the input, run, post the result (or the error) and let the parent end us. */
export function serveWorker<Input, Output>(run: (input: Input) => Promise<Output>): void {
  process.once('message', (input: Input) => {
    run(input).then(
      (value) => process.send?.({ ok: true, value }),
      (error: unknown) =>
        process.send?.({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
  });
  process.on('disconnect', () => process.exit(0));
}
