import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DlqTools,
  DynamoDbOrderRepository,
  provisionResources,
  SqsMessageQueue,
  type ProvisionResult,
} from '@orders/adapters-aws';
import { serializeOrder, type Order } from '@orders/core';
import { createOrderGenerator, nextEvent, startFaultProxy, type FaultProxy, type FaultRule } from '@orders/simulation';
import { integrationEnvironment, resetEmulator, uniqueResourceNames } from '../../../testkit/src/integration';
import { CLI_FROM_SOURCES, REPOSITORY_ROOT, emulatorShell, nameFlags } from '../support/cli-under-test';

// `orders publish`, `orders consume` and `orders dlq redrive` as an operator runs them, with a
// fault-injecting proxy between them and the emulator: connections reset before and after the
// write, answers lost, 5xx and throttling, answers too late, requests that hang. What must hold:
// nothing lost, nothing acknowledged that was not stored, every valid order at its newest event,
// poison (and only poison) in the DLQ, and every command back within a bound.

const environment = integrationEnvironment();
const REQUEST_TIMEOUT_MS = 700;
const workDir = mkdtempSync(join(tmpdir(), 'orders-wire-'));

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs `orders …` against the proxy; resolves when it exits (it is killed after `limitMs`). */
function orders(
  proxy: FaultProxy,
  args: readonly string[],
  limitMs: number,
  options: { readonly onStart?: (pid: number) => void; readonly env?: Record<string, string> } = {},
) {
  return new Promise<Run>((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [...CLI_FROM_SOURCES, ...args], {
      cwd: REPOSITORY_ROOT,
      env: {
        ...emulatorShell(proxy.url, environment.region),
        ORDERS_AWS_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
        ...options.env,
      },
    });
    if (child.pid !== undefined) options.onStart?.(child.pid);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('exit', (status) => {
      clearTimeout(killer);
      resolve({ status, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/**
 * Runs a command until it gets past its start-up: the resource lookups a command makes first (for
 * `orders consume`, GetQueueUrl and GetQueueAttributes) are retried by the SDK only, so at these
 * rates one of them fails now and then. The command must then say so in one sentence,
 * having done nothing, and exit 1: the operator (or a supervisor) runs it again.
 */
async function runPastStartUp(proxy: FaultProxy, args: readonly string[], limitMs: number): Promise<Run> {
  for (let attempt = 1; ; attempt++) {
    const run = await orders(proxy, args, limitMs);
    // The only lines: the endpoint notice every command prints first, then the one sentence.
    const failedAtStartUp =
      run.status === 1 &&
      run.stdout.trim() === '' &&
      /^(orders [\w ]+: talking to [^\n]+\n)?orders: [^\n]+\n$/.test(run.stderr);
    if (!failedAtStartUp || attempt === 3) return run;
  }
}

const lastJson = <T>(text: string): T => JSON.parse(text.trim().split('\n').pop() ?? 'null') as T;

/** Orders with two events each, newest published first, and poison lines among them. */
function workload(seed: number, count: number) {
  const generator = createOrderGenerator(seed);
  const expected = new Map<string, Order>();
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const first = generator.next();
    const second = nextEvent(first);
    lines.push(serializeOrder(second), serializeOrder(first));
    expected.set(first.orderId, second);
  }
  const poison = [`BAD-${seed}-1`, `BAD-${seed}-2`, `BAD-${seed}-3`];
  for (const [i, orderId] of poison.entries()) lines.splice(11 * (i + 1), 0, JSON.stringify({ orderId, quantity: 0 }));
  const file = join(workDir, `orders-${seed}.jsonl`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { file, expected, poison };
}

async function expectEveryOrderAtItsNewestEvent(resources: ProvisionResult, expected: ReadonlyMap<string, Order>) {
  const repository = new DynamoDbOrderRepository({ tableName: resources.names.tableName });
  for (const [orderId, order] of expected) await expect(repository.findById(orderId)).resolves.toEqual(order);
}

async function deadLetterOrderIds(resources: ProvisionResult): Promise<string[]> {
  const listing = await new DlqTools({ dlqUrl: resources.dlqUrl, sourceQueueUrl: resources.queueUrl }).list({
    maxMessages: 1_000,
  });
  return listing.messages.map((m) => m.diagnosis.orderId ?? '?').sort();
}

interface ConsumerReport {
  readonly stoppedBy: string;
  readonly received: number;
  readonly acknowledged: number;
  readonly deletedLate: number;
  readonly deleteFailures: number;
  readonly stopTimedOut: boolean;
  readonly left: number;
  readonly handedBack: number;
}

/** Outcome log lines of the consumer: what it actually stored (or found already stored). */
function stored(stdout: string): number {
  return stdout.split('\n').filter((line) => /"outcome":"(created|updated|duplicate|stale)"/.test(line)).length;
}

describe.each([
  { rate: 0.1, seed: 1 },
  { rate: 0.3, seed: 2 },
])('the CLI with $rate of its AWS calls faulted (seed $seed)', ({ rate, seed }) => {
  let proxy: FaultProxy;
  let resources: ProvisionResult;
  const rules: FaultRule[] = [{ rate }];

  beforeAll(async () => {
    await resetEmulator();
    // maxReceiveCount 5: a receive whose answer is lost still counts (SQS handed the messages out),
    // and at these fault rates 3 such losses in a row are not rare enough for a valid message.
    resources = await provisionResources({
      names: uniqueResourceNames(`cli-wire-${seed}`),
      visibilityTimeoutSeconds: 2,
      maxReceiveCount: 5,
    });
    proxy = await startFaultProxy({ target: environment.endpoint, seed, rules, delayMs: 3 * REQUEST_TIMEOUT_MS });
  });

  afterAll(async () => {
    await proxy.close();
  });

  /** `orders consume --until-empty` through the proxy, with the checks every run must pass. */
  async function consumeUntilEmpty(flags: readonly string[]): Promise<Run> {
    const consumed = await runPastStartUp(
      proxy,
      ['consume', '--until-empty', '--retry-delay', '0', '--wait-seconds', '1', '--json', ...flags],
      150_000,
    );
    expect(consumed.stderr).not.toMatch(/^orders: /m);
    expect(consumed.status).toBe(0);
    expect(consumed.ms).toBeLessThan(120_000);
    const report = lastJson<ConsumerReport>(consumed.stdout);
    expect(report.stoppedBy).toBe('empty');
    // Acknowledged means stored first: never more acknowledgements than stored outcomes.
    expect(report.acknowledged + report.deletedLate).toBeLessThanOrEqual(stored(consumed.stdout));
    return consumed;
  }

  /**
   * `orders dlq redrive` through the proxy until OrderDLQ is empty. A run may stop early on a fault
   * (a rerun takes the rest); each is bounded. The DLQ's depth, not a listing, decides: a message
   * whose receive answer was lost is only hidden (8 s).
   */
  async function redriveAll(flags: readonly string[]): Promise<number[]> {
    const dlq = new SqsMessageQueue({ queueUrl: resources.dlqUrl });
    const runs: number[] = [];
    for (let attempt = 0; attempt < 8; attempt++) {
      const left = await dlq.depth();
      if (left.visible + left.inFlight === 0) break;
      if (left.visible === 0) {
        await new Promise((resolve) => setTimeout(resolve, 2_000));
        continue;
      }
      const redriven = await orders(proxy, ['dlq', 'redrive', '--visibility-timeout', '8', ...flags], 90_000);
      expect([0, 1]).toContain(redriven.status);
      expect(redriven.ms).toBeLessThan(60_000);
      runs.push(redriven.ms);
    }
    await expect(dlq.depth()).resolves.toMatchObject({ visible: 0, inFlight: 0 });
    return runs;
  }

  it('publish, consume --until-empty, dlq redrive and consume again lose nothing, acknowledge only what was stored, and all exit in time', async () => {
    const { file, expected, poison } = workload(seed, 30);
    const flags = nameFlags(resources.names);

    const published = await runPastStartUp(proxy, ['publish', '--file', file, '--unchecked', ...flags], 90_000);
    expect(published.stderr).toMatch(/^orders publish: talking to http:\/\/127\.0\.0\.1:\d+ \([\w-]+\)\n$/);
    expect(published.status).toBe(0);
    expect(published.ms).toBeLessThan(60_000);

    const first = await consumeUntilEmpty(flags);
    const report = lastJson<ConsumerReport>(first.stdout);
    // Every valid message was deleted at least once (an acknowledgement, or a delete whose answer
    // was lost), or is in the DLQ: a valid message can get there when faults fail it, or lose the
    // answers to its receives (each still counts), maxReceiveCount times.
    const afterFirst = await deadLetterOrderIds(resources);
    const validDeadLetters = afterFirst.filter((orderId) => !poison.includes(orderId)).length;
    expect(report.acknowledged + report.deletedLate + report.deleteFailures + validDeadLetters).toBeGreaterThanOrEqual(
      expected.size * 2,
    );
    for (const orderId of poison) expect(afterFirst).toContain(orderId);
    await expect(new SqsMessageQueue({ queueUrl: resources.queueUrl }).depth()).resolves.toMatchObject({
      visible: 0,
      inFlight: 0,
    });

    // The operator's way back: redrive everything, consume again. Poison returns to the DLQ.
    const redriveMs = await redriveAll(flags);
    const second = await consumeUntilEmpty(flags);

    await expectEveryOrderAtItsNewestEvent(resources, expected);
    // Poison, and only poison, in the DLQ (a lost answer to a publish may have sent one twice).
    expect([...new Set(await deadLetterOrderIds(resources))]).toEqual([...poison].sort());
    await expect(new SqsMessageQueue({ queueUrl: resources.queueUrl }).depth()).resolves.toMatchObject({
      visible: 0,
      inFlight: 0,
    });

    const counts = proxy.counts();
    process.stdout.write(
      `[wire-faults cli] rate ${rate} seed ${seed}: ${counts.requests} requests, ${counts.totalFaults} faults ${JSON.stringify(counts.faults)}; ` +
        `publish ${published.ms} ms, consume ${first.ms} ms (valid dead-lettered: ${validDeadLetters}), ` +
        `redrive ${redriveMs.join('/')} ms, consume again ${second.ms} ms\n`,
    );
    expect(counts.totalFaults).toBeGreaterThan((rate * counts.requests) / 2);
    for (const action of ['sns:PublishBatch', 'sqs:ReceiveMessage', 'sqs:DeleteMessageBatch', 'dynamodb:PutItem'])
      expect(counts.byAction[action]?.requests ?? 0).toBeGreaterThan(0);
  }, 400_000);
});

describe('the CLI under faults, stopping and redriving at once', () => {
  let proxy: FaultProxy;
  let resources: ProvisionResult;

  beforeAll(async () => {
    await resetEmulator();
    resources = await provisionResources({
      names: uniqueResourceNames('cli-wire-stop'),
      visibilityTimeoutSeconds: 5,
      maxReceiveCount: 5,
    });
    // Every PutItem hangs: batches cannot finish, so the graceful stop must give up on them in time.
    proxy = await startFaultProxy({
      target: environment.endpoint,
      seed: 3,
      rules: [
        { services: ['dynamodb'], actions: ['PutItem'], rate: 1, kinds: { hang: 1 } },
        // Faults on the consumer's own work, not on its start-up lookups (see runPastStartUp).
        { actions: ['ReceiveMessage', 'DeleteMessageBatch', 'ChangeMessageVisibilityBatch'], rate: 0.2 },
      ],
      delayMs: 3 * REQUEST_TIMEOUT_MS,
    });
  });

  afterAll(async () => {
    await proxy.close();
  });

  it('a SIGTERM while every write hangs: consume exits within its stop timeout, handing back what it held', async () => {
    const { file } = workload(4, 20);
    const flags = nameFlags(resources.names);
    expect((await runPastStartUp(proxy, ['publish', '--file', file, '--unchecked', ...flags], 90_000)).status).toBe(0);

    let pid = 0;
    const running = orders(
      proxy,
      ['consume', '--wait-seconds', '1', '--stop-timeout', '3', '--quiet', '--json', ...flags],
      60_000,
      {
        onStart: (started) => {
          pid = started;
        },
        // Each attempt of a hung write takes 15 s, so no batch can fail before the stop timeout (9 s
        // in), however many messages the consumer holds: with every message of the queue in flight at
        // once, the SDK's retry quota runs dry and writes fail after their first attempt.
        env: { ORDERS_AWS_REQUEST_TIMEOUT_MS: '15000' },
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    const signalledAt = Date.now();
    process.kill(pid, 'SIGTERM');
    const consumed = await running;
    const afterSignal = Date.now() - signalledAt;
    expect(consumed.status).toBe(0);
    // 3 s of stop timeout, 2 s to hand back, and a little for the process to end.
    expect(afterSignal).toBeLessThan(3_000 + 2_000 + 2_500);
    const report = lastJson<ConsumerReport>(consumed.stdout);
    expect(report).toMatchObject({ stoppedBy: 'signal', stopTimedOut: true, acknowledged: 0 });
    expect(report.left).toBeGreaterThan(0);
    expect(consumed.stderr).toContain('finishing the messages in hand for at most 3 s, then handing back what is left');
  }, 120_000);

  it('two dlq redrives at once move each message once: one refuses in a sentence while the other holds the lease', async () => {
    // Faults everywhere but on the two calls whose loss a redrive reports instead of preventing: a
    // SendMessageBatch retried after its answer was lost (a second copy: at-least-once), a
    // DeleteMessageBatch that failed after the send (reported as not_deleted). And the lease's
    // DeleteItem: a lease that could not be released blocks the next run until it expires (120 s).
    proxy.setRules([{ rate: 0.2, exceptActions: ['SendMessageBatch', 'DeleteMessageBatch', 'DeleteItem'] }]);
    const dlq = new SqsMessageQueue({ queueUrl: resources.dlqUrl });
    const bodies = Array.from({ length: 25 }, (_, i) => `dead-letter-${i}`);
    for (const body of bodies) await dlq.sendRaw(body);
    const flags = [...nameFlags(resources.names), '--visibility-timeout', '8'];

    const runs = await Promise.all([
      orders(proxy, ['dlq', 'redrive', '--json', ...flags], 90_000),
      orders(proxy, ['dlq', 'redrive', '--json', ...flags], 90_000),
    ]);
    for (const run of runs) expect(run.ms).toBeLessThan(60_000);
    // Each run refused in one sentence (the other held the lease), moved messages and said so, or
    // failed in one sentence on a fault (a StartMessageMoveTask that only ever met network errors
    // does not fall back); what a run did not move stays in the DLQ for the reruns below.
    for (const run of runs) {
      if (run.stdout.trim() !== '') expect(lastJson<{ strategy: string }>(run.stdout).strategy).toBe('manual');
      else expect(run.stderr).toMatch(/^orders dlq redrive: talking to [^\n]+\norders: [^\n]+\n$/);
    }

    // A run that stopped early on a fault leaves the rest in the DLQ (hidden 8 s at most): rerun.
    for (let run = 0; run < 10; run++) {
      const left = await dlq.depth();
      if (left.visible + left.inFlight === 0) break;
      if (left.visible === 0) await new Promise((resolve) => setTimeout(resolve, 2_000));
      else await orders(proxy, ['dlq', 'redrive', '--json', ...flags], 90_000);
    }
    await expect(dlq.depth()).resolves.toMatchObject({ visible: 0, inFlight: 0 });
    const onSource: string[] = [];
    const source = new SqsMessageQueue({ queueUrl: resources.queueUrl });
    for (let empty = 0; empty < 2; ) {
      const received = await source.receive({ maxMessages: 10, waitTimeSeconds: 1, visibilityTimeoutSeconds: 30 });
      empty = received.length === 0 ? empty + 1 : 0;
      onSource.push(...received.map((m) => m.body).filter((body) => body.startsWith('dead-letter-')));
    }
    expect(onSource.sort()).toEqual([...bodies].sort());
  }, 200_000);
});
