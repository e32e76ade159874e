import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { runDemo } from '../../src/demo/run-demo';
import { POISON_BODIES } from '../../src/demo/demo-workload';

describe('the local demo (pnpm start)', () => {
  it('stores every valid order at its newest event and dead-letters only the poison messages, each after 3 receives', async () => {
    const result = await runDemo({ orders: 30, seed: 11, maxReceiveCount: 3 });
    expect(result.violations).toEqual([]);
    expect(result.orders).toHaveLength(31);
    expect(result.orders.find((o) => o.orderId === 'O1234')).toMatchObject({ userId: 'U123', itemName: 'Laptop' });
    expect(result.deadLetters).toHaveLength(POISON_BODIES.length);
    expect(result.deadLetters.every((d) => d.receiveCount === 3 && d.reason.length > 0)).toBe(true);
    expect(result.outcomeCounts.invalid).toBe(POISON_BODIES.length * 3);
    expect(result.outcomeCounts.duplicate).toBeGreaterThanOrEqual(1);
    expect(result.outcomeCounts.failed).toBe(0);
  });

  it('is deterministic for a seed', async () => {
    const a = await runDemo({ orders: 20, seed: 5, maxReceiveCount: 2 });
    const b = await runDemo({ orders: 20, seed: 5, maxReceiveCount: 2 });
    expect(b.orders).toEqual(a.orders);
    expect(b.deadLetters).toEqual(a.deadLetters);
    expect(b.outcomeCounts).toEqual(a.outcomeCounts);
    expect(a.deadLetters.every((d) => d.receiveCount === 2)).toBe(true);
  });

  it('runs from the command line, prints the orders table, the DLQ with reasons and the counts, and exits 0', () => {
    const root = join(__dirname, '..', '..', '..', '..');
    const output = execFileSync(
      process.execPath,
      ['--import', 'tsx', '--conditions=source', 'packages/cli/src/main.ts', 'demo'],
      {
        cwd: root,
        encoding: 'utf8',
        // A synchronous test cannot be cut by jest's timeout: the child's own bound keeps a hang
        // from blocking the run (2-3 s idle, 8 s measured on a busy machine; this is a hang guard).
        timeout: 120_000,
      },
    );
    expect(output).toContain('Orders table (13 orders)');
    expect(output).toMatch(/O1234\s+new\s+1\s+2025-05-03T12:00:00Z/);
    expect(output).toContain('OrderDLQ (6 messages)');
    expect(output).toContain('[missing_zone]');
    expect(output).toMatch(
      /Outcomes over all deliveries: created \d+ · updated \d+ · duplicate \d+ · conflict [1-9]\d* · stale \d+ · invalid 18 · failed 0/,
    );
    expect(output).toContain('All checks passed');
  });
});
