import { DynamoDbOrderRepository, maxSocketsFor } from '@orders/adapters-aws';
import { InMemoryOrderRepository } from '@orders/adapters-memory';
import type { OrderRepository } from '@orders/core';
import type { EntryConfig } from './entry-config';

/**
 * Chooses the OrderRepository adapter named by the configuration.
 *
 * The DynamoDB client has a socket for every save a batch runs at once (`ORDERS_CONCURRENCY`; a
 * save's calls go one after another), so no save waits for one: the SDK starts a call's request
 * timeout before it has a socket (see aws-client-config.ts), and with its default 50 a batch of more
 * records than that under slow writes timed out writes that had landed. A batch is answered only
 * once each of its saves has ended (the deadline cancels those still running), so no earlier batch
 * holds sockets.
 */
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
          maxSockets: maxSocketsFor(config.concurrency),
        },
      });
  }
}
