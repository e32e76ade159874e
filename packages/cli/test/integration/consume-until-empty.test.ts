import { spawnSync } from 'node:child_process';
import { provisionResources, SqsMessageQueue } from '@orders/adapters-aws';
import { integrationEnvironment, resetEmulator, uniqueResourceNames } from '../../../testkit/src/integration';
import { CLI_FROM_SOURCES, REPOSITORY_ROOT, emulatorShell, nameFlags } from '../support/cli-under-test';

// The walkthrough's last state for `orders consume --until-empty --retry-delay 0`: only a poison
// message left. Its last failed receive makes it visible at once; the next receive is the one that
// moves it to the DLQ, and that receive answers nothing. The consumer must see the queue drained
// then — with the default 20 s long poll asked for — and not before the message has moved.

const environment = integrationEnvironment();
const names = uniqueResourceNames('drain');

function orders(args: readonly string[]) {
  return spawnSync(process.execPath, [...CLI_FROM_SOURCES, ...args, ...nameFlags(names)], {
    cwd: REPOSITORY_ROOT,
    env: emulatorShell(environment.endpoint, environment.region),
    encoding: 'utf8',
    timeout: 90_000,
  });
}

const lastJson = <T>(stdout: string): T => JSON.parse(stdout.trim().split('\n').pop() ?? 'null') as T;

describe('orders consume --until-empty on a queue holding only poison', () => {
  beforeAll(async () => {
    await resetEmulator();
  });

  it('stops once the poison has moved to the DLQ, and leaves the queue empty', async () => {
    const resources = await provisionResources({ names, visibilityTimeoutSeconds: 5 });
    await new SqsMessageQueue({ queueUrl: resources.queueUrl }).sendRaw('{"orderId":"BAD-1","quantity":"1"}');
    const consumed = orders(['consume', '--until-empty', '--retry-delay', '0', '--quiet', '--json']);
    expect(consumed.status).toBe(0);
    expect(lastJson(consumed.stdout)).toMatchObject({
      stoppedBy: 'empty',
      received: 3,
      failed: 3,
      acknowledged: 0,
      receiveErrors: 0,
    });
    const status = orders(['status', '--json']);
    expect(lastJson(status.stdout)).toMatchObject({ queue: { visible: 0, inFlight: 0 }, dlq: { visible: 1 } });
  }, 120_000);
});
