import {
  deleteOrderResources,
  DlqTools,
  DynamoDbOrderRepository,
  provisionResources,
  type ProvisionResult,
  SnsOrderPublisher,
  SqsMessageQueue,
} from '@orders/adapters-aws';
import { type Order, serializeOrder } from '@orders/core';
import { buildContainer, readEntryConfig, SQS_BATCH_HANDLER, type SqsBatchHandler } from '@orders/lambda-entry';
import { runEventSourceMapping } from '@orders/lambda-local';
import { createOrderGenerator } from '@orders/simulation';
import { integrationEnvironment, resetEmulator, uniqueResourceNames } from '../../../testkit/src/integration';

// A total DynamoDB outage (the table deleted) that lasts longer than maxReceiveCount × the
// visibility timeout — long enough to have dead-lettered every message before paced retries —
// then recovery. Scaled down to seconds: visibility timeout 2 s, retries after 2 s then 8 s, so a
// message's three receives span 10 s and an outage of 7 s (> 3 × 2 s) must dead-letter nothing.

const environment = integrationEnvironment();
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const VISIBILITY_TIMEOUT_SECONDS = 2;
const MAX_RECEIVE_COUNT = 3;
const OUTAGE_MS = 7_000;

function handlerFor(resources: ProvisionResult): SqsBatchHandler {
  const config = readEntryConfig({
    ORDERS_TABLE_NAME: resources.names.tableName,
    AWS_REGION: environment.region,
    AWS_ENDPOINT_URL: environment.endpoint,
    LOG_LEVEL: 'error',
    ORDERS_MAX_RECEIVE_COUNT: String(MAX_RECEIVE_COUNT),
    ORDERS_RETRY_BASE_DELAY_SECONDS: '2',
    ORDERS_RETRY_BACKOFF_FACTOR: '4',
    ORDERS_RETRY_JITTER: '0',
  });
  return buildContainer(config, { metrics: { recordBatch: () => undefined } }).resolve<SqsBatchHandler>(
    SQS_BATCH_HANDLER,
  );
}

describe('an outage longer than maxReceiveCount × the visibility timeout', () => {
  let resources: ProvisionResult;

  beforeAll(async () => {
    await resetEmulator();
    resources = await provisionResources({
      names: uniqueResourceNames('outage'),
      visibilityTimeoutSeconds: VISIBILITY_TIMEOUT_SECONDS,
      maxReceiveCount: MAX_RECEIVE_COUNT,
    });
  });

  it('dead-letters no valid message, stores them all after recovery, and sends poison to the DLQ within seconds', async () => {
    const queue = new SqsMessageQueue({ queueUrl: resources.queueUrl });
    const deadLetters = new SqsMessageQueue({ queueUrl: resources.dlqUrl });
    const teardown = await deleteOrderResources({ tableName: resources.names.tableName });
    expect(teardown.failed).toEqual([]);
    const generator = createOrderGenerator(31);
    const orders: Order[] = Array.from({ length: 12 }, () => generator.next());
    const messages = orders.map((order) => ({
      body: serializeOrder(order),
      orderId: order.orderId,
      status: order.status,
    }));
    messages.splice(5, 0, { body: '{"orderId":"POISON","quantity":"lots"}', orderId: 'POISON', status: 'new' });
    await new SnsOrderPublisher({ topicArn: resources.topicArn }).publishBatch(messages);

    const started = Date.now();
    let poisonDeadLetteredAfterMs: number | undefined;
    let recovered = false;
    const handler = handlerFor(resources);
    const report = await runEventSourceMapping({
      queue,
      queueArn: resources.queueArn,
      handler,
      waitTimeSeconds: 1,
      maxInvocations: 200,
      onIdle: async () => {
        if (poisonDeadLetteredAfterMs === undefined && (await deadLetters.depth()).visible > 0) {
          poisonDeadLetteredAfterMs = Date.now() - started;
        }
        if (!recovered && Date.now() - started >= OUTAGE_MS) {
          await provisionResources({ names: resources.names, visibilityTimeoutSeconds: VISIBILITY_TIMEOUT_SECONDS });
          recovered = true;
        }
        const depth = await queue.depth();
        if (recovered && depth.visible + depth.inFlight === 0) return false;
        await sleep(200);
        return true;
      },
    });

    // During the outage every invocation failed as a whole (the Errors alarm's signal)...
    expect(report.failedInvocations).toBeGreaterThan(0);
    expect(recovered).toBe(true);
    // ...yet the paced retries outlasted it: every valid order is stored, none in the DLQ.
    const repository = new DynamoDbOrderRepository({ tableName: resources.names.tableName });
    for (const order of orders) await expect(repository.findById(order.orderId)).resolves.toEqual(order);
    const listing = await new DlqTools({ dlqUrl: resources.dlqUrl, sourceQueueUrl: resources.queueUrl }).list();
    expect(listing.messages.map((m) => m.diagnosis.orderId)).toEqual(['POISON']);
    // Poison is made visible again at once: three receives and the DLQ within seconds, while the
    // outage still lasted (three visibility timeouts would have taken at least 6 s).
    expect(poisonDeadLetteredAfterMs).toBeDefined();
    expect(poisonDeadLetteredAfterMs).toBeLessThan(OUTAGE_MS);
  });
});
