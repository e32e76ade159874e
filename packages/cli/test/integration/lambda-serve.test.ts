import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serializeOrder } from '@orders/core';
import { SEED_DUMMY_ORDER } from '@orders/simulation';
import { integrationEnvironment, resetEmulator } from '../../../testkit/src/integration';
import { synthesizeStack } from '../../../lambda-local/test/integration/support/synthesize';
import { CLI_FROM_SOURCES, REPOSITORY_ROOT, emulatorShell } from '../support/cli-under-test';

// `orders lambda serve` as a user runs it (README, "Run the deployed Lambda locally"): the
// synthesized stack's own resource names, the real bundle inside aws-lambda-ric, the emulator.

const environment = integrationEnvironment();
const env = emulatorShell(environment.endpoint, environment.region);

function orders(args: readonly string[]) {
  return spawnSync(process.execPath, [...CLI_FROM_SOURCES, ...args], {
    cwd: REPOSITORY_ROOT,
    env,
    encoding: 'utf8',
    timeout: 90_000,
  });
}

describe('orders lambda serve', () => {
  let synthesized: ReturnType<typeof synthesizeStack>;
  beforeAll(async () => {
    synthesized = synthesizeStack();
    await resetEmulator();
  });
  afterAll(() => synthesized?.remove());

  it('provisions the template resources, serves OrderQueue until empty: O1234 stored, the poison message in OrderDLQ', () => {
    const workDir = mkdtempSync(join(tmpdir(), 'orders-lambda-serve-'));
    const file = join(workDir, 'orders.jsonl');
    writeFileSync(file, `${serializeOrder(SEED_DUMMY_ORDER)}\n{"orderId":"BAD-1","quantity":"1"}\n`);
    expect(orders(['provision', '--visibility-timeout', '1']).status).toBe(0);
    expect(orders(['publish', '--file', file, '--unchecked']).status).toBe(0);

    const serve = orders([
      'lambda',
      'serve',
      '--cdk-out',
      synthesized.cdkOut,
      '--provision',
      '--visibility-timeout',
      '1',
      '--until-empty',
      '--wait-seconds',
      '1',
    ]);
    expect(serve.stderr).toMatch(
      /serving OrderQueue → OrderProcessor \(nodejs24\.x, 512 MB, 30 s, JSON logs; batch 10/,
    );
    expect(serve.stderr).toMatch(
      /stopped \(queue drained\): [34] invocations \(1 cold starts, 0 failed as a whole\), 4 records received, 1 deleted, 3 left/,
    );
    expect(serve.status).toBe(0);
    // The function's own JSON lines, with the Lambda request id, on stdout.
    const created = serve.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line['outcome'] === 'created');
    expect(created).toMatchObject({ orderId: 'O1234', function_request_id: expect.any(String), cold_start: true });

    const status = orders(['status', '--json']);
    expect(JSON.parse(status.stdout)).toMatchObject({
      queue: { visible: 0, inFlight: 0 },
      dlq: { visible: 1 },
      table: { items: 1 },
    });
  });

  it('stops gracefully on SIGTERM and exits 0', async () => {
    const child = spawn(
      process.execPath,
      [...CLI_FROM_SOURCES, 'lambda', 'serve', '--cdk-out', synthesized.cdkOut, '--wait-seconds', '1', '--quiet'],
      { cwd: REPOSITORY_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const deadline = Date.now() + 30_000;
    while (!stderr.includes('serving OrderQueue') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const code = await exited;
    clearTimeout(timer);
    expect(stderr).toContain('SIGTERM received');
    expect(stderr).toMatch(/stopped \(signal\)/);
    expect(code).toBe(0);
  });

  it('says in one sentence what to do when nothing was synthesized', () => {
    const run = orders(['lambda', 'serve', '--cdk-out', join(tmpdir(), 'no-such-cdk-out')]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /^orders: There is no cloud assembly at .* \(--cdk-out\): pnpm synth writes one to infra\/cdk\.out, /m,
    );
  });
});
