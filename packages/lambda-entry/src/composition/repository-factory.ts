import { InMemoryOrderRepository } from '@orders/adapters-memory';
import type { OrderRepository } from '@orders/core';
import type { EntryConfig } from './entry-config';

/** Chooses the OrderRepository adapter named by the configuration. */
export function createOrderRepository(config: EntryConfig): OrderRepository {
  switch (config.repository) {
    case 'memory':
      return new InMemoryOrderRepository();
    case 'dynamodb':
      throw new Error('the DynamoDB OrderRepository is not available yet (issue 3); set ORDERS_REPOSITORY=memory');
  }
}
