import { Command } from 'commander';
import { MESSAGE_STATUSES } from '@orders/core';
import type { DemoResult } from '../demo/run-demo';
import { formatTable } from '../output/format-table';
import { parseInteger } from '../output/parse-integer';

export function demoCommand(): Command {
  return new Command('demo')
    .description('Run the whole system in one process on the in-memory adapters and print what happened')
    .option('--orders <n>', 'generated orders besides the seed order O1234', parseInteger('--orders', 0, 100_000), 12)
    .option('--seed <n>', 'seed for the generated traffic (same seed, same run)', parseInteger('--seed', 0, 2 ** 31), 7)
    .option(
      '--max-receive-count <n>',
      'receives before a message moves to OrderDLQ',
      parseInteger('--max-receive-count', 1, 1000),
      3,
    )
    .option('--logs', "print the handler's JSON log lines", false)
    .option('--json', 'print the summary as one JSON object', false)
    .action(
      async (options: { orders: number; seed: number; maxReceiveCount: number; logs: boolean; json: boolean }) => {
        // The demo's machinery loads when the demo runs, so that every other command starts without it.
        const [{ runDemo }, { createPowertoolsLogger }] = await Promise.all([
          import('../demo/run-demo.js'),
          import('@orders/observability'),
        ]);
        const result = await runDemo({
          orders: options.orders,
          seed: options.seed,
          maxReceiveCount: options.maxReceiveCount,
          ...(options.logs
            ? { logger: createPowertoolsLogger({ serviceName: 'OrderProcessor', logLevel: 'info' }) }
            : {}),
        });
        process.stdout.write(
          options.json ? `${JSON.stringify(result)}\n` : renderDemo(result, options.maxReceiveCount),
        );
        if (result.violations.length > 0) process.exitCode = 1;
      },
    );
}

function renderDemo(result: DemoResult, maxReceiveCount: number): string {
  const ordersTable = formatTable(
    ['orderId', 'status', 'quantity', 'timestamp'],
    result.orders.map((o) => [o.orderId, o.status, String(o.quantity), o.timestamp]),
  );
  const dlqTable = formatTable(
    ['messageId', 'receives', 'orderId', 'why it failed'],
    result.deadLetters.map((d) => [d.messageId, String(d.receiveCount), d.orderId ?? '—', d.reason]),
    90,
  );
  const counts = MESSAGE_STATUSES.map((s) => `${s} ${result.outcomeCounts[s]}`).join(' · ');
  const r = result.runner;
  return [
    'Order processing — local run on the in-memory adapters',
    `OrderTopic → OrderQueue → OrderProcessor (real handler) → Orders; OrderDLQ after ${maxReceiveCount} receives`,
    '',
    `Published ${result.published} messages. The handler ran ${r.invocations} times on ${r.recordsDelivered} deliveries:`,
    `  ${r.recordsDeleted} acknowledged and deleted, ${r.recordsReturned} reported as failed and redelivered or dead-lettered.`,
    '',
    `Outcomes over all deliveries: ${counts}`,
    '',
    `Orders table (${result.orders.length} orders):`,
    ordersTable,
    '',
    `OrderDLQ (${result.deadLetters.length} messages):`,
    dlqTable,
    '',
    result.violations.length === 0
      ? 'All checks passed: every valid order is at its newest event; only poison messages are in the DLQ, each received exactly ' +
        `${maxReceiveCount} times.`
      : `CHECKS FAILED:\n${result.violations.map((v) => `  - ${v}`).join('\n')}`,
    '',
  ].join('\n');
}
