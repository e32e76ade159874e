import { runToExit } from '../../src';

// The helper the tests use to run a process under test without blocking this one.

const node = (program: string) => [process.execPath, ['-e', program]] as const;
const env = { PATH: process.env['PATH'] ?? '' };

describe('runToExit', () => {
  it('gives the exit code, each stream, and the two together', async () => {
    // Two pipes: which one this process reads first is not fixed, so `output` is compared as a set of lines.
    const [command, args] = node(`
      process.stdout.write('one\\n');
      process.stderr.write('two\\n');
      process.stdout.write('three\\n');
      process.exitCode = 3;
    `);
    const run = await runToExit(command, args, { env, hangGuardMs: 60_000 });
    expect(run).toMatchObject({ code: 3, signal: null, stdout: 'one\nthree\n', stderr: 'two\n' });
    expect(run.output.split('\n').sort()).toEqual(['', 'one', 'three', 'two']);
  });

  it('keeps a character split between two writes whole', async () => {
    const [command, args] = node(`
      const bytes = Buffer.from('é');
      process.stdout.write(bytes.subarray(0, 1), () => setTimeout(() => process.stdout.write(bytes.subarray(1)), 50));
    `);
    await expect(runToExit(command, args, { env, hangGuardMs: 60_000 })).resolves.toMatchObject({
      code: 0,
      stdout: 'é',
    });
  });

  it('passes the environment it is given and nothing else', async () => {
    const [command, args] = node('process.stdout.write(JSON.stringify(Object.keys(process.env).sort()))');
    const run = await runToExit(command, args, { env: { ...env, ORDERS_PROBE: '1' }, hangGuardMs: 60_000 });
    expect(JSON.parse(run.stdout)).toEqual(['ORDERS_PROBE', 'PATH']);
  });

  it('kills a child that never ends once its hang guard runs out', async () => {
    const [command, args] = node("setInterval(() => {}, 1000); process.stdout.write('started');");
    await expect(runToExit(command, args, { env, hangGuardMs: 500 })).resolves.toMatchObject({
      code: null,
      signal: 'SIGKILL',
    });
  });

  it('rejects when the command cannot be started', async () => {
    await expect(runToExit('/nonexistent/orders-probe', [], { env, hangGuardMs: 60_000 })).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });
});
