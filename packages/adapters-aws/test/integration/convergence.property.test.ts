import { Agent } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { compareCodePoints, type Order, ProcessOrderBatch } from '@orders/core';
import { deliveryPlan, expectedFinalTable, orderEventHistories, snsEnvelopeBody } from '@orders/testkit';
import { integrationEnvironment, resetEmulator, uniqueResourceNames } from '../../../testkit/src/integration';
import { awsClientConfig, DEFAULT_DYNAMODB_MAX_ATTEMPTS } from '../../src/aws-client-config';
import { createDynamoDbClient, DynamoDbOrderRepository, provisionResources } from '../../src';

// The convergence property on DynamoDB itself: the conditional write built from core's tie-break
// must agree with core's total order, so every delivery order and batching of the same events,
// with the use case saving concurrently, ends at the same table as the in-memory repository would.

const names = uniqueResourceNames('ddb-converge');

/** moto does not lock a conditional put (see dynamodb-order-repository.test.ts): one socket there. */
function clientFor(flavour: string): DynamoDBClient {
  if (flavour !== 'moto') return createDynamoDbClient();
  const config = awsClientConfig({}, DEFAULT_DYNAMODB_MAX_ATTEMPTS);
  return new DynamoDBClient({
    ...config,
    requestHandler: { ...config.requestHandler, httpAgent: new Agent({ keepAlive: true, maxSockets: 1 }) },
  });
}

const client = clientFor(integrationEnvironment().flavour);
const repository = new DynamoDbOrderRepository({ client, tableName: names.tableName });
const useCase = new ProcessOrderBatch({ repository }, { concurrency: 8 });

beforeAll(async () => {
  await resetEmulator();
  await provisionResources({ names });
});

afterAll(() => client.destroy());

let runCounter = 0;

/** Delivers the events under fresh order ids (the table is shared by runs) and reads the table back. */
async function deliver(events: readonly Order[], seed: number): Promise<Order[]> {
  const prefix = `r${++runCounter}:`;
  let n = 0;
  for (const batch of deliveryPlan(events, seed)) {
    const messages = batch.map((order) => ({
      messageId: `m${n++}`,
      body: snsEnvelopeBody({ ...order, orderId: prefix + order.orderId }),
    }));
    const { failedMessageIds } = await useCase.execute(messages);
    if (failedMessageIds.length > 0) throw new Error(`valid events failed: ${failedMessageIds.join(', ')}`);
  }
  const ids = [...new Set(events.map((event) => event.orderId))];
  const stored = await Promise.all(ids.map((id) => repository.findById(prefix + id)));
  return stored.map((order) => order && { ...order, orderId: order.orderId.slice(prefix.length) }) as Order[];
}

describe('convergence on DynamoDB', () => {
  it('ends at the same table for every delivery order and batching, equal to the greatest events', async () => {
    await fc.assert(
      fc.asyncProperty(
        orderEventHistories({ orders: 3, maxEvents: 6 }),
        fc.array(fc.integer(), { minLength: 2, maxLength: 2 }),
        async (events, deliverySeeds) => {
          const expected = expectedFinalTable(events);
          for (const seed of deliverySeeds) {
            const table = await deliver(events, seed);
            expect([...table].sort((a, b) => compareCodePoints(a.orderId, b.orderId))).toEqual(expected);
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});
