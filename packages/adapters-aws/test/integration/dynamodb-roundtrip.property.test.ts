import assert from 'node:assert/strict';
import fc from 'fast-check';
import { validateOrder, type Order } from '@orders/core';
import { resetEmulator, uniqueResourceNames } from '../../../testkit/src/integration';
import { validOrder } from '../../../core/test/support/arbitraries';
import { createDynamoDbClient, DynamoDbOrderRepository, provisionResources } from '../../src';

// Generated valid orders are accepted and come back from DynamoDB exactly as they went in: text
// is stored as DynamoDB strings (UTF-8, astral characters as 4 bytes, key up to 512 bytes here),
// the quantity as a number, and the timestamp as published, zone and fraction digits included.

const names = uniqueResourceNames('ddb-roundtrip');
const client = createDynamoDbClient();
const repository = new DynamoDbOrderRepository({ client, tableName: names.tableName });

/** The edges spelled out, so every run has them whatever the generator draws (fast-check runs these first, within numRuns). */
const EDGE_CASES: readonly Order[] = [
  {
    // astral, combining and right-to-left characters and a ZWJ sequence; minimum quantity; offset with 9 fraction digits
    orderId: '𝒪-😀-订单',
    userId: 'u\u0301ser-שלום',
    itemName: '🧪 Ærø ß 漢字 \u{1F468}\u200D\u{1F469}\u200D\u{1F467}',
    quantity: 1,
    status: 'new',
    timestamp: '2025-05-03T14:00:00.123456789+05:30',
  },
  {
    // the longest key and name in code points (128 and 512 astral characters: 512 and 2,048 UTF-8 bytes); maximum quantity
    orderId: '😀'.repeat(128),
    userId: '𝄞',
    itemName: '𝄞'.repeat(512),
    quantity: 1_000_000,
    status: 'delivered',
    timestamp: '9999-12-31T23:59:59.999999999-23:59',
  },
  {
    // the shortest of everything, lower-case t and z, year 0000 (an instant before 1970), one fraction digit
    orderId: 'a',
    userId: 'b',
    itemName: 'c',
    quantity: 1,
    status: 'cancelled',
    timestamp: '0000-01-01t00:00:00.1z',
  },
  {
    // spaces that are not ASCII around a non-space (ids) or alone (names); a leap day; a negative offset
    orderId: '\u00a0id\u3000',
    userId: '\ufeffuser',
    itemName: ' ',
    quantity: 999_999,
    status: 'paid',
    timestamp: '2024-02-29T23:59:59.000000001-12:00',
  },
];

beforeAll(async () => {
  await resetEmulator();
  await provisionResources({ names });
});

afterAll(() => client.destroy());

describe('generated valid orders through DynamoDbOrderRepository', () => {
  it('are accepted, created, and read back deep-equal to what was generated', async () => {
    // One table for every run: an id is used once, so each save is of a new order (`created`).
    // Generated ids can repeat (a whitespace-only id becomes "x"), and a repeat is skipped.
    const written = new Set<string>();
    await fc.assert(
      fc.asyncProperty(validOrder, async (order) => {
        fc.pre(!written.has(order.orderId));
        written.add(order.orderId);
        const validated = validateOrder({ ...order });
        assert.ok(validated.ok, `rejected: ${JSON.stringify(validated)}`);
        assert.deepEqual(await repository.save(validated.value), { outcome: 'created' });
        assert.deepEqual(await repository.findById(order.orderId), order);
      }),
      { numRuns: 60, examples: EDGE_CASES.map((order): [Order] => [order]) },
    );
  });
});
