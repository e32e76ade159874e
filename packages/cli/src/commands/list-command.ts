import { Command } from 'commander';
import { createDynamoDbClient, newestStoredOrders } from '@orders/adapters-aws';
import { parseInteger } from '../output/parse-integer';
import { openAwsTarget, resourceNamesFrom, withAwsOptions, type AwsCommandOptions } from '../runtime/aws-options';
import { recordJson, storedOrdersTable } from './get-command';

interface ListCommandOptions extends AwsCommandOptions {
  readonly limit: number;
  readonly scanLimit: number;
  readonly json: boolean;
}

/** `orders list`: the most recently stored orders, from a bounded scan (a development tool, not a report). */
export function listCommand(): Command {
  return withAwsOptions(
    new Command('list')
      .description('Show the most recently stored orders (newest first), from a scan of at most --scan-limit items')
      .option('--limit <n>', 'orders to show', parseInteger('--limit', 1, 1000), 10)
      .option('--scan-limit <n>', 'items to read at most', parseInteger('--scan-limit', 1, 1_000_000), 10_000)
      .option('--json', 'one JSON object per order, one per line', false),
  ).action(async (options: ListCommandOptions) => {
    const client = createDynamoDbClient(await openAwsTarget('list', options));
    try {
      const newest = await newestStoredOrders(client, resourceNamesFrom(options).tableName, {
        limit: options.limit,
        maxScanned: options.scanLimit,
      });
      if (options.json) {
        for (const record of newest.records) process.stdout.write(`${JSON.stringify(recordJson(record))}\n`);
      } else if (newest.records.length === 0) {
        process.stderr.write('orders: no order is stored yet\n');
      } else {
        process.stdout.write(`${storedOrdersTable(newest.records)}\n`);
      }
      if (!newest.complete) {
        process.stderr.write(
          `orders: read the first ${newest.scanned} items only (--scan-limit); newer orders may be further on\n`,
        );
      }
    } finally {
      client.destroy();
    }
  });
}
