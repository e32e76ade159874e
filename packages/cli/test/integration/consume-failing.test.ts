import { spawn } from 'node:child_process';
import { provisionResources } from '@orders/adapters-aws';
import { startFaultProxy, type FaultProxy } from '@orders/simulation';
import { integrationEnvironment, resetEmulator, uniqueResourceNames } from '../../../testkit/src/integration';
import { CLI_FROM_SOURCES, REPOSITORY_ROOT, emulatorShell, nameFlags } from '../support/cli-under-test';

// `orders consume` when its endpoint goes away under it (an emulator stopped, a network gone): a
// pass-through proxy in front of the emulator is closed once the consumer is receiving, so every
// request after that is refused on a closed loopback port. It must say so as it happens, with the
// cause, and exit non-zero after --exit-after-failing, for a supervisor to restart it.

const environment = integrationEnvironment();
const names = uniqueResourceNames('failing');

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `orders consume …` through the proxy; closes the proxy once the consumer has sent a receive. */
function consumeUntilTheEndpointGoes(proxy: FaultProxy, args: readonly string[]): Promise<Run> {
  return new Promise<Run>((resolve, reject) => {
    const child = spawn(process.execPath, [...CLI_FROM_SOURCES, 'consume', ...args, ...nameFlags(names)], {
      cwd: REPOSITORY_ROOT,
      env: emulatorShell(proxy.url, environment.region),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Only a hung child ends here: the test's own bound, not what is asserted.
    const killer = setTimeout(() => child.kill('SIGKILL'), 100_000);
    const watcher = setInterval(() => {
      if ((proxy.counts().byAction['sqs:ReceiveMessage']?.requests ?? 0) === 0) return;
      clearInterval(watcher);
      proxy.close().catch(reject);
    }, 50);
    child.on('exit', (status) => {
      clearTimeout(killer);
      clearInterval(watcher);
      resolve({ status, stdout, stderr });
    });
  });
}

describe('orders consume with its endpoint gone', () => {
  beforeAll(async () => {
    await resetEmulator();
    await provisionResources({ names, visibilityTimeoutSeconds: 5 });
  });

  it('logs every failed receive with its cause as it happens, and exits with code 75 after --exit-after-failing', async () => {
    const proxy = await startFaultProxy({ target: environment.endpoint, seed: 1, rules: [] });
    const port = new URL(proxy.url).port;
    const run = await consumeUntilTheEndpointGoes(proxy, [
      '--wait-seconds',
      '1',
      '--exit-after-failing',
      '3',
      '--json',
    ]);
    expect(run.status).toBe(75);
    // --json: the report is stdout's last line.
    const report = JSON.parse(run.stdout.trim().split('\n').pop() ?? 'null') as {
      stoppedBy: string;
      receiveErrors: number;
      receiveFailing?: { failures: number; lastError: { code: string; message: string } };
    };
    // Not a terminal: a JSON log line per failed receive (error lines go to stderr), with the cause
    // in one sentence — the first may be a reset of the connection the proxy was holding.
    const failures = [...run.stdout.split('\n'), ...run.stderr.split('\n')]
      .filter((line) => line.startsWith('{"level"'))
      .map((line) => JSON.parse(line) as { level: string; message: string; errorCode?: string; errorMessage?: string })
      .filter((line) => line.message === 'receive failed; retrying');
    expect(failures.length).toBeGreaterThan(0);
    for (const failure of failures) {
      expect(failure).toMatchObject({ level: 'ERROR', errorCode: 'endpoint_unreachable' });
      expect(failure.errorMessage).toMatch(/^Could not reach the AWS endpoint/);
    }
    expect(failures.at(-1)?.errorMessage).toContain(`Could not reach the AWS endpoint 127.0.0.1:${port}`);
    // The report counts what was shown, and says why it stopped.
    expect(report).toMatchObject({
      stoppedBy: 'failing',
      receiveErrors: failures.length,
      receiveFailing: { failures: failures.length, lastError: { code: 'endpoint_unreachable' } },
    });
    expect(run.stderr).toMatch(
      new RegExp(
        `^orders consume: exiting with code 75, for a supervisor to restart it: every receive failed for 3 s, the last of ${failures.length}: Could not reach the AWS endpoint 127\\.0\\.0\\.1:${port}`,
        'm',
      ),
    );
    expect(run.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);

  it('with --exit-after-failing 0 keeps trying until it is stopped, and exits 0 then', async () => {
    const proxy = await startFaultProxy({ target: environment.endpoint, seed: 2, rules: [] });
    const child = spawn(
      process.execPath,
      [...CLI_FROM_SOURCES, 'consume', '--wait-seconds', '1', '--exit-after-failing', '0', ...nameFlags(names)],
      { cwd: REPOSITORY_ROOT, env: emulatorShell(proxy.url, environment.region) },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const until = async (done: () => boolean): Promise<void> => {
      while (!done()) await new Promise((resolve) => setTimeout(resolve, 50));
    };
    await until(() => (proxy.counts().byAction['sqs:ReceiveMessage']?.requests ?? 0) > 0);
    await proxy.close();
    // Past the 3 failed receives that take a few seconds of backoff: still running.
    await until(() => (`${stdout}${stderr}`.match(/"receive failed; retrying"/g) ?? []).length >= 4);
    expect(child.exitCode).toBeNull();
    child.kill('SIGTERM');
    await expect(exited).resolves.toBe(0);
    expect(stderr).toMatch(/orders consume: stopped \(signal\): .*\d+ receive errors/);
  }, 120_000);
});
