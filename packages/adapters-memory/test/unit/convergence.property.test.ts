import fc from 'fast-check';
import { InMemoryOrderRepository } from '@orders/adapters-memory';
import { type InboundMessage, type Order, type OrderRepository, ProcessOrderBatch } from '@orders/core';
import { deliveryPlan, expectedFinalTable, orderEventHistories, rawBody, snsEnvelopeBody } from '@orders/testkit';
import { seededRandom } from '@orders/simulation';

// "Order-safe" means convergent: whatever order and batching SQS delivers the same events in, with
// saves running concurrently, the table ends the same, byte for byte, and equal to each order's
// greatest event under core's total order.

/**
 * The store with random pauses before each save, so that concurrent saves of one batch finish in a
 * different order from the one they started in (the Map itself decides atomically, like DynamoDB).
 */
function withJitter(inner: InMemoryOrderRepository, seed: number): OrderRepository {
  const random = seededRandom(seed);
  return {
    save: async (event) => {
      for (let turns = Math.floor(random() * 4); turns > 0; turns--) await new Promise((r) => setImmediate(r));
      return inner.save(event);
    },
    findById: (orderId) => inner.findById(orderId),
  };
}

async function deliver(events: readonly Order[], seed: number): Promise<Order[]> {
  const store = new InMemoryOrderRepository();
  const useCase = new ProcessOrderBatch({ repository: withJitter(store, seed) }, { concurrency: 8 });
  let n = 0;
  for (const batch of deliveryPlan(events, seed)) {
    const messages: InboundMessage[] = batch.map((order) => ({
      messageId: `m-${seed}-${n++}`,
      // Raw delivery and SNS envelopes alike: decoding must not change what is compared.
      body: n % 2 === 0 ? rawBody(order) : snsEnvelopeBody(order),
    }));
    const { failedMessageIds } = await useCase.execute(messages);
    if (failedMessageIds.length > 0) throw new Error(`valid events failed: ${failedMessageIds.join(', ')}`);
  }
  return store.all();
}

// 300 histories x 3 deliveries each, every save a few event-loop turns: 2-3 s on an idle 2-core
// machine, up to 20 s measured while it was busy. The run count is fixed; the timeout only bounds a hang.
const CONVERGENCE_TIMEOUT_MS = 120_000;

describe('convergence on the in-memory repository', () => {
  it(
    'ends at the same table for every delivery order and batching, concurrency on',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          orderEventHistories({ orders: 8, maxEvents: 8 }),
          fc.array(fc.integer(), { minLength: 3, maxLength: 3 }),
          async (events, deliverySeeds) => {
            const expected = expectedFinalTable(events);
            for (const seed of deliverySeeds) expect(await deliver(events, seed)).toEqual(expected);
          },
        ),
        { numRuns: 300 },
      );
    },
    CONVERGENCE_TIMEOUT_MS,
  );
});
