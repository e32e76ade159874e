import { Command } from 'commander';
import { DynamoDbOrderRepository, type StoredOrderRecord, withSimilarNames } from '@orders/adapters-aws';
import { instantFromDecimalSeconds } from '@orders/core';
import { formatTable } from '../output/format-table';
import { openAwsTarget, resourceNamesFrom, withAwsOptions, type AwsCommandOptions } from '../runtime/aws-options';

interface GetCommandOptions extends AwsCommandOptions {
  readonly json: boolean;
}

/** `orders get ORDER_ID…`: what the table holds for these orders, as the ordering rule sees it. */
export function getCommand(): Command {
  return withAwsOptions(
    new Command('get')
      .description(
        'Show stored orders: their fields, the instant the ordering rule compares, when they were stored, and the trace that wrote them',
      )
      .argument('<orderId...>', 'one or more order ids')
      .option('--json', 'one JSON object per order, one per line', false),
  ).action(async (orderIds: string[], options: GetCommandOptions) => {
    const clientOptions = await openAwsTarget('get', options);
    const repository = new DynamoDbOrderRepository({ tableName: resourceNamesFrom(options).tableName, clientOptions });
    let found: { readonly orderId: string; readonly record: StoredOrderRecord | undefined }[];
    try {
      found = await Promise.all(
        orderIds.map(async (orderId) => ({ orderId, record: await repository.findStored(orderId) })),
      );
    } catch (error) {
      // A missing table (a typo in --table?): say which tables there are with a similar name.
      throw await withSimilarNames(error, { clientOptions });
    }
    if (options.json) {
      for (const { orderId, record } of found)
        process.stdout.write(`${JSON.stringify(record ? recordJson(record) : { orderId, found: false })}\n`);
    } else {
      const stored = found.flatMap(({ record }) => (record ? [record] : []));
      // A table of nothing (its header alone) would only stand before the sentences saying so.
      if (stored.length > 0) process.stdout.write(`${storedOrdersTable(stored)}\n`);
      for (const { orderId, record } of found)
        if (!record) process.stderr.write(`orders: no order "${orderId}" is stored\n`);
    }
    if (found.some(({ record }) => record === undefined)) process.exitCode = 1;
  });
}

/**
 * The record as JSON: the order's fields, then the rule's bookkeeping, then the trace id of the
 * record that wrote it (null when none was known): the id to search the traces and the log lines for.
 */
export function recordJson(record: StoredOrderRecord): Record<string, unknown> {
  return {
    ...(record.order ?? { orderId: record.orderId }),
    instant: record.instant ?? null,
    storedAt: record.storedAt ?? null,
    traceId: record.traceId ?? null,
    ...(record.order ? {} : { readable: false }),
    ...(record.instant === undefined ? { writtenBeforeOrderingRule: true } : {}),
  };
}

export function storedOrdersTable(records: readonly StoredOrderRecord[]): string {
  return formatTable(
    ['orderId', 'status', 'quantity', 'timestamp', 'instant (UTC)', 'stored at', 'trace id'],
    records.map((record) => [
      record.orderId,
      record.order?.status ?? '?',
      record.order ? String(record.order.quantity) : '?',
      record.order?.timestamp ?? '?',
      instantText(record.instant),
      record.storedAt ?? '— (before the ordering rule)',
      record.traceId ?? '—',
    ]),
  );
}

/** The stored decimal seconds as a readable UTC time, nanoseconds kept. */
function instantText(decimal: string | undefined): string {
  if (decimal === undefined) return '—';
  try {
    const { epochSeconds, nanos } = instantFromDecimalSeconds(decimal);
    const iso = new Date(epochSeconds * 1000).toISOString().slice(0, 19);
    return nanos === 0 ? `${iso}Z` : `${iso}.${String(nanos).padStart(9, '0').replace(/0+$/, '')}Z`;
  } catch {
    return decimal;
  }
}
