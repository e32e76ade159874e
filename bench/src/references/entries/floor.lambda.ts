// Bundle entry: the floor handler as deployed (one low-level client at module scope).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createFloorHandler } from '../floor';

// BENCH_FLOOR_CONCURRENCY: only to measure the floor at ours' concurrency bound too (default: all at once).
const bound = Number(process.env['BENCH_FLOOR_CONCURRENCY'] ?? Infinity);

export const handler = createFloorHandler(
  new DynamoDBClient({}),
  process.env['ORDERS_TABLE_NAME'] ?? 'Orders',
  bound > 0 ? bound : Infinity,
);
