import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serializeOrder } from '@orders/core';
import { createOrderGenerator, SEED_DUMMY_ORDER } from '@orders/simulation';
import { integrationEnvironment, resetEmulator, uniqueResourceNames } from '../../../testkit/src/integration';
import { CLI_FROM_SOURCES, REPOSITORY_ROOT, emulatorShell, nameFlags } from '../support/cli-under-test';

// The `orders` CLI run as a user runs it: a child process, flags and environment, exit codes.

const environment = integrationEnvironment();
const baseEnv = emulatorShell(environment.endpoint, environment.region);

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function orders(args: readonly string[], env: Record<string, string> = {}): Run {
  const result = spawnSync(process.execPath, [...CLI_FROM_SOURCES, ...args], {
    cwd: REPOSITORY_ROOT,
    env: { ...baseEnv, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const jsonOf = <T>(run: Run): T => JSON.parse(run.stdout.trim().split('\n').pop() ?? 'null') as T;

describe('orders CLI against the emulator', () => {
  const names = uniqueResourceNames('cli');
  const flags = nameFlags(names);
  const workDir = mkdtempSync(join(tmpdir(), 'orders-cli-'));

  beforeAll(async () => {
    await resetEmulator();
  });

  it('explains missing resources in one sentence, without a stack trace', () => {
    const run = orders(['status', ...flags]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^orders: .*do not exist.*orders provision/m);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('explains an unreachable endpoint in one sentence', () => {
    const run = orders(['status', ...flags], { AWS_ENDPOINT_URL: 'http://127.0.0.1:9' });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /^orders: Could not reach http:\/\/127\.0\.0\.1:9 \(AWS_ENDPOINT_URL\): check that the emulator is running there, /m,
    );
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('provisions idempotently: the second run changes nothing', () => {
    const first = orders(['provision', ...flags, '--visibility-timeout', '2', '--json']);
    expect(first.status).toBe(0);
    const created = jsonOf<{ changes: unknown[]; topicArn: string; queueUrl: string }>(first);
    expect(created.changes.length).toBeGreaterThan(0);
    const second = orders(['provision', ...flags, '--visibility-timeout', '2', '--json']);
    const again = jsonOf<{ changes: unknown[]; topicArn: string; queueUrl: string }>(second);
    expect(again.changes).toEqual([]);
    expect(again.topicArn).toBe(created.topicArn);
    expect(again.queueUrl).toBe(created.queueUrl);
  });

  it('publishes a JSON Lines file, reporting invalid lines by number and publishing the rest', () => {
    const file = join(workDir, 'orders.jsonl');
    writeFileSync(
      file,
      [
        serializeOrder(SEED_DUMMY_ORDER),
        '',
        '{"orderId": "O2", "quantity": "1"}',
        'not json at all',
        serializeOrder({ ...SEED_DUMMY_ORDER, orderId: 'O3' }),
      ].join('\n'),
    );
    const run = orders(['publish', '--file', file, ...flags]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('Published 2 order message(s)');
    expect(run.stdout).toContain('2 invalid line(s) not published');
    expect(run.stderr).toMatch(/^line 3: .*quantity.*\[wrong_type\] \(schema: \/quantity type\)/m);
    expect(run.stderr).toMatch(/^line 4: .*\[not_json\]/m);
  });

  it('publishes samples and poison on purpose, consumes until empty, and shows the DLQ with reasons', () => {
    expect(orders(['publish', '--sample', '40', '--seed', '9', ...flags]).status).toBe(0);
    const poison = join(workDir, 'poison.jsonl');
    writeFileSync(poison, '{"orderId":"BAD-1","quantity":0}\n');
    expect(orders(['publish', '--file', poison, '--unchecked', ...flags]).status).toBe(0);

    // No --visibility-timeout: the consumer reads the queue's own (2 s, provisioned above).
    const consumed = orders([
      'consume',
      '--until-empty',
      '--wait-seconds',
      '1',
      '--retry-delay',
      '0',
      '--quiet',
      '--json',
      ...flags,
    ]);
    expect(consumed.status).toBe(0);
    expect(jsonOf<{ stoppedBy: string; acknowledged: number }>(consumed)).toMatchObject({
      stoppedBy: 'empty',
      acknowledged: 42,
    });

    const status = jsonOf<{
      queue: { visible: number; inFlight: number };
      dlq: { visible: number };
      table: { items: number };
    }>(orders(['status', '--json', ...flags]));
    expect(status).toMatchObject({ queue: { visible: 0, inFlight: 0 }, dlq: { visible: 1 }, table: { items: 42 } });

    // Listing receives (and so counts) the message too: the first look shows the 3 failed deliveries.
    const listing = jsonOf<{ messages: { receiveCount: number; diagnosis: { orderId?: string; valid: boolean } }[] }>(
      orders(['dlq', 'list', '--json', ...flags]),
    );
    expect(listing.messages).toEqual([
      expect.objectContaining({
        receiveCount: 3,
        diagnosis: expect.objectContaining({ orderId: 'BAD-1', valid: false }),
      }),
    ]);
    const listed = orders(['dlq', 'list', ...flags]);
    expect(listed.status).toBe(0);
    expect(listed.stdout).toMatch(/BAD-1\s+.*quantity/);

    const redriven = orders(['dlq', 'redrive', ...flags]);
    expect(redriven.status).toBe(0);
    expect(redriven.stdout).toMatch(/Moved 1 message|message move task/);
  });

  it('stops gracefully on SIGTERM mid-stream, and a second run finishes the rest: nothing lost, nothing applied twice', async () => {
    const stopNames = uniqueResourceNames('cli-stop');
    const flags = [
      '--table',
      stopNames.tableName,
      '--topic',
      stopNames.topicName,
      '--queue',
      stopNames.queueName,
      '--dlq',
      stopNames.dlqName,
    ];
    // A short visibility timeout: anything an emulator leaves in flight comes back within seconds.
    expect(orders(['provision', ...flags, '--visibility-timeout', '5']).status).toBe(0);
    const generator = createOrderGenerator(77);
    writeFileSync(
      join(workDir, 'many.jsonl'),
      Array.from({ length: 300 }, () => serializeOrder(generator.next())).join('\n'),
    );
    expect(orders(['publish', '--file', join(workDir, 'many.jsonl'), ...flags]).status).toBe(0);

    const child = spawn(
      process.execPath,
      [
        ...CLI_FROM_SOURCES,
        'consume',
        '--pollers',
        '1',
        '--concurrency',
        '4',
        '--wait-seconds',
        '1',
        '--visibility-timeout',
        '5',
        '--json',
        ...flags,
      ],
      {
        cwd: REPOSITORY_ROOT,
        env: baseEnv,
      },
    );
    let firstOutput = '';
    let signalled = false;
    child.stdout.on('data', (chunk: Buffer) => {
      firstOutput += chunk.toString();
      if (!signalled && (firstOutput.match(/"outcome":"created"/g) ?? []).length >= 40) {
        signalled = true;
        child.kill('SIGTERM');
      }
    });
    const exitCode = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(signalled).toBe(true);
    expect(exitCode).toBe(0);
    const firstReport = jsonOf<{ stoppedBy: string; received: number; acknowledged: number }>({
      status: 0,
      stdout: firstOutput,
      stderr: '',
    });
    expect(firstReport.stoppedBy).toBe('signal');
    expect(firstReport.acknowledged).toBe(firstReport.received);
    expect(firstReport.received).toBeLessThan(300);

    // One poller: moto's ReceiveMessage is not thread-safe and can hand one message to two
    // concurrent receives, which would show up here as a message applied twice.
    const second = orders([
      'consume',
      '--until-empty',
      '--pollers',
      '1',
      '--wait-seconds',
      '1',
      '--visibility-timeout',
      '5',
      ...flags,
    ]);
    expect(second.stderr).not.toMatch(/^orders: /m);
    expect(second.status).toBe(0);
    const created = (text: string): string[] =>
      text
        .split('\n')
        .filter((l) => l.includes('"outcome":"created"'))
        .map((l) => (JSON.parse(l) as { orderId: string }).orderId);
    const all = [...created(firstOutput), ...created(second.stdout)];
    expect(all).toHaveLength(300);
    expect(new Set(all).size).toBe(300);
    const processedAgain = (firstOutput + second.stdout)
      .split('\n')
      .filter((l) => /"outcome":"(duplicate|stale|updated)"/.test(l));
    expect(processedAgain).toEqual([]);
    expect(jsonOf<{ table: { items: number } }>(orders(['status', '--json', ...flags])).table.items).toBe(300);
  });
});
