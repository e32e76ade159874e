import {
  ScanCommand,
  type AttributeValue,
  type DynamoDBClient,
  type ScanCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { toInfrastructureError } from './aws-error-translation';
import { INTERNAL_KEY_PREFIX } from './redrive-lease';

export interface OrderScanOptions {
  /** `COUNT` to count without reading items. */
  readonly select?: 'COUNT';
  /** Items to read at most (DynamoDB's `Limit` counts items read, before the filter). Default: all. */
  readonly maxScanned?: number;
}

export interface OrderScanResult {
  /** Items read, orders or not. */
  readonly scanned: number;
  /** Whether the scan reached the end of the table (false when it stopped at `maxScanned`). */
  readonly complete: boolean;
}

/** DynamoDB's most items per Scan page that we ask for: pages stay well under the 1 MB answer limit. */
const PAGE_LIMIT = 1000;

/**
 * Scans a table page by page and hands each page to `onPage`, order items only: internal items
 * (a redrive's lease, under a key no order can have) are filtered out by DynamoDB. A hand-written
 * loop rather than the SDK's `paginateScan` because the bound changes `Limit` on the last page.
 * Errors come out translated (`table_not_found`, `access_denied`, …).
 */
export async function scanOrderItems(
  client: DynamoDBClient,
  tableName: string,
  options: OrderScanOptions,
  onPage: (page: ScanCommandOutput) => void,
): Promise<OrderScanResult> {
  const maxScanned = options.maxScanned ?? Number.POSITIVE_INFINITY;
  let scanned = 0;
  let startKey: Record<string, AttributeValue> | undefined;
  try {
    do {
      const page = await client.send(
        new ScanCommand({
          TableName: tableName,
          ...(options.select === undefined ? {} : { Select: options.select }),
          Limit: Math.min(PAGE_LIMIT, maxScanned - scanned),
          FilterExpression: 'NOT begins_with(#key, :internal)',
          ExpressionAttributeNames: { '#key': 'orderId' },
          ExpressionAttributeValues: { ':internal': { S: INTERNAL_KEY_PREFIX } },
          ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
        }),
      );
      onPage(page);
      scanned += page.ScannedCount ?? 0;
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined && scanned < maxScanned);
  } catch (error) {
    throw toInfrastructureError(error, {
      service: 'DynamoDB',
      operation: 'Scan',
      resource: { type: 'DynamoDB table', name: tableName },
    });
  }
  return { scanned, complete: startKey === undefined };
}
