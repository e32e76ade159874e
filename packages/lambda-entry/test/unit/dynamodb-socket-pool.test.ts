import { silentLogger } from '@orders/core';
import { buildContainer, readEntryConfig, SQS_BATCH_HANDLER, type SqsBatchHandler } from '@orders/lambda-entry';
import { lambdaContext } from '@orders/lambda-local';
import { rawBody, sampleOrder, sqsEvent, sqsRecord } from '@orders/testkit';
import { startSlowEndpoint, type SlowEndpoint } from '../../../adapters-aws/test/unit/support/slow-endpoint';
import { RecordingMetrics, RecordingVisibility } from './support';

/**
 * The deployed composition, its DynamoDB client pointed at a loopback endpoint whose every write
 * takes 2 s, a request timeout of 3 s (less than two writes), and a batch of 60 records saved at
 * once (ORDERS_CONCURRENCY=60): more than the SDK's default 50 sockets. A save that waited for a
 * socket would time out after its write had landed and be sent again.
 */
describe('the Lambda DynamoDB client has a socket for every save a batch runs at once', () => {
  const SERVER_DELAY_MS = 2_000;
  const RECORDS = 60;
  const variables = {
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    ORDERS_AWS_REQUEST_TIMEOUT_MS: '3000',
  } as const;
  const before: Record<string, string | undefined> = {};
  let endpoint: SlowEndpoint;

  beforeAll(async () => {
    for (const [name, value] of Object.entries(variables)) {
      before[name] = process.env[name];
      process.env[name] = value;
    }
    endpoint = await startSlowEndpoint(SERVER_DELAY_MS, (body) => {
      const item = body['Item'] as Record<string, { S?: string }> | undefined;
      return item?.['orderId']?.S ?? '(none)';
    });
  });

  afterAll(async () => {
    await endpoint.close();
    for (const [name, value] of Object.entries(before)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('saves a batch of 60 slow writes with each write sent once and none timed out', async () => {
    const config = readEntryConfig({
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_DYNAMODB: endpoint.url,
      ORDERS_CONCURRENCY: String(RECORDS),
      LOG_LEVEL: 'error',
    });
    const metrics = new RecordingMetrics();
    const container = buildContainer(config, {
      logger: silentLogger,
      metrics,
      visibilityFor: new RecordingVisibility().visibilityFor,
    });
    const handler = container.resolve<SqsBatchHandler>(SQS_BATCH_HANDLER);
    const records = Array.from({ length: RECORDS }, (_, i) => sqsRecord(rawBody(sampleOrder({ orderId: `P${i}` }))));

    const response = await handler(sqsEvent(records), lambdaContext({}, 60_000));

    expect(response.batchItemFailures).toEqual([]);
    expect(metrics.batches[0]?.counts).toMatchObject({ created: RECORDS });
    expect(endpoint.requests()).toBe(RECORDS);
    expect(endpoint.received.size).toBe(RECORDS);
    // More saves than the SDK's default pool were on the wire together.
    expect(endpoint.mostAtOnce()).toBeGreaterThan(50);
  }, 60_000);
});
