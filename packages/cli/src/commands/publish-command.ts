import { closeSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { type AwsClientOptions, describeResources, type ResourceNames, SnsOrderPublisher } from '@orders/adapters-aws';
import type { OrderEventPublisher } from '@orders/core';
import type { InvalidLine, PublishSummary } from '../publish/publish-orders';
import { parseInteger } from '../output/parse-integer';
import { resourceNamesFrom, withAwsOptions, type AwsCommandOptions } from '../runtime/aws-options';
import { announceTarget, awsTargetFrom, requireRealAwsConsent } from '../runtime/aws-target';
import { startCommandTracing } from '../runtime/command-tracing';
import { UsageError } from '../runtime/usage-error';

interface PublishCommandOptions extends AwsCommandOptions {
  readonly file?: string;
  readonly sample?: number;
  readonly seed: number;
  readonly unchecked: boolean;
  readonly json: boolean;
  readonly iKnowThisIsRealAws: boolean;
}

/** Where `publish` sends orders: the topic's name (for the summary) and a publisher to it. */
export interface OrderTopicTarget {
  readonly topicName: string;
  readonly publisher: OrderEventPublisher;
}

/** Finds the topic to publish to: SNS by default; a test hands in a topic in memory. */
export type OpenOrderTopic = (names: ResourceNames, clientOptions: AwsClientOptions) => Promise<OrderTopicTarget>;

/** OrderTopic on SNS, found by name with the rest of the stack (what is missing is one sentence, before any publish). */
const openSnsOrderTopic: OpenOrderTopic = async (names, clientOptions) => {
  const resources = await describeResources({ names, clientOptions });
  return {
    topicName: resources.names.topicName,
    publisher: new SnsOrderPublisher({ topicArn: resources.topicArn, clientOptions }),
  };
};

export function publishCommand(openTopic: OpenOrderTopic = openSnsOrderTopic): Command {
  return withAwsOptions(
    new Command('publish')
      .description('Publish orders to OrderTopic from a JSON Lines file (one order per line) or generated samples')
      .option(
        '--file <path>',
        'JSON Lines file (- for standard input); invalid lines are reported with their line numbers and not published',
      )
      .option('--sample <n>', 'publish n generated valid orders', parseInteger('--sample', 1, 10_000_000))
      .option('--seed <n>', 'seed for --sample', parseInteger('--seed', 0, 2 ** 31), 1)
      .option('--unchecked', 'publish every line as it is, even invalid ones (to exercise the DLQ)', false)
      .option('--json', 'print the summary as JSON', false)
      .option('--i-know-this-is-real-aws', 'allow --unchecked against AWS itself (no emulator endpoint is set)', false),
  ).action(async (options: PublishCommandOptions) => {
    if ((options.file === undefined) === (options.sample === undefined)) {
      throw new UsageError('publish needs exactly one of --file <path> or --sample <n>');
    }
    // Check the input before touching AWS: a typo in a path should not cost a round trip.
    const fromStdin = options.file === '-';
    const file = options.file === undefined || fromStdin ? undefined : readableFile(options.file);
    const target = awsTargetFrom(options);
    // Poison on purpose is for an emulator; in a real account it needs saying so.
    if (options.unchecked) requireRealAwsConsent('publish --unchecked', target, options.iKnowThisIsRealAws);
    await announceTarget('publish', target);
    // With OpenTelemetry's standard variables set, each message is published in a span of its own,
    // whose W3C context it carries to the consumers (`SnsOrderPublisher`); nothing at all when off.
    const tracing = await startCommandTracing('orders-publisher');
    try {
      await publishTo(openTopic, options, target.clientOptions, file, fromStdin);
    } finally {
      await tracing.shutdown();
    }
  });
}

/** Publishes the file, standard input or the samples to the topic, and reports what became of them. */
async function publishTo(
  openTopic: OpenOrderTopic,
  options: PublishCommandOptions,
  clientOptions: AwsClientOptions,
  file: { path: string; bytes: number } | undefined,
  fromStdin: boolean,
): Promise<void> {
  const { topicName, publisher } = await openTopic(resourceNamesFrom(options), clientOptions);
  // Publishing's own modules (the sample generator, the progress bar, the refused-line report) load when it publishes.
  const [{ publishFile, publishSample }, { terminalProgress }, { describeInvalidLine }] = await Promise.all([
    import('../publish/publish-orders.js'),
    import('../output/progress-bar.js'),
    import('../publish/invalid-line-report.js'),
  ]);
  let summary: PublishSummary;
  if (file !== undefined) {
    summary = await publishFile(publisher, file.path, {
      unchecked: options.unchecked,
      totalBytes: file.bytes,
      ...progressOption(terminalProgress('publishing', 64 * 1024, ' bytes')),
    });
  } else if (fromStdin) {
    summary = await publishFile(publisher, process.stdin, { unchecked: options.unchecked, totalBytes: 0 });
    if (summary.published + summary.invalid.length + summary.failed.length === 0) {
      throw new UsageError('standard input (--file -) held no order; write one order (JSON) per line');
    }
  } else {
    summary = await publishSample(publisher, options.sample ?? 0, {
      seed: options.seed,
      ...progressOption(terminalProgress('publishing', 500)),
    });
  }
  report(summary, topicName, options.json, describeInvalidLine);
  if (summary.invalid.length > 0 || summary.failed.length > 0) process.exitCode = 1;
}

/**
 * The file's absolute path and size. A relative path is the user's: `pnpm orders` runs the script
 * from the workspace root, and pnpm passes the directory it was called from as INIT_CWD.
 */
function readableFile(given: string): { path: string; bytes: number } {
  const path = resolve(process.env['INIT_CWD'] ?? process.cwd(), given);
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch {
    throw new UsageError(`cannot read ${given}: no such file`);
  }
  if (!stats.isFile()) throw new UsageError(`cannot read ${given}: not a file`);
  if (!hasNonBlankByte(path)) {
    throw new UsageError(
      `${given} holds no order: it is ${stats.size === 0 ? 'empty' : 'blank'}; write one order (JSON) per line`,
    );
  }
  return { path, bytes: stats.size };
}

/** Whether the file has anything but whitespace, reading only as far as the first such byte. */
function hasNonBlankByte(path: string): boolean {
  const descriptor = openSync(path, 'r');
  try {
    const chunk = Buffer.alloc(64 * 1024);
    for (let read = readSync(descriptor, chunk); read > 0; read = readSync(descriptor, chunk)) {
      for (let i = 0; i < read; i++) {
        const byte = chunk[i] as number;
        if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) return true;
      }
    }
    return false;
  } finally {
    closeSync(descriptor);
  }
}

const progressOption = <T>(progress: T | undefined): { progress?: T } => (progress === undefined ? {} : { progress });

function report(
  summary: PublishSummary,
  topicName: string,
  json: boolean,
  describeInvalidLine: (line: InvalidLine) => string,
): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return;
  }
  for (const line of summary.invalid) process.stderr.write(`${describeInvalidLine(line)}\n`);
  for (const failure of summary.failed)
    process.stderr.write(`message ${failure.position}: not published: ${failure.message} [${failure.code}]\n`);
  const parts = [`Published ${summary.published} order message(s) to ${topicName}`];
  if (summary.invalid.length > 0) parts.push(`${summary.invalid.length} invalid line(s) not published`);
  if (summary.failed.length > 0) parts.push(`${summary.failed.length} failed to publish`);
  process.stdout.write(`${parts.join('; ')}.\n`);
}
