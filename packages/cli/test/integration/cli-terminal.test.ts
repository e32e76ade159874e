import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { provisionResources, SnsOrderPublisher } from '@orders/adapters-aws';
import { serializeOrder } from '@orders/core';
import { createOrderGenerator, startFaultProxy } from '@orders/simulation';
import { integrationEnvironment, resetEmulator, uniqueResourceNames } from '../../../testkit/src/integration';
import { REPOSITORY_ROOT, emulatorShell, nameFlags } from '../support/cli-under-test';

// `./orders consume` as a person runs it: in a terminal (a pseudo-terminal from util-linux's
// `script`), stopped with Ctrl-C typed into that terminal — the signal reaches the command, and
// only the command, as it does in a shell — or with SIGTERM from a supervisor.

const environment = integrationEnvironment();
const names = uniqueResourceNames('tty');
const flags = nameFlags(names);
const CTRL_C = '\u0003';

interface Terminal {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves with the command's exit code (script -e passes it on). */
  readonly exited: Promise<number | null>;
}

/** Runs `./orders …` in a pseudo-terminal; what is written to the child's stdin is typed into it. */
function inTerminal(args: readonly string[], endpoint = environment.endpoint): Terminal {
  // `exec`: the command alone in the terminal's foreground group, as an interactive shell runs it
  // (a non-interactive sh between would take the Ctrl-C too and exit 130 on its own account).
  const command = `exec ${['./orders', ...args].map((arg) => `'${arg}'`).join(' ')}`;
  const child = spawn('script', ['-qefc', command, '/dev/null'], {
    cwd: REPOSITORY_ROOT,
    env: {
      ...emulatorShell(endpoint, environment.region),
      TERM: 'xterm',
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  running.push(child);
  return { child, output: () => output, exited };
}

async function waitFor(terminal: Terminal, pattern: RegExp, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(terminal.output())) {
    if (Date.now() > deadline) throw new Error(`never saw ${pattern} in:\n${terminal.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

describe('orders consume in a terminal', () => {
  beforeAll(async () => {
    await resetEmulator();
    const resources = await provisionResources({ names, visibilityTimeoutSeconds: 5 });
    const generator = createOrderGenerator(41);
    const orders = Array.from({ length: 20 }, () => generator.next());
    await new SnsOrderPublisher({ topicArn: resources.topicArn }).publishBatch(
      orders.map((order) => ({ body: serializeOrder(order), orderId: order.orderId, status: order.status })),
    );
  });

  it('shows a status line, and Ctrl-C stops it cleanly with exit code 0 and no error line', async () => {
    const terminal = inTerminal(['consume', '--wait-seconds', '1', '--stop-timeout', '7', ...flags]);
    // At least once: SNS may deliver a message twice, so count what was stored, not received.
    await waitFor(terminal, /consuming OrderQueue-tty\S* · \d+ received \(\d+\/s\) · 20 stored/);
    terminal.child.stdin?.write(CTRL_C);
    await expect(terminal.exited).resolves.toBe(0);
    const output = terminal.output();
    // What it waits for is what it does: the messages in hand, for the stop timeout (not a long poll).
    expect(output).toContain(
      'orders consume: SIGINT received, finishing the messages in hand for at most 7 s, then handing back what is left (send again to exit at once)',
    );
    expect(output).toMatch(/orders consume: stopped \(signal\): \d+ received, \d+ acknowledged/);
    // A terminal shows no per-message JSON by default, and nothing that looks like a failure.
    expect(output).not.toContain('"outcome"');
    expect(output).not.toMatch(/ELIFECYCLE|Error:|at .*\.js:\d+/);
  });

  it('exits at once on a second Ctrl-C, and says so', async () => {
    const terminal = inTerminal(['consume', '--wait-seconds', '20', ...flags]);
    await waitFor(terminal, /consuming OrderQueue/);
    const started = Date.now();
    terminal.child.stdin?.write(CTRL_C);
    await waitFor(terminal, /SIGINT received/);
    terminal.child.stdin?.write(CTRL_C);
    await expect(terminal.exited).resolves.toBe(130);
    expect(Date.now() - started).toBeLessThan(5_000); // not the 20 s long poll
    expect(terminal.output()).toContain('orders consume: second SIGINT, exiting now');
  });

  it('says at once when its receives fail, with the cause, shows it on the status line, and exits 75 after the bound', async () => {
    const proxy = await startFaultProxy({ target: environment.endpoint, seed: 5, rules: [] });
    const port = new URL(proxy.url).port;
    const terminal = inTerminal(['consume', '--wait-seconds', '1', '--exit-after-failing', '3', ...flags], proxy.url);
    await waitFor(terminal, /consuming OrderQueue/);
    await proxy.close();
    await expect(terminal.exited).resolves.toBe(75);
    const output = terminal.output();
    expect(output).toContain(
      `orders consume: receive failed (retrying; exits if every receive fails for 3 s): Could not reach the AWS endpoint`,
    );
    expect(output).toMatch(/receives failing for \d+ s \(\d+ in a row, exits at 3 s\): endpoint_unreachable/);
    // The report counts the failures the status line counted, and the last words say why it exits.
    const reported = /stopped \(every receive failing\): .*, (\d+) receive errors/.exec(output)?.[1];
    const shown = [...output.matchAll(/\((\d+) in a row/g)].map((match) => Number(match[1]));
    expect(Number(reported)).toBe(Math.max(...shown));
    expect(output).toContain(
      `orders consume: exiting with code 75, for a supervisor to restart it: every receive failed for 3 s, the last of ${reported}: Could not reach the AWS endpoint 127.0.0.1:${port}`,
    );
  });

  it('stops on SIGTERM (a supervisor) with exit code 0, even one that comes while it is starting', async () => {
    const child = spawn(join(REPOSITORY_ROOT, 'orders'), ['consume', '--wait-seconds', '1', ...flags], {
      cwd: REPOSITORY_ROOT,
      env: {
        ...emulatorShell(environment.endpoint, environment.region),
      },
    });
    running.push(child);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const deadline = Date.now() + 20_000;
    while (!stderr.includes('talking to') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGTERM');
    await expect(exited).resolves.toBe(0);
    expect(stderr).toContain('orders consume: SIGTERM received');
    expect(stderr).toMatch(/orders consume: stopped \(signal\)/);
  });
});
