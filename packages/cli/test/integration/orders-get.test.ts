import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DynamoDbOrderRepository, provisionResources } from '@orders/adapters-aws';
import { parseRfc3339Instant, type Order } from '@orders/core';
import { sampleOrder } from '@orders/testkit';
import { integrationEnvironment, resetEmulator, uniqueResourceNames } from '../../../testkit/src/integration';
import { REPOSITORY_ROOT, emulatorShell } from '../support/cli-under-test';

// `orders get` and `orders list` run as a user runs them: the built `./orders`, a child process.

const environment = integrationEnvironment();
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const names = uniqueResourceNames('get');

function orders(...args: string[]) {
  const result = spawnSync(join(REPOSITORY_ROOT, 'orders'), [...args, '--table', names.tableName], {
    cwd: REPOSITORY_ROOT,
    encoding: 'utf8',
    timeout: 30_000,
    env: emulatorShell(environment.endpoint, environment.region),
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const timed = (order: Order) => {
  const parsed = parseRfc3339Instant(order.timestamp);
  if (!parsed.ok) throw new Error(parsed.problem.reason);
  return { order, instant: parsed.instant };
};

describe('orders get / orders list', () => {
  const repository = (): DynamoDbOrderRepository => new DynamoDbOrderRepository({ tableName: names.tableName });

  beforeAll(async () => {
    await resetEmulator();
    await provisionResources({ names });
    await repository().save(timed(sampleOrder({ orderId: 'G-1', timestamp: '2025-05-03T14:00:00.5+02:00' })), {
      traceId: TRACE_ID,
    });
    await repository().save(timed(sampleOrder({ orderId: 'G-2', status: 'paid' })));
  });

  it('shows a stored order with the instant the rule compares, when it was stored, and the trace that wrote it', () => {
    const run = orders('get', 'G-1', '--json');
    expect(run.status).toBe(0);
    const record = JSON.parse(run.stdout.trim()) as Record<string, unknown>;
    expect(record).toMatchObject({
      orderId: 'G-1',
      status: 'new',
      timestamp: '2025-05-03T14:00:00.5+02:00',
      instant: '1746273600.5',
      storedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      traceId: TRACE_ID,
    });
    const table = orders('get', 'G-1');
    expect(table.stdout).toContain('2025-05-03T12:00:00.5Z');
    expect(table.stdout).toContain(TRACE_ID);
  });

  it('says which ids are not stored, and exits 1', () => {
    const run = orders('get', 'G-2', 'G-MISSING');
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('G-2');
    // First where it talks (every AWS command says so), then what is missing.
    expect(run.stderr).toBe(
      `orders get: talking to ${environment.endpoint} (${environment.region})\norders: no order "G-MISSING" is stored\n`,
    );
  });

  it('lists the most recently stored orders first', async () => {
    await repository().save(timed(sampleOrder({ orderId: 'G-3' })));
    const run = orders('list', '--limit', '2', '--json');
    expect(run.status).toBe(0);
    const ids = run.stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { orderId: string }).orderId);
    expect(ids).toEqual(['G-3', 'G-2']);
  });
});
