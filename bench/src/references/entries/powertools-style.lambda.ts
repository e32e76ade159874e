// Bundle entry: the Powertools-style handler as deployed (clients and logger at module scope).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createPowertoolsStyleHandler } from '../powertools-style';

const docClient = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export const handler = createPowertoolsStyleHandler(docClient, process.env['ORDERS_TABLE_NAME'] ?? 'Orders');
