import { type Command, Option } from 'commander';
import { resolveResourceNames, type AwsClientOptions, type ResourceNames } from '@orders/adapters-aws';
import { announceTarget, awsTargetFrom } from './aws-target';

/** The options every AWS-facing command shares: where to talk to, and which resources. */
export interface AwsCommandOptions {
  readonly endpoint?: string;
  readonly region?: string;
  readonly table?: string;
  readonly topic?: string;
  readonly queue?: string;
  readonly dlq?: string;
}

export function withAwsOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--endpoint <url>', 'AWS endpoint (LocalStack, moto); default: AWS_ENDPOINT_URL or AWS itself'),
    )
    .addOption(new Option('--region <region>', 'AWS region; default: AWS_REGION or the shared config'))
    .addOption(new Option('--table <name>', 'DynamoDB table').default('Orders'))
    .addOption(new Option('--topic <name>', 'SNS topic').default('OrderTopic'))
    .addOption(new Option('--queue <name>', 'SQS queue').default('OrderQueue'))
    .addOption(new Option('--dlq <name>', 'dead-letter queue').default('OrderDLQ'));
}

/**
 * Where the command talks, validated (a bad endpoint or region is one sentence), and said on
 * stderr before anything happens: `talking to http://127.0.0.1:4566` or `talking to AWS account
 * 123456789012 in eu-west-1`.
 */
export async function openAwsTarget(command: string, options: AwsCommandOptions): Promise<AwsClientOptions> {
  const target = awsTargetFrom(options);
  await announceTarget(command, target);
  return target.clientOptions;
}

export function resourceNamesFrom(options: AwsCommandOptions): ResourceNames {
  return resolveResourceNames({
    ...(options.table === undefined ? {} : { tableName: options.table }),
    ...(options.topic === undefined ? {} : { topicName: options.topic }),
    ...(options.queue === undefined ? {} : { queueName: options.queue }),
    ...(options.dlq === undefined ? {} : { dlqName: options.dlq }),
  });
}
