import { spawn, spawnSync } from 'node:child_process';
import { createServer, request, type Server } from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

// `pnpm fault-proxy`: what the README's walkthrough runs in a second terminal.

const root = join(__dirname, '..', '..', '..', '..');
const cli = ['--import', 'tsx', '--conditions=source', 'packages/simulation/src/fault-proxy/fault-proxy-cli.ts'];

describe('pnpm fault-proxy', () => {
  it('refuses what it cannot do, in one sentence, with the usage', () => {
    const run = spawnSync(process.execPath, [...cli, '--target', 'http://127.0.0.1:9', '--kinds', 'explode'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^fault-proxy: unknown fault kind "explode"\n/);
    expect(run.stderr).toContain('--target <url>');
  }, 30_000);

  it('forwards, faults, and prints its counts as one JSON line on Ctrl-C', async () => {
    const upstream: Server = createServer((_req, res) => res.end('{}'));
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const target = `http://127.0.0.1:${(upstream.address() as { port: number }).port}`;
    const child = spawn(process.execPath, [...cli, '--', '--target', target, '--rate', '1', '--kinds', 'throttle'], {
      cwd: root,
    });
    try {
      const url = await new Promise<string>((resolve) =>
        createInterface({ input: child.stderr }).on('line', (line) => {
          const match = /^fault-proxy: (http:\/\/\S+) → /.exec(line);
          if (match?.[1]) resolve(match[1]);
        }),
      );
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(
          `${url}/`,
          { method: 'POST', headers: { 'x-amz-target': 'DynamoDB_20120810.PutItem' } },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end('{}');
      });
      expect(status).toBe(400);
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(JSON.parse(stdout.trim())).toMatchObject({ requests: 1, totalFaults: 1, faults: { throttle: 1 } });
    } finally {
      child.kill('SIGKILL');
      await new Promise((resolve) => upstream.close(resolve));
    }
  }, 30_000);
});
