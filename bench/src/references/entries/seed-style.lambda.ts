// Bundle entry: the seed-style handler as deployed (clients built at module scope, as in the seed).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createSeedStyleHandler } from '../seed-style';

const client = new DynamoDBClient({});
const docClient = DynamoDBDocumentClient.from(client);

export const handler = createSeedStyleHandler(docClient, process.env['ORDERS_TABLE_NAME'] ?? 'Orders');
