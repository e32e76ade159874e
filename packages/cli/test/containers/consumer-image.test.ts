import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createDynamoDbClient,
  fromOrderItem,
  type OrderItem,
  provisionResources,
  SqsMessageQueue,
} from '@orders/adapters-aws';
import { scanOrderItems } from '../../../adapters-aws/src/order-table-scan';
import { type Order, serializeOrder } from '@orders/core';
import { integrationEnvironment, uniqueResourceNames } from '../../../testkit/src/integration';
import { CLI_FROM_SOURCES, emulatorShell, nameFlags, REPOSITORY_ROOT } from '../support/cli-under-test';
import { CONSUMER_IMAGE, docker, dockerOk } from './docker-cli';
import { filesAddedOnTop } from './image-files';

// The consumer image, run as a container service runs it: against the emulator the integration
// project selected, on the host's loopback (`--network host`). `docker stop` in the middle of a
// drain must end it gracefully (its own SIGTERM handler: node is PID 1), within Docker's grace
// period, leaving nothing in flight; a second container drains the rest; every order is then in the
// table exactly as published, and nothing reached the DLQ.

/** Enough for the stop to land mid-drain with hundreds still queued, small enough for moto's pace. */
const ORDER_COUNT = 1000;
/** The stop comes once this many are deleted. */
const STOP_AFTER = 200;
/** Docker's default grace period, spelled out: an exit after it would be SIGKILL's 137. */
const GRACE_SECONDS = 10;

const environment = integrationEnvironment();
const names = uniqueResourceNames('image');
const runId = names.queueName.toLowerCase().replace(/[^a-z0-9-]/g, '-');
const started: string[] = [];
let workDir: string;

/**
 * The consumer container's environment: the emulator, test credentials, and a receive abort grace
 * long enough for moto, whose receive walks the whole queue (1–2 s at this depth): a receive the
 * stop cut before its answer would leave moto's 10 messages in flight (sqs-message-queue.ts).
 */
function consumerEnvironment(): string[] {
  const env = {
    AWS_ENDPOINT_URL: environment.endpoint,
    AWS_REGION: environment.region,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    ORDERS_SQS_RECEIVE_ABORT_GRACE_MS: '5000',
  };
  return Object.entries(env).flatMap(([key, value]) => ['--env', `${key}=${value}`]);
}

/** `docker run` arguments of a consumer container named `name` (removed in afterAll). */
function consumerRun(name: string, detached: boolean, consumeArgs: readonly string[]): string[] {
  started.push(name);
  return [
    'run',
    ...(detached ? ['--detach'] : []),
    '--name',
    name,
    '--network',
    'host',
    ...consumerEnvironment(),
    CONSUMER_IMAGE,
    ...consumeArgs,
    ...nameFlags(names),
  ];
}

/** The consumer's final report: `--json` prints it as the last line of stdout, after the log lines. */
interface Report {
  readonly received: number;
  readonly acknowledged: number;
  readonly failed: number;
  readonly deleteFailures: number;
  readonly receiveErrors: number;
  readonly deletedLate: number;
  readonly handedBack: number;
  readonly left: number;
  readonly stoppedBy: string;
  readonly stopTimedOut: boolean;
}
const reportOf = (stdout: string): Report => JSON.parse(stdout.trim().split('\n').pop() ?? 'null') as Report;

const queueDepth = async (queueUrl: string) => new SqsMessageQueue({ queueUrl }).depth();

/** Waits until `condition` holds, polling every 200 ms; fails after `timeoutMs` saying what it waited for. */
async function waitFor(what: string, condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Gave up after ${timeoutMs} ms waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Distinct orders, each valid, with a timestamp of its own. */
function ordersToPublish(): Order[] {
  return Array.from({ length: ORDER_COUNT }, (_, i) => ({
    orderId: `IMG-${String(i).padStart(5, '0')}`,
    userId: `U${i % 37}`,
    itemName: `item ${i % 11}`,
    quantity: 1 + (i % 9),
    status: 'new',
    timestamp: new Date(Date.UTC(2026, 0, 1, 12, 0, 0) + i * 1000).toISOString(),
  }));
}

async function tableContents(tableName: string): Promise<Map<string, Order>> {
  const stored = new Map<string, Order>();
  const client = createDynamoDbClient({});
  try {
    await scanOrderItems(client, tableName, {}, (page) => {
      for (const item of page.Items ?? []) {
        const order = fromOrderItem(item as OrderItem);
        stored.set(order.orderId, order);
      }
    });
  } finally {
    client.destroy();
  }
  return stored;
}

beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), 'orders-image-'));
});

afterAll(async () => {
  for (const name of started) await docker(['rm', '--force', name], 30_000);
  rmSync(workDir, { recursive: true, force: true });
});

