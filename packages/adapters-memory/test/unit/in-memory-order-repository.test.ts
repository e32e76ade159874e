import { InMemoryOrderRepository } from '@orders/adapters-memory';
import { describeOrderRepositoryContract, sampleOrder, timed } from '@orders/testkit';

describeOrderRepositoryContract('in-memory', async () => {
  const repository = new InMemoryOrderRepository();
  return {
    repository,
    putLegacyItem: async (item) => repository.putLegacy(item),
    storedTraceId: async (orderId) => repository.storedTraceId(orderId),
  };
});

describe('InMemoryOrderRepository', () => {
  it('does not let a caller mutate what it stored', async () => {
    const repository = new InMemoryOrderRepository();
    const order = { ...sampleOrder() };
    await repository.save(timed(order));
    (order as { status: string }).status = 'cancelled';
    await expect(repository.findById(order.orderId)).resolves.toMatchObject({ status: 'new' });
  });

  it('lists every order sorted by id', async () => {
    const repository = new InMemoryOrderRepository();
    for (const orderId of ['b', 'c', 'a']) await repository.save(timed(sampleOrder({ orderId })));
    expect(repository.all().map((o) => o.orderId)).toEqual(['a', 'b', 'c']);
    expect(repository.size).toBe(3);
  });
});
