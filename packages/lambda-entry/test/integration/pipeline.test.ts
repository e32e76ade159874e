import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  DlqTools,
  DynamoDbOrderRepository,
  provisionResources,
  SnsOrderPublisher,
  SqsMessageQueue,
  type ProvisionResult,
} from '@orders/adapters-aws';
import { serializeOrder, type Order } from '@orders/core';
import { buildContainer, readEntryConfig, SQS_BATCH_HANDLER, type SqsBatchHandler } from '@orders/lambda-entry';
import { runEventSourceMapping } from '@orders/lambda-local';
import { sqsEvent, sqsRecord, snsEnvelopeBody, rawBody } from '@orders/testkit';
import { createOrderGenerator, nextEvent, SEED_DUMMY_ORDER } from '@orders/simulation';
import { integrationEnvironment, resetEmulator, uniqueResourceNames } from '../../../testkit/src/integration';

// SNS → SQS → the real handler (driven like Lambda's event source mapping) → DynamoDB, against
// the emulator the integration project chose (AWS_ENDPOINT_URL, LocalStack or moto).

const environment = integrationEnvironment();
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function provision(label: string, rawMessageDelivery: boolean): Promise<ProvisionResult> {
  // A 1 s visibility timeout keeps three failed receives within seconds.
  return provisionResources({
    names: uniqueResourceNames(label),
    visibilityTimeoutSeconds: 1,
    maxReceiveCount: 3,
    rawMessageDelivery,
  });
}

function realHandler(tableName: string): SqsBatchHandler {
  const config = readEntryConfig({
    ORDERS_TABLE_NAME: tableName,
    AWS_REGION: environment.region,
    AWS_ENDPOINT_URL: environment.endpoint,
    LOG_LEVEL: 'error',
  });
  // Metrics go nowhere here: EMF lines on stdout would only bury the test output.
  return buildContainer(config, { metrics: { recordBatch: () => undefined } }).resolve<SqsBatchHandler>(
    SQS_BATCH_HANDLER,
  );
}

/** Runs the local event source mapping until the queue has nothing visible or in flight. */
async function drain(resources: ProvisionResult, handler: SqsBatchHandler) {
  const queue = new SqsMessageQueue({ queueUrl: resources.queueUrl });
  return runEventSourceMapping({
    queue,
    queueArn: resources.queueArn,
    handler,
    waitTimeSeconds: 1,
    maxInvocations: 200,
    onIdle: async () => {
      const depth = await queue.depth();
      if (depth.visible + depth.inFlight === 0) return false;
      await sleep(250);
      return true;
    },
  });
}

