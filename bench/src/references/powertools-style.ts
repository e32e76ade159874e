import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { parser } from '@aws-lambda-powertools/batch/parser';
import type { ParsedRecord } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import { JSONStringified } from '@aws-lambda-powertools/parser/helpers';
import { SnsSqsNotificationSchema } from '@aws-lambda-powertools/parser/schemas/sns';
import { SqsRecordSchema } from '@aws-lambda-powertools/parser/schemas/sqs';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import {
  instantSeconds,
  isConditionalCheckFailure,
  NEWER_WINS,
  type CommandSender,
  type Context,
  type SQSBatchResponse,
  type SQSEvent,
  type SQSRecord,
} from './types';

/** The order as the seed publishes it, with roughly the rules our core checks. */
export const OrderSchema = z.object({
  orderId: z.string().trim().min(1).max(128),
  userId: z.string().trim().min(1).max(128),
  itemName: z.string().trim().min(1).max(512),
  quantity: z.number().int().min(1).max(1_000_000),
  status: z.enum(['new', 'paid', 'processing', 'shipped', 'delivered', 'cancelled']),
  timestamp: z.iso.datetime({ offset: true }),
});

/** An SQS record whose body is an SNS notification whose Message is an order (both JSON strings). */
export const OrderRecordSchema = SqsRecordSchema.extend({
  body: JSONStringified(SnsSqsNotificationSchema.extend({ Message: JSONStringified(OrderSchema) })),
});

type OrderRecord = ParsedRecord<SQSRecord, z.infer<typeof OrderRecordSchema>['body']>;

/**
 * What a team following the Powertools docs would write: `BatchProcessor` with the parser
 * integration (zod schemas for the SQS record, the SNS envelope and the order), Powertools Logger
 * with the Lambda context, `processPartialResponse` (records in parallel, its default), and a
 * conditional `PutCommand` on the Document client per record.
 */
export function createPowertoolsStyleHandler(
  docClient: CommandSender,
  tableName = 'Orders',
  logger = new Logger({ serviceName: 'OrderProcessor' }),
) {
  const processor = new BatchProcessor(EventType.SQS, { parser, schema: OrderRecordSchema, logger });

  const recordHandler = async (record: OrderRecord): Promise<void> => {
    const order = record.body.Message;
    const instant = instantSeconds(order.timestamp);
    try {
      await docClient.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...order, instant },
          ConditionExpression: NEWER_WINS,
          ExpressionAttributeNames: { '#orderId': 'orderId', '#instant': 'instant' },
          ExpressionAttributeValues: { ':instant': instant },
        }),
      );
      logger.info('order saved', { orderId: order.orderId, messageId: record.messageId });
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
      logger.info('order already stored', { orderId: order.orderId, messageId: record.messageId });
    }
  };

  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    logger.addContext(context);
    return processPartialResponse(event, recordHandler, processor, { context });
  };
}
