import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { CommandSender, SQSEvent } from './types';

/**
 * The seed's handler (docs: ../../../shared/seed/order-notification-system.md), kept as written
 * for cost: parse the SQS body, parse the SNS `Message`, `console.log` the parsed order, one
 * unconditional `PutCommand` awaited after another, `console.log` again; every error caught and
 * logged (so it returns nothing and Lambda deletes the whole batch). Only the client is injected
 * so the benchmark can run it against the in-memory fake.
 */
export function createSeedStyleHandler(docClient: CommandSender, tableName = 'Orders') {
  return async (event: SQSEvent): Promise<void> => {
    for (const record of event.Records) {
      try {
        const snsMessage = JSON.parse(record.body);
        const order = JSON.parse(snsMessage.Message);
        console.log('✅ Parsed order:', order);
        const params = {
          TableName: tableName,
          Item: {
            orderId: order.orderId,
            userId: order.userId,
            itemName: order.itemName,
            quantity: order.quantity,
            status: order.status,
            timestamp: order.timestamp,
          },
        };
        await docClient.send(new PutCommand(params));
        console.log(`🟢 Order saved: ${order.orderId}`);
      } catch (err) {
        console.error('❌ Failed to process order:', err);
      }
    }
  };
}
