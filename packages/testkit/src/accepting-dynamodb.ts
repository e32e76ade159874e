import { DynamoDbOrderRepository } from '@orders/adapters-aws';

/** A DynamoDB item as a test reads it back: string attributes are what these tests look at. */
export type RecordedDynamoDbItem = Record<string, { readonly S?: string }>;

/**
 * A `DynamoDbOrderRepository` on a client that accepts every write, keeping the items it was asked
 * to put (`items`): the real adapter's requests, its spans and its item shape, with no endpoint.
 */
export function acceptingDynamoDb(tableName = 'Orders'): {
  readonly items: RecordedDynamoDbItem[];
  readonly repository: DynamoDbOrderRepository;
} {
  const items: RecordedDynamoDbItem[] = [];
  const client = {
    send: async (command: { input: { Item?: RecordedDynamoDbItem } }) => {
      if (command.input.Item) items.push(command.input.Item);
      return { $metadata: {} };
    },
  };
  return { items, repository: new DynamoDbOrderRepository({ client: client as never, tableName }) };
}
