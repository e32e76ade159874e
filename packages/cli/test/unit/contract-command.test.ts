import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..', '..');
const orders = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', '--conditions=source', 'packages/cli/src/main.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    // A hang guard only: starting Node with tsx takes seconds on a busy machine.
    timeout: 180_000,
    // No AWS settings: printing the contract must not need any.
    env: { PATH: process.env['PATH'] ?? '' },
  });

describe('orders contract', () => {
  it('prints the committed JSON Schema and nothing else', () => {
    const run = orders('contract');
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(readFileSync(join(root, 'contract/order/v1.json'), 'utf8'));
  }, 180_000);

  it('prints the committed AsyncAPI document with --asyncapi', () => {
    const run = orders('contract', '--asyncapi');
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(readFileSync(join(root, 'contract/asyncapi.yaml'), 'utf8'));
  }, 180_000);
});
