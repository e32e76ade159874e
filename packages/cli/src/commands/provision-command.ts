import { Command } from 'commander';
import { provisionResources } from '@orders/adapters-aws';
import { parseInteger } from '../output/parse-integer';
import { resourceNamesFrom, withAwsOptions, type AwsCommandOptions } from '../runtime/aws-options';
import { announceTarget, awsTargetFrom, requireRealAwsConsent } from '../runtime/aws-target';

interface ProvisionCommandOptions extends AwsCommandOptions {
  readonly maxReceiveCount: number;
  readonly visibilityTimeout: number;
  readonly rawDelivery: boolean;
  readonly json: boolean;
  readonly iKnowThisIsRealAws: boolean;
}

export function provisionCommand(): Command {
  return withAwsOptions(
    new Command('provision')
      .description(
        'Create the Orders table, OrderTopic, OrderQueue and OrderDLQ, the subscription and the queue policy. Idempotent and ' +
          'declarative: existing resources are brought to the options given (defaults included), so rerun it with the same options',
      )
      .option(
        '--max-receive-count <n>',
        'receives before a message moves to the DLQ',
        parseInteger('--max-receive-count', 1, 1000),
        3,
      )
      .option(
        '--visibility-timeout <seconds>',
        'OrderQueue visibility timeout (≥ 6 × the function timeout)',
        parseInteger('--visibility-timeout', 0, 43_200),
        180,
      )
      .option('--raw-delivery', 'deliver the order JSON itself instead of the SNS envelope', false)
      .option('--json', 'print the result as JSON', false)
      .option('--i-know-this-is-real-aws', 'create the resources in AWS itself (no emulator endpoint is set)', false),
  ).action(async (options: ProvisionCommandOptions) => {
    const target = awsTargetFrom(options);
    requireRealAwsConsent('provision', target, options.iKnowThisIsRealAws);
    await announceTarget('provision', target);
    const result = await provisionResources({
      names: resourceNamesFrom(options),
      clientOptions: target.clientOptions,
      maxReceiveCount: options.maxReceiveCount,
      visibilityTimeoutSeconds: options.visibilityTimeout,
      rawMessageDelivery: options.rawDelivery,
    });
    if (options.json) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return;
    }
    const lines = [
      result.changes.length === 0
        ? 'Everything already exists as configured; nothing changed.'
        : `${result.changes.length} change(s):`,
      ...result.changes.map((c) => `  ${c.action} ${c.resource}${c.detail ? ` (${c.detail})` : ''}`),
      '',
      `table         ${result.tableArn}`,
      `topic         ${result.topicArn}`,
      `queue         ${result.queueUrl}`,
      `dead letters  ${result.dlqUrl}`,
      `subscription  ${result.subscriptionArn}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  });
}
