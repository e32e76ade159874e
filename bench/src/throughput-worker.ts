/**
 * End-to-end throughput on moto (SQS + DynamoDB): fill a fresh queue with N order messages (SNS
 * envelopes), then time how long a consumer takes to drain it into the Orders table.
 *
 * - `queue-consumer`: core's long-running `QueueConsumer` with `SqsMessageQueue` and
 *   the DynamoDB repository.
 * - `lambda-esm`: the in-process event-source-mapping runner (`runEventSourceMapping`,
 *   @orders/lambda-local) invoking ours' shipped bundle, with `SqsMessageQueue`: Lambda's poll →
 *   invoke → delete cycle, not the consumer. Labelled as such in the report.
 */
import { pathToFileURL } from 'node:url';
import { snsEnvelopeBody } from '@orders/testkit';
import { createOrderGenerator } from '@orders/simulation';
import { DynamoDbOrderRepository, SqsMessageQueue } from '@orders/adapters-aws';
import { ProcessOrderBatch, QueueConsumer, type Scheduler } from '@orders/core';
import { runEventSourceMapping } from '@orders/lambda-local';
import { countOrders, createOrdersTable } from './orders-table';
import { serveWorker } from './workers';
import type { BenchHandler } from './references/types';

export type ThroughputMode = 'queue-consumer' | 'lambda-esm';

export interface ThroughputInput {
  readonly motoUrl: string;
  readonly orders: number;
  readonly pollers: number;
  readonly modes: readonly ThroughputMode[];
  readonly oursBundle: string;
  readonly concurrency: number;
}

export interface ThroughputResult {
  readonly mode: ThroughputMode;
  readonly available: boolean;
  readonly note: string;
  readonly orders?: number;
  readonly seconds?: number;
  readonly ordersPerSecond?: number;
  readonly stored?: number;
}

const REGION = 'us-east-1';
const AUTH = (service: string): string =>
  `AWS4-HMAC-SHA256 Credential=bench/20250101/${REGION}/${service}/aws4_request, SignedHeaders=host, Signature=00`;

/** moto speaks the JSON protocols without checking signatures: enough for setup, no SQS client needed. */
async function awsJson(
  url: string,
  service: 'sqs' | 'dynamodb',
  target: string,
  body: object,
): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: AUTH(service), 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.0' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  const parsed = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  if (!response.ok && !String(parsed['__type'] ?? '').includes('ResourceInUse'))
    throw new Error(`${target}: ${response.status} ${text.slice(0, 300)}`);
  return parsed;
}

async function fillQueue(input: ThroughputInput, name: string, seed: number): Promise<string> {
  const created = await awsJson(input.motoUrl, 'sqs', 'AmazonSQS.CreateQueue', {
    QueueName: name,
    Attributes: { VisibilityTimeout: '60' },
  });
  const queueUrl = String(created['QueueUrl']);
  const generator = createOrderGenerator(seed);
  const batches: { Id: string; MessageBody: string }[][] = [];
  for (let sent = 0; sent < input.orders; sent += 10) {
    batches.push(
      Array.from({ length: Math.min(10, input.orders - sent) }, (_, i) => ({
        Id: `m${i}`,
        MessageBody: snsEnvelopeBody(generator.next()),
      })),
    );
  }
  for (let i = 0; i < batches.length; i += 8) {
    await Promise.all(
      batches
        .slice(i, i + 8)
        .map((entries) =>
          awsJson(input.motoUrl, 'sqs', 'AmazonSQS.SendMessageBatch', { QueueUrl: queueUrl, Entries: entries }),
        ),
    );
  }
  return queueUrl;
}

const scheduler: Scheduler = {
  now: () => Date.now(),
  sleep: (
    ms: number,
    signal?: {
      aborted: boolean;
      addEventListener(t: 'abort', l: () => void, o?: { once?: boolean }): void;
      removeEventListener(t: 'abort', l: () => void): void;
    },
  ) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    }),
  every: (ms: number, task: () => void) => {
    const handle = setInterval(task, ms);
    return () => clearInterval(handle);
  },
  after: (ms: number, task: () => void) => {
    const handle = setTimeout(task, ms);
    return () => clearTimeout(handle);
  },
};

async function runQueueConsumer(input: ThroughputInput, queueUrl: string): Promise<string | undefined> {
  const clientOptions = { endpoint: input.motoUrl, region: REGION };
  const queue = new SqsMessageQueue({ queueUrl, clientOptions });
  const processOrderBatch = new ProcessOrderBatch(
    { repository: new DynamoDbOrderRepository({ tableName: 'Orders', clientOptions }) },
    { concurrency: input.concurrency },
  );
  const consumer = new QueueConsumer(
    { queue, processOrderBatch, scheduler },
    {
      visibilityTimeoutSeconds: 60,
      batchSize: 10,
      pollers: input.pollers,
      waitTimeSeconds: 0,
      idleDelayMs: 50,
      untilEmpty: () => queue.depth(),
    },
  );
  await consumer.run();
  return undefined;
}

async function runLambdaEsm(input: ThroughputInput, queueUrl: string): Promise<string | undefined> {
  Object.assign(process.env, {
    ORDERS_REPOSITORY: 'dynamodb',
    AWS_ENDPOINT_URL: input.motoUrl,
    ORDERS_CONCURRENCY: String(input.concurrency),
  });
  let handler: BenchHandler;
  try {
    handler = ((await import(`${pathToFileURL(input.oursBundle).href}?throughput`)) as { handler: BenchHandler })
      .handler;
  } catch (error) {
    return `not available: ours' bundle does not start with ORDERS_REPOSITORY=dynamodb (${error instanceof Error ? error.message : String(error)})`;
  }
  const queue = new SqsMessageQueue({ queueUrl, clientOptions: { endpoint: input.motoUrl, region: REGION } });
  const queueArn = `arn:aws:sqs:${REGION}:123456789012:${queueUrl.split('/').pop() ?? 'OrderQueue'}`;
  await Promise.all(
    Array.from({ length: input.pollers }, () =>
      runEventSourceMapping({ queue, queueArn, handler, batchSize: 10, waitTimeSeconds: 0 }),
    ),
  );
  return undefined;
}

async function run(input: ThroughputInput): Promise<ThroughputResult[]> {
  Object.assign(process.env, { AWS_REGION: REGION, AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench' });
  await createOrdersTable(input.motoUrl);
  const results: ThroughputResult[] = [];
  for (const [index, mode] of input.modes.entries()) {
    const queueUrl = await fillQueue(input, `BenchQueue-${mode}-${Date.now()}`, 5000 + index);
    const before = await countOrders(input.motoUrl);
    const started = performance.now();
    let unavailable: string | undefined;
    try {
      unavailable =
        mode === 'queue-consumer' ? await runQueueConsumer(input, queueUrl) : await runLambdaEsm(input, queueUrl);
    } catch (error) {
      unavailable = `failed: ${error instanceof Error ? error.message : String(error)}`;
    }
    const seconds = (performance.now() - started) / 1000;
    if (unavailable) {
      results.push({ mode, available: false, note: unavailable });
      continue;
    }
    const stored = (await countOrders(input.motoUrl)) - before;
    results.push({
      mode,
      available: true,
      note:
        mode === 'queue-consumer'
          ? `QueueConsumer, ${input.pollers} pollers, batch 10, concurrency ${input.concurrency}`
          : `runEventSourceMapping × ${input.pollers} pollers → ours' bundle (Lambda cycle, not the consumer)`,
      orders: input.orders,
      seconds,
      ordersPerSecond: input.orders / seconds,
      stored,
    });
  }
  return results;
}

serveWorker(run);
