import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DynamoDbOrderRepository,
  resolveResourceNames,
  SqsMessageQueue,
  describeResources,
} from '@orders/adapters-aws';
import type { Order } from '@orders/core';
import { buildContainer, readEntryConfig, SQS_BATCH_HANDLER, type SqsBatchHandler } from '@orders/lambda-entry';
import { runEventSourceMapping } from '@orders/lambda-local';
import { sampleOrder } from '@orders/testkit';
import { integrationEnvironment, resetEmulator, uniqueResourceNames } from '../../../testkit/src/integration';
import { CLI_FROM_SOURCES, emulatorShell, nameFlags, REPOSITORY_ROOT } from '../support/cli-under-test';

// The example producer in another language (examples/python-producer): after `orders provision`,
// it validates each order against contract/order/v1.json and publishes the valid ones to
// OrderTopic; the real handler, driven by the local event source mapping, stores them.

const environment = integrationEnvironment();
const names = uniqueResourceNames('python');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The user's shell: the emulator's settings, plus what python3 (pyenv's shims) needs to start. */
const shell = (): Record<string, string> => ({
  ...emulatorShell(environment.endpoint, environment.region),
  HOME: process.env['HOME'] ?? '',
  ...(process.env['PYENV_ROOT'] === undefined ? {} : { PYENV_ROOT: process.env['PYENV_ROOT'] }),
});

const run = (command: string, args: readonly string[]) => {
  const result = spawnSync(command, args, {
    cwd: REPOSITORY_ROOT,
    encoding: 'utf8',
    // A hang guard only (a Node or Python start is seconds on a busy machine).
    timeout: 120_000,
    env: shell(),
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, error: result.error };
};

function realHandler(tableName: string): SqsBatchHandler {
  const config = readEntryConfig({
    ORDERS_TABLE_NAME: tableName,
    AWS_REGION: environment.region,
    AWS_ENDPOINT_URL: environment.endpoint,
    LOG_LEVEL: 'error',
  });
  return buildContainer(config, { metrics: { recordBatch: () => undefined } }).resolve<SqsBatchHandler>(
    SQS_BATCH_HANDLER,
  );
}

describe('the Python example producer', () => {
  beforeAll(async () => {
    await resetEmulator();
    const provisioned = run(process.execPath, [...CLI_FROM_SOURCES, 'provision', ...nameFlags(names)]);
    expect(provisioned.stderr).not.toMatch(/^orders: /m);
    expect(provisioned.status).toBe(0);
  }, 180_000);

  it('publishes the orders the contract accepts, refuses the others, and the handler stores them', async () => {
    const valid: Order[] = [
      sampleOrder({ orderId: 'PY-1' }),
      sampleOrder({
        orderId: 'PY-2',
        status: 'paid',
        quantity: 3,
        itemName: 'Füller ✒️',
        timestamp: '2025-05-03T14:00:00.123456789+02:00',
      }),
    ];
    const refused = [
      { ...sampleOrder({ orderId: 'PY-BAD-1' }), quantity: 0 },
      { ...sampleOrder({ orderId: 'PY-BAD-2' }), timestamp: '2025-02-30T12:00:00Z' },
    ];
    const file = join(process.env['TMPDIR'] ?? '/tmp', `orders-${names.topicName}.jsonl`);
    writeFileSync(file, [valid[0], refused[0], valid[1], refused[1]].map((o) => JSON.stringify(o)).join('\n'));

    const produced = run('python3', ['examples/python-producer/produce_orders.py', '--topic', names.topicName, file]);
    expect(produced.error).toBeUndefined();
    expect(produced.stderr).toBe(
      'line 2: refused by the contract: /quantity [minimum]\nline 4: refused by the contract: /timestamp [format]\n',
    );
    expect(produced.status).toBe(1);
    expect(JSON.parse(produced.stdout.trim())).toEqual({ published: 2, refused: 2, failed: 0 });

    const resources = await describeResources({ names: resolveResourceNames(names) });
    const queue = new SqsMessageQueue({ queueUrl: resources.queueUrl });
    const report = await runEventSourceMapping({
      queue,
      queueArn: resources.queueArn,
      handler: realHandler(names.tableName),
      waitTimeSeconds: 1,
      maxInvocations: 50,
      onIdle: async () => {
        const depth = await queue.depth();
        if (depth.visible + depth.inFlight === 0) return false;
        await sleep(250);
        return true;
      },
    });
    expect(report.failedInvocations).toBe(0);
    const repository = new DynamoDbOrderRepository({ tableName: names.tableName });
    for (const order of valid) await expect(repository.findById(order.orderId)).resolves.toEqual(order);
    for (const order of refused) await expect(repository.findById(order.orderId)).resolves.toBeUndefined();
  }, 180_000);
});
