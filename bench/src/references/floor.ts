import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  instantSeconds,
  isConditionalCheckFailure,
  NEWER_WINS,
  type CommandSender,
  type SQSBatchResponse,
  type SQSEvent,
  type SQSRecord,
} from './types';

/**
 * The floor: the least a correct-ish handler can do. Parse the body (and the SNS envelope if
 * there is one), check the two fields the write needs, and send ONE conditional PutItem per
 * record (newer instant wins, like ours), every record in flight at once; a failure of any kind
 * is reported in `batchItemFailures`. No validation beyond that, no logging, no metrics, no DI,
 * the low-level client with hand-built attribute values (no marshalling layer).
 *
 * `concurrency` (default: unbounded) exists only to measure the floor at ours' bound as well.
 */
export function createFloorHandler(client: CommandSender, tableName = 'Orders', concurrency = Infinity) {
  const saveOne = async (body: string): Promise<void> => {
    let payload = JSON.parse(body);
    if (payload?.Type === 'Notification' && typeof payload.Message === 'string') payload = JSON.parse(payload.Message);
    const instant = instantSeconds(payload?.timestamp);
    if (typeof payload?.orderId !== 'string' || payload.orderId === '' || !Number.isFinite(instant)) {
      throw new TypeError('not an order');
    }
    try {
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: {
            orderId: { S: payload.orderId },
            userId: { S: String(payload.userId) },
            itemName: { S: String(payload.itemName) },
            quantity: { N: String(payload.quantity) },
            status: { S: String(payload.status) },
            timestamp: { S: payload.timestamp },
            instant: { N: String(instant) },
          },
          ConditionExpression: NEWER_WINS,
          ExpressionAttributeNames: { '#orderId': 'orderId', '#instant': 'instant' },
          ExpressionAttributeValues: { ':instant': { N: String(instant) } },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
    }
  };

  const settle = (record: SQSRecord): Promise<string | undefined> =>
    saveOne(record.body).then(
      () => undefined,
      () => record.messageId,
    );

  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const records = event.Records;
    let failed: (string | undefined)[];
    if (records.length <= concurrency) {
      failed = await Promise.all(records.map(settle));
    } else {
      failed = new Array<string | undefined>(records.length);
      let next = 0;
      const lane = async (): Promise<void> => {
        while (next < records.length) {
          const index = next++;
          failed[index] = await settle(records[index] as SQSRecord);
        }
      };
      await Promise.all(Array.from({ length: concurrency }, lane));
    }
    return { batchItemFailures: failed.flatMap((id) => (id === undefined ? [] : [{ itemIdentifier: id }])) };
  };
}
