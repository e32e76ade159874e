import { DynamoDbOrderRepository } from '@orders/adapters-aws';
import { InMemoryOrderRepository } from '@orders/adapters-memory';
import type { OrderRepository } from '@orders/core';
import type { EntryConfig } from './entry-config';

/** Chooses the OrderRepository adapter named by the configuration. */
export function createOrderRepository(config: EntryConfig): OrderRepository {
  switch (config.repository) {
    case 'memory':
      return new InMemoryOrderRepository();
    case 'dynamodb':
      return new DynamoDbOrderRepository({
        tableName: config.tableName,
        clientOptions: {
          ...(config.region === undefined ? {} : { region: config.region }),
          ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
        },
      });
  }
}
