import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { reportSoak } from '../../src/commands/soak-command';
import { keysNotInSnakeCase } from './soak-key-style';

const root = join(__dirname, '..', '..', '..', '..');
const cliWith = (env: NodeJS.ProcessEnv, ...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', '--conditions=source', 'packages/cli/src/main.ts', 'soak', ...args], {
    cwd: root,
    encoding: 'utf8',
    // A hang guard: 2-3 s idle, over 30 s measured on a busy machine.
    timeout: 180_000,
    env,
  });
const cli = (...args: string[]) => cliWith(process.env, ...args);

const lastLine = (text: string): string => text.trimEnd().split('\n').at(-1) ?? '';

// Each case starts a Node process with tsx: seconds on a busy 2-core machine, beyond jest's 5 s default.
// (The cases are synchronous, so this only documents the bound: the child's own timeout enforces it.)
const SPAWN_TIMEOUT_MS = 180_000;

describe('pnpm soak (the command line)', () => {
  it(
    'prints the JSON summary as the last line of stdout and exits 0 when every invariant holds',
    () => {
      // The leading "--" is what `pnpm soak -- --messages 500 …` hands to the script.
      const run = cli(
        '--',
        '--messages',
        '500',
        '--fault-rate',
        '0.3',
        '--poison-rate',
        '0.05',
        '--seed',
        '4',
        '--max-receive-count',
        '2',
        '--no-progress',
      );
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const summary = JSON.parse(lastLine(run.stdout)) as Record<string, unknown>;
      for (const key of [
        'published',
        'valid',
        'poison',
        'stored_orders',
        'dlq_after_drain',
        'dlq_after_redrive',
        'lost',
        'stale_overwrites',
        'max_receive_count_seen',
        'elapsed_ms',
      ]) {
        expect(summary).toHaveProperty(key);
      }
      expect(summary).toMatchObject({
        published: 500,
        lost: 0,
        stale_overwrites: 0,
        max_receive_count_seen: 2,
        ok: true,
        seed: 4,
      });
      expect(summary['dlq_after_redrive']).toBe(summary['poison']);
    },
    SPAWN_TIMEOUT_MS,
  );

  it(
    '--check-convergence runs the same events in a second delivery order and compares the final tables',
    () => {
      const run = cli('--messages', '800', '--tie-rate', '0.3', '--seed', '6', '--check-convergence', '--no-progress');
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const summary = JSON.parse(lastLine(run.stdout)) as Record<string, unknown>;
      const check = summary['convergence_check'] as {
        same: boolean;
        table_digests: string[];
        delivery_seeds: unknown[];
      };
      expect(check.same).toBe(true);
      expect(check.table_digests).toEqual([summary['table_digest'], summary['table_digest']]);
      expect(check.delivery_seeds).toEqual([null, expect.any(Number)]);
      expect((summary['outcomes'] as Record<string, number>)['conflict']).toBeGreaterThan(0);
      expect(keysNotInSnakeCase(summary)).toEqual([]);
    },
    SPAWN_TIMEOUT_MS,
  );

  it(
    '--check-determinism runs the soak twice and prints both digests; every key of the summary is snake_case',
    () => {
      const run = cli(
        '--messages',
        '400',
        '--seed',
        '2',
        '--crash-rate',
        '0.1',
        '--check-determinism',
        '--no-progress',
      );
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const summary = JSON.parse(lastLine(run.stdout)) as Record<string, unknown>;
      expect(summary['determinism_check']).toEqual({
        runs: 2,
        same: true,
        digests: [summary['digest'], summary['digest']],
      });
      expect(summary['options']).toMatchObject({ messages: 400, seed: 2, crash_rate: 0.1, max_receive_count: 3 });
      expect(keysNotInSnakeCase(summary)).toEqual([]);
    },
    SPAWN_TIMEOUT_MS,
  );

  it(
    'rejects an out-of-range option with a message and a non-zero exit',
    () => {
      const run = cli('--messages', '100', '--fault-rate', '2');
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain('--fault-rate must be a number from 0 to 1');
      expect(run.stdout).toBe('');
    },
    SPAWN_TIMEOUT_MS,
  );

  it(
    'refuses --target aws without an emulator endpoint (it would create billed resources on AWS itself) before calling anything',
    () => {
      const { AWS_ENDPOINT_URL: _ignored, ...withoutEndpoint } = process.env;
      const run = cliWith({ ...withoutEndpoint, AWS_REGION: 'us-east-1' }, '--', '--target', 'aws', '--messages', '10');
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain('AWS_ENDPOINT_URL is not set');
      expect(run.stderr).toContain('--i-know-this-is-real-aws');
      expect(run.stdout).toBe('');
    },
    SPAWN_TIMEOUT_MS,
  );

  it(
    'refuses --check-determinism with --target aws: only the in-memory target is deterministic',
    () => {
      const run = cliWith(
        { ...process.env, AWS_ENDPOINT_URL: 'http://127.0.0.1:9' },
        '--target',
        'aws',
        '--check-determinism',
        '--messages',
        '10',
      );
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain('--check-determinism needs --target memory');
    },
    SPAWN_TIMEOUT_MS,
  );
});

describe('pnpm soak --network-fault-rate', () => {
  it(
    'is refused on the in-memory target, which has no network, and out of range',
    () => {
      const memory = cli('--network-fault-rate', '0.1', '--messages', '10');
      expect(memory.status).not.toBe(0);
      expect(memory.stderr).toContain('--network-fault-rate needs --target aws');
      const range = cliWith(
        { ...process.env, AWS_ENDPOINT_URL: 'http://127.0.0.1:9' },
        '--target',
        'aws',
        '--network-fault-rate',
        '2',
      );
      expect(range.status).not.toBe(0);
      expect(range.stderr).toContain('--network-fault-rate must be a number from 0 to 1');
    },
    SPAWN_TIMEOUT_MS,
  );
});

describe('reportSoak', () => {
  const capture = () => {
    const out = { stdout: '', stderr: '' };
    return {
      out,
      io: { stdout: { write: (t: string) => (out.stdout += t) }, stderr: { write: (t: string) => (out.stderr += t) } },
    };
  };

  it('names each broken invariant on stderr, still ends stdout with the JSON, and returns exit code 1', () => {
    const { out, io } = capture();
    const summary = {
      ok: false,
      lost: 2,
      violations: ['lost = 2, expected 0: …', 'stale_overwrites = 1, expected 0: …'],
    };
    expect(reportSoak(summary, io)).toBe(1);
    expect(out.stderr).toBe(
      'soak: invariant broken: lost = 2, expected 0: …\nsoak: invariant broken: stale_overwrites = 1, expected 0: …\n',
    );
    expect(JSON.parse(lastLine(out.stdout))).toEqual(summary);
  });

  it('returns 0 and writes nothing to stderr when every invariant held', () => {
    const { out, io } = capture();
    expect(reportSoak({ ok: true, violations: [] }, io)).toBe(0);
    expect(out.stderr).toBe('');
  });
});
