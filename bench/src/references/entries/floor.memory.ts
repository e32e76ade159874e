// Bundle entry for the per-record CPU figure: the same handler on the in-memory DynamoDB.
import { InMemoryDynamoDb } from '../in-memory-dynamodb';
import { createFloorHandler } from '../floor';

export const store = new InMemoryDynamoDb();
export const handler = createFloorHandler(store, process.env['ORDERS_TABLE_NAME'] ?? 'Orders');
