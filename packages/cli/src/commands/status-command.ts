import { Command } from 'commander';
import { countTableItems, createAwsClients, describeResources, SqsMessageQueue } from '@orders/adapters-aws';
import { openAwsTarget, resourceNamesFrom, withAwsOptions, type AwsCommandOptions } from '../runtime/aws-options';

interface StatusCommandOptions extends AwsCommandOptions {
  readonly json: boolean;
}

export function statusCommand(): Command {
  return withAwsOptions(
    new Command('status')
      .description('Queue depths (visible, in flight), DLQ depth and the number of orders stored')
      .option('--json', 'print the status as JSON', false),
  ).action(async (options: StatusCommandOptions) => {
    const clientOptions = await openAwsTarget('status', options);
    const clients = createAwsClients(clientOptions);
    const resources = await describeResources({ names: resourceNamesFrom(options), clients });
    const [queue, dlq, orders] = await Promise.all([
      new SqsMessageQueue({ queueUrl: resources.queueUrl, client: clients.sqs }).depth(),
      new SqsMessageQueue({ queueUrl: resources.dlqUrl, client: clients.sqs }).depth(),
      countTableItems(clients.dynamodb, resources.names.tableName),
    ]);
    const status = {
      queue: { name: resources.names.queueName, ...queue },
      dlq: { name: resources.names.dlqName, ...dlq },
      table: { name: resources.names.tableName, items: orders },
    };
    if (options.json) {
      process.stdout.write(`${JSON.stringify(status)}\n`);
      return;
    }
    process.stdout.write(
      `${[
        `${status.queue.name.padEnd(12)} ${queue.visible} visible, ${queue.inFlight} in flight${queue.delayed ? `, ${queue.delayed} delayed` : ''}`,
        `${status.dlq.name.padEnd(12)} ${dlq.visible + dlq.inFlight} message(s)`,
        `${status.table.name.padEnd(12)} ${orders} order(s)`,
      ].join('\n')}\n`,
    );
  });
}
