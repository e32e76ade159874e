import assert from 'node:assert/strict';
import fc from 'fast-check';
import { validateOrder, type Order } from '@orders/core';
import { InMemoryOrderRepository } from '@orders/adapters-memory';
import { validOrder } from '../../../core/test/support/arbitraries';

// The in-memory twin of adapters-aws' dynamodb-roundtrip property: what the soak and every
// unit test stand on must keep an order exactly as it was accepted. Core's own properties stop
// at decoding (core cannot see an adapter); the contract suite uses a handful of fixed orders.

const codePoints = (text: string): number => [...text].length;

/** What a run covered, so the test can show the generator reached the edges it is meant to. */
const COVERAGE: Readonly<Record<string, (order: Order) => boolean>> = {
  'astral characters': (o) => [...`${o.orderId}${o.userId}${o.itemName}`].some((c) => (c.codePointAt(0) ?? 0) > 0xffff),
  'quantity 1': (o) => o.quantity === 1,
  'quantity 1,000,000': (o) => o.quantity === 1_000_000,
  'a UTC offset': (o) => /[+-]\d\d:\d\d$/.test(o.timestamp),
  'a 9-digit fraction': (o) => /\.\d{9}(?:[Zz]|[+-])/.test(o.timestamp),
  'a 1-code-point id': (o) => codePoints(o.orderId) === 1,
  'a 128-code-point id': (o) => codePoints(o.orderId) === 128,
  'a 512-code-point item name': (o) => codePoints(o.itemName) === 512,
};

describe('generated valid orders through InMemoryOrderRepository', () => {
  it('are accepted, created, and read back deep-equal to what was generated', async () => {
    const seen = new Map(Object.keys(COVERAGE).map((label) => [label, 0]));
    await fc.assert(
      fc.asyncProperty(validOrder, async (order) => {
        const validated = validateOrder({ ...order });
        assert.ok(validated.ok, `rejected: ${JSON.stringify(validated)}`);
        // A fresh store per run: every order is new, so the outcome must be `created`.
        const repository = new InMemoryOrderRepository();
        assert.deepEqual(await repository.save(validated.value), { outcome: 'created' });
        assert.deepEqual(await repository.findById(order.orderId), order);
        for (const [label, covers] of Object.entries(COVERAGE))
          if (covers(order)) seen.set(label, (seen.get(label) ?? 0) + 1);
      }),
      { numRuns: 300 },
    );
    // Each edge is drawn in several percent of the runs (fast-check favours boundaries): none may be missing.
    expect([...seen].filter(([, count]) => count === 0).map(([label]) => label)).toEqual([]);
  }, 60_000); // 300 async runs: well under a second idle, many times that on a busy machine.
});
