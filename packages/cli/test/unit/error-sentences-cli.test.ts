import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_FROM_SOURCES, REPOSITORY_ROOT } from '../support/cli-under-test';

// `orders` as a user runs it, a child process, in the cases where its error used to point the wrong
// way: each failure names what the user set and what to do, in one sentence, and exits 1. None
// needs an emulator: the endpoints here are loopback ports nothing listens on, AWS's host names do
// not resolve (no-aws-network.cjs), and lambda serve stops before any AWS call.

const NO_AWS_NETWORK = join(__dirname, '..', 'support', 'no-aws-network.cjs');
// No shared AWS config of the machine's: only what each case sets.
const EMPTY_HOME = mkdtempSync(join(tmpdir(), 'orders-home-'));

function orders(args: readonly string[], env: Record<string, string>) {
  const result = spawnSync(process.execPath, ['--require', NO_AWS_NETWORK, ...CLI_FROM_SOURCES, ...args], {
    cwd: REPOSITORY_ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: EMPTY_HOME,
      // Never ask an instance's metadata service for credentials.
      AWS_EC2_METADATA_DISABLED: 'true',
      ...env,
    },
  });
  return { status: result.status, stderr: result.stderr };
}

const EMULATOR_SHELL = { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };

/** A loopback port nothing listens on (it was free a moment ago, and nothing here takes it). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

// Each case starts a Node process with tsx: seconds on a busy 2-core machine.
const SPAWN_TIMEOUT_MS = 60_000;

describe('orders names the setting that sent its calls nowhere', () => {
  it(
    '--endpoint, not AWS_ENDPOINT_URL',
    async () => {
      const url = `http://127.0.0.1:${await closedPort()}`;
      const run = orders(['status', '--endpoint', url], EMULATOR_SHELL);
      expect(run.stderr).toBe(
        `orders status: talking to ${url} (us-east-1)\n` +
          `orders: Could not reach ${url} (--endpoint): check that the emulator is running there, or pass --endpoint with the URL it listens on.\n`,
      );
      expect(run.status).toBe(1);
    },
    SPAWN_TIMEOUT_MS,
  );

  it(
    'AWS_ENDPOINT_URL',
    async () => {
      const url = `http://127.0.0.1:${await closedPort()}`;
      const run = orders(['status'], { ...EMULATOR_SHELL, AWS_ENDPOINT_URL: url });
      expect(run.stderr).toBe(
        `orders status: talking to ${url} (us-east-1)\n` +
          `orders: Could not reach ${url} (AWS_ENDPOINT_URL): check that the emulator is running there, or set AWS_ENDPOINT_URL (or pass --endpoint) to the URL it listens on.\n`,
      );
      expect(run.status).toBe(1);
    },
    SPAWN_TIMEOUT_MS,
  );

  it(
    'a per-service variable that wins over AWS_ENDPOINT_URL',
    async () => {
      const general = `http://127.0.0.1:${await closedPort()}`;
      const dynamodb = `http://127.0.0.1:${await closedPort()}`;
      // `get` calls DynamoDB alone.
      const run = orders(['get', 'O-1'], {
        ...EMULATOR_SHELL,
        AWS_ENDPOINT_URL: general,
        AWS_ENDPOINT_URL_DYNAMODB: dynamodb,
      });
      expect(run.stderr).toBe(
        `orders get: talking to ${general}, DynamoDB at ${dynamodb} (us-east-1)\n` +
          `orders: Could not reach ${dynamodb} (AWS_ENDPOINT_URL_DYNAMODB): check that the emulator is running there, or set AWS_ENDPOINT_URL_DYNAMODB to the URL it listens on.\n`,
      );
      expect(run.status).toBe(1);
    },
    SPAWN_TIMEOUT_MS,
  );
});

describe('with no endpoint set, orders says it talks to AWS itself and how to use an emulator', () => {
  it(
    'AWS unreachable (not "could not reach sts.us-east-1.amazonaws.com; check AWS_ENDPOINT_URL")',
    () => {
      const run = orders(['status'], EMULATOR_SHELL);
      expect(run.stderr).toBe(
        'orders: Could not reach AWS at sts.us-east-1.amazonaws.com: orders status talks to AWS itself, as no --endpoint or AWS_ENDPOINT_URL is set; ' +
          "to use an emulator, pass --endpoint (e.g. http://127.0.0.1:5000) or set AWS_ENDPOINT_URL; to use AWS, check this machine's network access.\n",
      );
      expect(run.status).toBe(1);
    },
    SPAWN_TIMEOUT_MS,
  );

  it(
    'nothing set at all',
    () => {
      const run = orders(['list'], {});
      expect(run.stderr).toBe(
        'orders: No AWS region is configured, and orders list talks to AWS itself, as no --endpoint or AWS_ENDPOINT_URL is set; ' +
          'to use an emulator, pass --endpoint (e.g. http://127.0.0.1:5000) or set AWS_ENDPOINT_URL, and any region, such as --region us-east-1; ' +
          'to use AWS, set AWS_REGION or pass --region.\n',
      );
      expect(run.status).toBe(1);
    },
    SPAWN_TIMEOUT_MS,
  );
});

describe('orders lambda serve without a cloud assembly', () => {
  it(
    'says what was not found, where, and that pnpm synth writes it, before any AWS call',
    () => {
      const missing = join(EMPTY_HOME, 'no-such-cdk-out');
      // Nothing set: were AWS asked first, this would be an error about AWS instead.
      const run = orders(['lambda', 'serve', '--cdk-out', missing], {});
      expect(run.stderr).toBe(
        `orders: There is no cloud assembly at ${missing} (--cdk-out): pnpm synth writes one to infra/cdk.out, which lambda serve reads without --cdk-out.\n`,
      );
      expect(run.status).toBe(1);
    },
    SPAWN_TIMEOUT_MS,
  );
});
