import type { SQSClient } from '@aws-sdk/client-sqs';
import { createSqsClient, DynamoDbOrderRepository } from '@orders/adapters-aws';
import { ProcessOrderBatch } from '@orders/core';
import type { HarnessConfig } from './harness-config';

/** What every reference consumer process starts from: its settings, our SQS client, the use case. */
export interface ReferenceHarness {
  readonly config: HarnessConfig;
  readonly sqs: SQSClient;
  readonly useCase: ProcessOrderBatch;
}

/**
 * The common start of a reference consumer process. A warm-up run (BENCH_WARMUP=1) exits here,
 * having only loaded the modules, so the parent's first measured run starts from a warm file cache.
 */
export function startReferenceHarness(): ReferenceHarness {
  if (process.env['BENCH_WARMUP'] === '1') process.exit(0);
  const config = JSON.parse(process.argv[2] ?? '{}') as HarnessConfig;
  // Our client settings (timeouts, retries), with a request timeout that outlasts the long poll: the
  // SDK would otherwise give up on an idle long poll (ours sets that per receive, the references do not).
  const sqs = createSqsClient({
    endpoint: config.sqsEndpoint,
    region: config.region,
    requestTimeoutMs: (config.waitTimeSeconds + 5) * 1000,
  });
  const repository = new DynamoDbOrderRepository({
    tableName: config.tableName,
    clientOptions: { endpoint: config.dynamodbEndpoint, region: config.region },
  });
  return { config, sqs, useCase: new ProcessOrderBatch({ repository }) };
}
