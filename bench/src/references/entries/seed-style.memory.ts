// Bundle entry for the per-record CPU figure: the same handler on the in-memory DynamoDB.
import { InMemoryDynamoDb } from '../in-memory-dynamodb';
import { createSeedStyleHandler } from '../seed-style';

export const store = new InMemoryDynamoDb();
export const handler = createSeedStyleHandler(store, process.env['ORDERS_TABLE_NAME'] ?? 'Orders');