describe('the consumer image', () => {
  it('runs `orders consume` as a numeric non-root user, stops on SIGTERM within Docker’s grace period by default', async () => {
    const [config] = JSON.parse(await dockerOk(['image', 'inspect', CONSUMER_IMAGE])) as [
      { Config: { User: string; StopSignal: string; Entrypoint: string[] } },
    ];
    expect(config.Config.User).toBe('10001:10001');
    expect(config.Config.StopSignal).toBe('SIGTERM');
    expect(config.Config.Entrypoint).toEqual(['node', '/opt/orders/orders.cjs', 'consume', '--stop-timeout', '6']);

    const help = await docker(['run', '--rm', CONSUMER_IMAGE, '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: orders consume [options]');

    // Who the process is, and that it cannot rewrite its own code.
    const probe = [
      'const fs = require("node:fs");',
      'let writable = true; try { fs.accessSync("/opt/orders/orders.cjs", fs.constants.W_OK); } catch { writable = false; }',
      'process.stdout.write(JSON.stringify({ uid: process.getuid(), gid: process.getgid(), writable }));',
    ].join(' ');
    const identity = await dockerOk(['run', '--rm', '--entrypoint', 'node', CONSUMER_IMAGE, '-e', probe]);
    expect(JSON.parse(identity)).toEqual({ uid: 10001, gid: 10001, writable: false });
  }, 120_000);

  it('holds the bundle and nothing else on top of its base image: no node_modules, no sources', async () => {
    const added = await filesAddedOnTop(CONSUMER_IMAGE);
    expect(added).toEqual(['opt/orders/', 'opt/orders/orders.cjs']);
  }, 300_000);
});

describe('the consumer container on a queue of orders', () => {
  const published = ordersToPublish();
  let queueUrl: string;
  let dlqUrl: string;
  let firstRun: Report;

  beforeAll(async () => {
    const resources = await provisionResources({ names });
    queueUrl = resources.queueUrl;
    dlqUrl = resources.dlqUrl;
    const file = join(workDir, 'orders.jsonl');
    writeFileSync(file, `${published.map((order) => serializeOrder(order)).join('\n')}\n`);
    const publishing = spawnSync(
      process.execPath,
      [...CLI_FROM_SOURCES, 'publish', '--file', file, ...nameFlags(names)],
      {
        cwd: REPOSITORY_ROOT,
        env: emulatorShell(environment.endpoint, environment.region),
        encoding: 'utf8',
        timeout: 180_000,
      },
    );
    if (publishing.status !== 0) throw new Error(`orders publish failed: ${publishing.stderr}`);
    await waitFor(
      `all ${ORDER_COUNT} orders in ${names.queueName}`,
      async () => (await queueDepth(queueUrl)).visible === ORDER_COUNT,
      60_000,
    );
  }, 300_000);

  it('docker stop in the middle of a drain: exit 0 within the grace period, nothing left in flight', async () => {
    const name = `orders-consumer-${runId}-1`;
    await dockerOk(consumerRun(name, true, ['--json']));
    await waitFor(
      `${STOP_AFTER} orders consumed by ${name}`,
      async () => {
        const depth = await queueDepth(queueUrl);
        return depth.visible + depth.inFlight <= ORDER_COUNT - STOP_AFTER;
      },
      240_000,
    );

    const stop = await docker(['stop', '--time', String(GRACE_SECONDS), name], (GRACE_SECONDS + 30) * 1000);
    expect(stop.code).toBe(0);
    const state = JSON.parse(await dockerOk(['inspect', '--format', '{{json .State}}', name])) as {
      ExitCode: number;
      OOMKilled: boolean;
    };
    // 137 would be SIGKILL at the end of the grace period: the graceful stop did not finish in time.
    expect(state).toMatchObject({ ExitCode: 0, OOMKilled: false });

    const logs = await docker(['logs', name]);
    expect(logs.stderr).toMatch(/orders consume: SIGTERM received/);
    firstRun = reportOf(logs.stdout);
    expect(firstRun).toMatchObject({
      stoppedBy: 'signal',
      stopTimedOut: false,
      left: 0,
      handedBack: 0,
      failed: 0,
      deleteFailures: 0,
      receiveErrors: 0,
      deletedLate: 0,
    });
    expect(firstRun.acknowledged).toBe(firstRun.received);
    // It really stopped mid-drain: orders were still queued.
    expect(firstRun.acknowledged).toBeLessThan(ORDER_COUNT);

    // Nothing in flight (a cut receive would have left its messages hidden for a visibility
    // timeout); the rest still queued (at least: a message delivered twice counts twice above).
    const depth = await queueDepth(queueUrl);
    expect({ inFlight: depth.inFlight, delayed: depth.delayed }).toEqual({ inFlight: 0, delayed: 0 });
    expect(depth.visible).toBeGreaterThanOrEqual(ORDER_COUNT - firstRun.acknowledged);
  }, 300_000);

  it('a second container drains the rest: every order stored exactly as published, nothing in the DLQ', async () => {
    expect(firstRun).toBeDefined();
    const name = `orders-consumer-${runId}-2`;
    const drained = await docker(consumerRun(name, false, ['--until-empty', '--json']), 600_000);
    expect(drained.code).toBe(0);
    const secondRun = reportOf(drained.stdout);
    expect(secondRun).toMatchObject({ stoppedBy: 'empty', failed: 0, deleteFailures: 0, deletedLate: 0 });
    expect(secondRun.acknowledged).toBe(secondRun.received);
    // Every order received, some perhaps twice: a standard queue delivers at least once (moto's
    // concurrent receives, unlocked, now and then hand one message to both pollers), and a second
    // delivery is stored as a duplicate, changing nothing.
    expect(firstRun.received + secondRun.received).toBeGreaterThanOrEqual(ORDER_COUNT);

    expect(await queueDepth(queueUrl)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
    expect(await queueDepth(dlqUrl)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
    const stored = await tableContents(names.tableName);
    expect(stored.size).toBe(ORDER_COUNT);
    for (const order of published) expect(stored.get(order.orderId)).toEqual(order);
  }, 660_000);
});