describe.each([
  ['SNS envelope', false],
  ['raw message delivery', true],
])('pipeline with %s', (_label, rawMessageDelivery) => {
  let resources: ProvisionResult;

  beforeAll(async () => {
    await resetEmulator();
    resources = await provision(rawMessageDelivery ? 'raw' : 'envelope', rawMessageDelivery);
  });

  it('stores every valid order at its newest event, and a poison message reaches the DLQ after exactly 3 receives', async () => {
    const publisher = new SnsOrderPublisher({ topicArn: resources.topicArn });
    const generator = createOrderGenerator(rawMessageDelivery ? 21 : 22);
    const expected = new Map<string, Order>([[SEED_DUMMY_ORDER.orderId, SEED_DUMMY_ORDER]]);
    const messages = [{ body: serializeOrder(SEED_DUMMY_ORDER), orderId: 'O1234', status: 'new' }];
    for (let i = 0; i < 24; i++) {
      const first = generator.next();
      const second = nextEvent(first);
      // Newest first: the older event must then be ignored as stale.
      messages.push({ body: serializeOrder(second), orderId: second.orderId, status: second.status });
      messages.push({ body: serializeOrder(first), orderId: first.orderId, status: first.status });
      expected.set(first.orderId, second);
    }
    messages.splice(13, 0, { body: '{"orderId":"POISON","quantity":"lots"}', orderId: 'POISON', status: 'new' });
    const published = await publisher.publishBatch(messages);
    expect(published).toEqual({ published: messages.length, failures: [] });

    const handler = realHandler(resources.names.tableName);
    const poisonReceives: number[] = [];
    const observing: SqsBatchHandler = async (event, context) => {
      for (const record of event.Records) {
        if (record.body.includes('POISON')) poisonReceives.push(Number(record.attributes.ApproximateReceiveCount));
      }
      return handler(event, context);
    };
    const report = await drain(resources, observing);

    expect(poisonReceives).toEqual([1, 2, 3]);
    expect(report.failedInvocations).toBe(0);
    const repository = new DynamoDbOrderRepository({ tableName: resources.names.tableName });
    for (const [orderId, order] of expected) await expect(repository.findById(orderId)).resolves.toEqual(order);

    const dlq = new DlqTools({ dlqUrl: resources.dlqUrl, sourceQueueUrl: resources.queueUrl });
    const listing = await dlq.list();
    expect(listing.messages).toHaveLength(1);
    expect(listing.messages[0]?.diagnosis).toMatchObject({ valid: false, orderId: 'POISON' });
    expect(listing.messages[0]?.diagnosis.reason).toContain('quantity');
  });

  it('dlq redrive brings the dead letters back to the queue', async () => {
    const dlq = new DlqTools({ dlqUrl: resources.dlqUrl, sourceQueueUrl: resources.queueUrl });
    const result = await dlq.redrive();
    expect(result.strategy === 'manual' ? result.moved : 1).toBe(1);
    const queue = new SqsMessageQueue({ queueUrl: resources.queueUrl });
    const deadLetters = new SqsMessageQueue({ queueUrl: resources.dlqUrl });
    for (let attempt = 0; attempt < 20 && (await queue.depth()).visible === 0; attempt++) await sleep(250);
    expect(await queue.depth()).toMatchObject({ visible: 1 });
    expect(await deadLetters.depth()).toMatchObject({ visible: 0, inFlight: 0 });
  });
});

describe('the deployable bundle against DynamoDB', () => {
  const bundlePath = join(__dirname, '..', '..', 'dist', 'index.mjs');

  beforeAll(async () => {
    if (!existsSync(bundlePath)) throw new Error(`${bundlePath} is missing: run \`pnpm build\` first (pnpm test does)`);
    await resetEmulator();
  });

  it('stores the orders given only ORDERS_TABLE_NAME, AWS_REGION and AWS_ENDPOINT_URL', async () => {
    const resources = await provision('bundle', false);
    const second = { ...SEED_DUMMY_ORDER, orderId: 'O5678', status: 'paid' as const };
    const event = sqsEvent([
      sqsRecord(snsEnvelopeBody(SEED_DUMMY_ORDER), { messageId: 'm-envelope' }),
      sqsRecord(rawBody(second), { messageId: 'm-raw' }),
      sqsRecord('{"orderId":', { messageId: 'm-bad' }),
    ]);
    const script = `
      const { handler } = await import(${JSON.stringify(bundlePath)});
      const response = await handler(JSON.parse(process.env.EVENT), { awsRequestId: 'it', getRemainingTimeInMillis: () => 30000 });
      process.stdout.write('RESPONSE ' + JSON.stringify(response) + '\\n');
    `;
    const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      env: {
        PATH: process.env['PATH'] ?? '',
        EVENT: JSON.stringify(event),
        ORDERS_TABLE_NAME: resources.names.tableName,
        AWS_REGION: environment.region,
        AWS_ENDPOINT_URL: environment.endpoint,
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
      },
      encoding: 'utf8',
    });
    const response = JSON.parse(
      stdout
        .split('\n')
        .find((l) => l.startsWith('RESPONSE '))
        ?.slice(9) ?? 'null',
    ) as unknown;
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-bad' }] });
    const repository = new DynamoDbOrderRepository({ tableName: resources.names.tableName });
    await expect(repository.findById('O1234')).resolves.toEqual(SEED_DUMMY_ORDER);
    await expect(repository.findById('O5678')).resolves.toEqual(second);
  });
});
