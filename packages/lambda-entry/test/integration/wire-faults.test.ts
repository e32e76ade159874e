import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import {
  DlqTools,
  DynamoDbOrderRepository,
  provisionResources,
  SnsOrderPublisher,
  SqsMessageQueue,
  type ProvisionResult,
} from '@orders/adapters-aws';
import { serializeOrder, type Order } from '@orders/core';
import { runEventSourceMapping } from '@orders/lambda-local';
import type { SqsBatchHandler } from '@orders/lambda-entry';
import { createOrderGenerator, nextEvent, startFaultProxy, type FaultProxy } from '@orders/simulation';
import { integrationEnvironment, resetEmulator, uniqueResourceNames } from '../../../testkit/src/integration';

// The deployable bundle (dist/index.mjs), imported by a Node process whose AWS_ENDPOINT_URL is a
// fault-injecting proxy in front of the emulator: every DynamoDB call the handler makes may be
// reset, lose its answer, be throttled, get a 5xx, come back too late, hang, or stall half-way.
// Lambda's event source mapping (AWS's own poller, not our code) is played by the test against
// the emulator directly. What must hold: every valid order at its newest event, only poison in
// the DLQ, and every invocation back before its (simulated) Lambda timeout.

const environment = integrationEnvironment();
const bundlePath = join(__dirname, '..', '..', 'dist', 'index.mjs');
const FUNCTION_TIMEOUT_MS = 20_000;
const REQUEST_TIMEOUT_MS = 400;

/** The bundle in its own process, invoked one event at a time over stdin/stdout, like a warm Lambda. */
class BundleProcess {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting = new Map<number, (response: unknown) => void>();
  private next = 0;
  readonly durationsMs: number[] = [];

  constructor(env: Record<string, string>) {
    const script = `
      import { createInterface } from 'node:readline';
      const { handler } = await import(${JSON.stringify(bundlePath)});
      for await (const line of createInterface({ input: process.stdin })) {
        const { id, event } = JSON.parse(line);
        const started = Date.now();
        const context = { awsRequestId: 'wire-' + id, getRemainingTimeInMillis: () => ${FUNCTION_TIMEOUT_MS} - (Date.now() - started) };
        let response;
        try { response = await handler(event, context); } catch (error) { response = { threw: String(error && error.message) }; }
        process.stdout.write('RESPONSE ' + id + ' ' + JSON.stringify(response ?? null) + '\\n');
      }`;
    this.child = spawn(process.execPath, ['--input-type=module', '-e', script], { env });
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const match = /^RESPONSE (\d+) (.*)$/.exec(line);
      if (match) this.waiting.get(Number(match[1]))?.(JSON.parse(match[2] ?? 'null'));
    });
  }

  readonly handler: SqsBatchHandler = async (event: SQSEvent) => {
    const id = this.next++;
    const started = Date.now();
    const response = await new Promise<unknown>((resolve) => {
      this.waiting.set(id, resolve);
      this.child.stdin.write(`${JSON.stringify({ id, event })}\n`);
    });
    this.waiting.delete(id);
    this.durationsMs.push(Date.now() - started);
    if (response !== null && typeof response === 'object' && 'threw' in response)
      throw new Error(String((response as { threw: unknown }).threw));
    return response as SQSBatchResponse;
  };

  /** Ends stdin; resolves with how long the process took to exit. */
  async close(): Promise<number> {
    const started = Date.now();
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin.end();
    await exited;
    return Date.now() - started;
  }
}

async function publishWorkload(resources: ProvisionResult, seed: number, orders: number) {
  const generator = createOrderGenerator(seed);
  const expected = new Map<string, Order>();
  const messages: { body: string; orderId?: string; status?: string }[] = [];
  for (let i = 0; i < orders; i++) {
    const first = generator.next();
    const second = nextEvent(first);
    // Newest first: the older event must then be ignored as stale.
    messages.push({ body: serializeOrder(second), orderId: second.orderId, status: second.status });
    messages.push({ body: serializeOrder(first), orderId: first.orderId, status: first.status });
    expected.set(first.orderId, second);
  }
  const poison = [`POISON-${seed}-A`, `POISON-${seed}-B`];
  for (const [i, orderId] of poison.entries())
    messages.splice(7 * (i + 1), 0, { body: JSON.stringify({ orderId, quantity: 'lots' }) });
  const published = await new SnsOrderPublisher({ topicArn: resources.topicArn }).publishBatch(messages);
  expect(published.failures).toEqual([]);
  return { expected, poison };
}

