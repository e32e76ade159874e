import { Command, Option } from 'commander';
import {
  describeResources,
  DlqTools,
  DEFAULT_REDRIVE_LEASE_MS,
  DynamoDbRedriveLease,
  type DlqMessage,
  type RedriveStrategy,
} from '@orders/adapters-aws';
import { formatTable } from '../output/format-table';
import { parseInteger } from '../output/parse-integer';
import { openAwsTarget, resourceNamesFrom, withAwsOptions, type AwsCommandOptions } from '../runtime/aws-options';

interface DlqListCommandOptions extends AwsCommandOptions {
  readonly json: boolean;
  readonly max: number;
}

interface DlqRedriveCommandOptions extends AwsCommandOptions {
  readonly strategy: RedriveStrategy;
  readonly visibilityTimeout: number;
  readonly json: boolean;
}

/**
 * The DLQ tools for the named resources. A redrive takes a lease in the Orders table (an item under
 * a key no order can have) while it decides and while it copies, so two redrives of one DLQ never
 * run at once: the second refuses with one sentence. So does any redrive while an SQS message move
 * task (a previous redrive's, or one started in the console) is still at work on the DLQ.
 */
async function dlqTools(
  options: AwsCommandOptions,
  redrive?: { readonly visibilityTimeoutSeconds: number },
): Promise<DlqTools> {
  const clientOptions = await openAwsTarget(redrive === undefined ? 'dlq list' : 'dlq redrive', options);
  const resources = await describeResources({ names: resourceNamesFrom(options), clientOptions });
  const lease =
    redrive === undefined
      ? undefined
      : new DynamoDbRedriveLease({
          tableName: resources.names.tableName,
          queueName: resources.names.dlqName,
          clientOptions,
          // The lease must outlast what a run holds at once (a batch, for its visibility timeout), with room to renew.
          durationMs: Math.max(DEFAULT_REDRIVE_LEASE_MS, 2 * (redrive.visibilityTimeoutSeconds + 1) * 1000),
        });
  return new DlqTools({
    dlqUrl: resources.dlqUrl,
    sourceQueueUrl: resources.queueUrl,
    clientOptions,
    ...(lease === undefined ? {} : { lease }),
  });
}

export function dlqCommand(): Command {
  const list = withAwsOptions(
    new Command('list')
      .description('Show each message in OrderDLQ: id, receive count, orderId if readable, and why it failed')
      .option('--max <n>', 'most messages to show', parseInteger('--max', 1, 10_000), 100)
      .option('--json', 'print the messages as JSON', false),
  ).action(async (options: DlqListCommandOptions) => {
    const listing = await (await dlqTools(options)).list({ maxMessages: options.max });
    if (options.json) {
      process.stdout.write(`${JSON.stringify(listing)}\n`);
      return;
    }
    process.stdout.write(`${renderListing(listing.messages)}\n`);
    if (listing.truncated) process.stdout.write(`(showing the first ${listing.messages.length}; use --max for more)\n`);
  });

  const redrive = withAwsOptions(
    new Command('redrive')
      .description(
        'Move the messages in OrderDLQ back to OrderQueue (StartMessageMoveTask when supported, else receive → send → delete); refuses while a move task is still at work on OrderDLQ',
      )
      .addOption(
        new Option('--strategy <strategy>', 'how to move them')
          .choices(['auto', 'move-task', 'manual'])
          .default('auto'),
      )
      .option(
        '--visibility-timeout <seconds>',
        'receive → send → delete: how long each message stays hidden in OrderDLQ while it is copied',
        parseInteger('--visibility-timeout', 2, 43_200),
        60,
      )
      .option('--json', 'print the result as JSON', false),
  ).action(async (options: DlqRedriveCommandOptions) => {
    const hold = { visibilityTimeoutSeconds: options.visibilityTimeout };
    const result = await (await dlqTools(options, hold)).redrive({
      strategy: options.strategy,
      visibilityTimeoutSeconds: options.visibilityTimeout,
    });
    if (options.json) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
    } else if (result.strategy === 'move-task') {
      process.stdout.write(
        `Started an SQS message move task (${result.taskHandle}); SQS moves the messages back in the background ` +
          `(follow it with \`aws sqs list-message-move-tasks --source-arn ${result.dlqArn}\`).\n`,
      );
    } else {
      // Not an error: an emulator without message move tasks (moto) gets the copy path. The
      // endpoint's answer stays in --json (fallbackReason) and ORDERS_DEBUG for whoever needs it.
      const how = result.fallbackReason
        ? 'copied one by one (receive → send → delete), as this endpoint offers no StartMessageMoveTask'
        : 'copied one by one (receive → send → delete)';
      process.stdout.write(`Moved ${result.moved} message(s) back to the source queue, ${how}.\n`);
      if (result.fallbackReason && process.env['ORDERS_DEBUG']) process.stderr.write(`${result.fallbackReason}\n`);
      for (const failure of result.failures) {
        process.stderr.write(
          `message ${failure.messageId}: ${failure.stage.replaceAll('_', ' ')}: ${failure.message} [${failure.code}]\n`,
        );
      }
      if (result.stoppedBy !== undefined) process.stderr.write(`redrive stopped early: ${result.stoppedBy}\n`);
    }
    if (result.strategy === 'manual' && (result.failures.length > 0 || result.stoppedBy !== undefined))
      process.exitCode = 1;
  });

  return new Command('dlq')
    .description('Inspect and redrive the dead-letter queue')
    .addCommand(list)
    .addCommand(redrive);
}

function renderListing(messages: readonly DlqMessage[]): string {
  if (messages.length === 0) return 'OrderDLQ is empty.';
  return [
    `${messages.length} message(s) in the dead-letter queue (receives: deliveries, plus 1 for each earlier listing — SQS has no peek):`,
    formatTable(
      ['messageId', 'receives', 'orderId', 'why it failed'],
      messages.map((m) => [m.messageId, String(m.receiveCount), m.diagnosis.orderId ?? '—', m.diagnosis.reason]),
      100,
    ),
  ].join('\n');
}
