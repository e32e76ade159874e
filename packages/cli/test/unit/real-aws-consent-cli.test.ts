import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

// `orders provision` and `orders publish --unchecked` as a user runs them, with an emulator's
// AWS_ENDPOINT_URL that the SDK is told to ignore: they would reach AWS itself, so they ask for
// --i-know-this-is-real-aws. Each refuses before its first AWS call, so no endpoint is needed.

const root = join(__dirname, '..', '..', '..', '..');
const emptyDirectory = join(root, 'packages', 'cli', 'test', 'unit', 'no-such-directory');

function orders(args: readonly string[], env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', '--conditions=source', 'packages/cli/src/main.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
    env: {
      PATH: process.env['PATH'] ?? '',
      // No shared config of the machine's: only what the case sets.
      HOME: emptyDirectory,
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      ...env,
    },
  });
}

// Each case starts a Node process with tsx: seconds on a busy 2-core machine, beyond jest's 5 s default.
const SPAWN_TIMEOUT_MS = 30_000;

describe('AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true beside an emulator endpoint', () => {
  it.each([
    ['provision', ['provision']],
    ['publish --unchecked', ['publish', '--unchecked', '--sample', '1']],
  ])(
    '%s asks for consent, saying the calls would reach AWS itself',
    (command, args) => {
      const run = orders(args, { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' });
      expect(run.stderr).toBe(
        `orders: ${command} would change resources in AWS itself (AWS_ENDPOINT_URL is ignored: AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true): ` +
          'to use the emulator, remove that setting or pass --endpoint; or pass --i-know-this-is-real-aws.\n',
      );
      expect(run.status).toBe(1);
    },
    SPAWN_TIMEOUT_MS,
  );

  it(
    'TRUE, which the SDK does not read, is refused rather than guessed',
    () => {
      const run = orders(['provision'], { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'TRUE' });
      expect(run.stderr).toMatch(
        /^orders: AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is "TRUE", which the AWS SDK does not read/,
      );
      expect(run.status).toBe(1);
    },
    SPAWN_TIMEOUT_MS,
  );
});
