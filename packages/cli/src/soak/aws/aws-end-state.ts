import { countTableItems, type DynamoDbOrderRepository } from '@orders/adapters-aws';
import type { Order } from '@orders/core';

/** Reads at a time: GetItem is a plain read, safe to overlap even on moto. */
const READ_CONCURRENCY = 8;

/**
 * The table's end state as the invariant checker needs it: every expected order that exists,
 * read back through the adapter (`findById`, a consistent read) so the comparison sees what a
 * consumer of the table would see; plus one placeholder per item nobody published. A COUNT scan
 * finds those (a poison message that got stored under an orderId of its own); naming them would
 * take a full scan, which the adapters do not offer — the count is what the invariant needs.
 */
export async function readStoredOrders(
  repository: DynamoDbOrderRepository,
  client: Parameters<typeof countTableItems>[0],
  expected: ReadonlyMap<string, Order>,
): Promise<Map<string, Order>> {
  const ids = [...expected.keys()];
  const found: (Order | undefined)[] = new Array<Order | undefined>(ids.length);
  for (let start = 0; start < ids.length; start += READ_CONCURRENCY) {
    const slice = ids.slice(start, start + READ_CONCURRENCY);
    const orders = await Promise.all(slice.map((id) => repository.findById(id)));
    for (const [offset, order] of orders.entries()) found[start + offset] = order;
  }
  const stored = new Map<string, Order>();
  for (const order of found) if (order !== undefined) stored.set(order.orderId, order);

  const items = await countTableItems(client, repository.tableName);
  for (let n = 1; stored.size < items; n++) {
    const orderId = `(an item no valid message carried, #${n})`;
    stored.set(orderId, { orderId, userId: '', itemName: '', quantity: 0, status: 'new', timestamp: '' });
  }
  return stored;
}