describe.each([
  { rate: 0.15, seed: 1, orders: 40 },
  { rate: 0.3, seed: 2, orders: 30 },
])('the bundle with $rate of its DynamoDB calls faulted (seed $seed)', ({ rate, seed, orders }) => {
  let proxy: FaultProxy;
  let resources: ProvisionResult;

  beforeAll(async () => {
    if (!existsSync(bundlePath)) throw new Error(`${bundlePath} is missing: run \`pnpm build\` first (pnpm test does)`);
    await resetEmulator();
    resources = await provisionResources({
      names: uniqueResourceNames(`wire-${seed}`),
      visibilityTimeoutSeconds: 2,
      maxReceiveCount: 3,
    });
    proxy = await startFaultProxy({
      target: environment.endpoint,
      seed,
      // Every kind of fault, the stalled body included (DynamoDB's inactivity bound is its request timeout).
      rules: [
        {
          services: ['dynamodb'],
          rate,
          kinds: {
            reset: 1,
            'drop-answer': 2,
            'server-error': 1,
            unavailable: 1,
            throttle: 2,
            delay: 1,
            hang: 1,
            'stall-body': 1,
          },
        },
      ],
      delayMs: 3 * REQUEST_TIMEOUT_MS,
    });
  });

  afterAll(async () => {
    await proxy.close();
  });

  it('stores every valid order at its newest event, dead-letters only the poison, and answers before its deadline', async () => {
    const { expected, poison } = await publishWorkload(resources, seed, orders);
    const bundle = new BundleProcess({
      PATH: process.env['PATH'] ?? '',
      ORDERS_TABLE_NAME: resources.names.tableName,
      AWS_REGION: environment.region,
      AWS_ENDPOINT_URL: proxy.url,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      ORDERS_AWS_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      // moto's conditional put is not atomic for a new key: one record at a time (see soak-aws).
      ORDERS_CONCURRENCY: '1',
      LOG_LEVEL: 'error',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    });
    const queue = new SqsMessageQueue({ queueUrl: resources.queueUrl });
    try {
      await runEventSourceMapping({
        queue,
        queueArn: resources.queueArn,
        handler: bundle.handler,
        batchSize: 5,
        waitTimeSeconds: 1,
        maxInvocations: 400,
        onIdle: async () => {
          const depth = await queue.depth();
          return depth.visible + depth.inFlight > 0;
        },
      });
    } finally {
      // The process ends once its input does: no request of the bundle's is left hanging.
      expect(await bundle.close()).toBeLessThan(5_000);
    }

    const counts = proxy.counts();
    process.stdout.write(`[wire-faults bundle] rate ${rate} seed ${seed}: ${JSON.stringify(counts.faults)}\n`);
    // It injected what it claims: about `rate` of the DynamoDB calls, of several kinds.
    expect(counts.totalFaults).toBeGreaterThan((rate * counts.requests) / 2);
    expect(Object.values(counts.faults).filter((n) => n > 0).length).toBeGreaterThanOrEqual(4);
    expect(Math.max(...bundle.durationsMs)).toBeLessThan(FUNCTION_TIMEOUT_MS);

    const repository = new DynamoDbOrderRepository({ tableName: resources.names.tableName });
    for (const [orderId, order] of expected) await expect(repository.findById(orderId)).resolves.toEqual(order);
    const dlq = await new DlqTools({ dlqUrl: resources.dlqUrl, sourceQueueUrl: resources.queueUrl }).list();
    expect(dlq.messages.map((m) => m.diagnosis.orderId).sort()).toEqual([...poison].sort());
    expect(dlq.messages.every((m) => m.receiveCount === 3)).toBe(true);
  }, 150_000);
});
