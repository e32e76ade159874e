import { Command } from 'commander';
import { describeResources, DynamoDbOrderRepository, SqsMessageQueue } from '@orders/adapters-aws';
import { DEFAULT_CONCURRENCY, ProcessOrderBatch, QueueConsumer, silentLogger, type ConsumerReport } from '@orders/core';
import { createPowertoolsLogger } from '@orders/lambda-entry';
import { parseInteger } from '../output/parse-integer';
import { clientOptionsFrom, resourceNamesFrom, withAwsOptions, type AwsCommandOptions } from '../runtime/aws-options';
import { systemScheduler } from '../runtime/system-scheduler';

interface ConsumeCommandOptions extends AwsCommandOptions {
  readonly untilEmpty: boolean;
  readonly pollers: number;
  readonly concurrency: number;
  readonly waitSeconds: number;
  readonly visibilityTimeout?: number;
  readonly retryDelay?: number;
  readonly quiet: boolean;
  readonly json: boolean;
}

export function consumeCommand(): Command {
  return withAwsOptions(
    new Command('consume')
      .description(
        'Run the long-running consumer: OrderQueue → the same use case as the Lambda → Orders (Ctrl-C stops gracefully)',
      )
      .option('--until-empty', 'exit once the queue is drained and no message is in flight', false)
      .option('--pollers <n>', 'receive loops running at once', parseInteger('--pollers', 1, 64), 2)
      .option(
        '--concurrency <n>',
        'records of a batch stored at once',
        parseInteger('--concurrency', 1, 1000),
        DEFAULT_CONCURRENCY,
      )
      .option('--wait-seconds <n>', 'long-poll wait per receive', parseInteger('--wait-seconds', 0, 20), 20)
      .option(
        '--visibility-timeout <seconds>',
        "how long each heartbeat extends in-flight messages (default: the queue's own timeout)",
        parseInteger('--visibility-timeout', 1, 43_200),
      )
      .option(
        '--retry-delay <seconds>',
        'make a failed message visible again after this long instead of the full timeout',
        parseInteger('--retry-delay', 0, 43_200),
      )
      .option('--quiet', 'no per-message log lines', false)
      .option('--json', 'print the final report as JSON', false),
  ).action(async (options: ConsumeCommandOptions) => {
    const clientOptions = clientOptionsFrom(options);
    const resources = await describeResources({ names: resourceNamesFrom(options), clientOptions });
    const queue = new SqsMessageQueue({ queueUrl: resources.queueUrl, clientOptions });
    // The heartbeat must beat the queue's real timeout, so read it unless told otherwise.
    const visibilityTimeoutSeconds = options.visibilityTimeout ?? Math.max(1, await queue.visibilityTimeoutSeconds());
    const logger = options.quiet
      ? silentLogger
      : createPowertoolsLogger({ serviceName: 'orders-consumer', logLevel: 'info' });
    const repository = new DynamoDbOrderRepository({ tableName: resources.names.tableName, clientOptions });
    const consumer = new QueueConsumer(
      {
        queue,
        processOrderBatch: new ProcessOrderBatch({ repository, logger }, { concurrency: options.concurrency }),
        scheduler: systemScheduler,
        logger,
      },
      {
        visibilityTimeoutSeconds,
        pollers: options.pollers,
        waitTimeSeconds: options.waitSeconds,
        ...(options.retryDelay === undefined ? {} : { retryDelaySeconds: options.retryDelay }),
        ...(options.untilEmpty ? { untilEmpty: () => queue.depth() } : {}),
      },
    );
    const stop = stopOnSignals();
    try {
      const report = await consumer.run(stop.signal);
      printReport(report, options.json);
    } finally {
      stop.dispose();
    }
  });
}

/**
 * SIGINT/SIGTERM ask for a graceful stop: no new receive, in-flight batches finish and are
 * deleted, then the process exits 0. A second signal exits at once (messages not yet deleted
 * are simply redelivered later: nothing is lost either way).
 */
function stopOnSignals(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      process.stderr.write(`orders consume: second ${name}, exiting now\n`);
      process.exit(130);
    }
    process.stderr.write(
      `orders consume: ${name} received, finishing in-flight messages (send again to exit at once)\n`,
    );
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

function printReport(report: ConsumerReport, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return;
  }
  process.stderr.write(
    `orders consume: stopped (${report.stoppedBy === 'empty' ? 'queue drained' : 'signal'}): ${report.received} received, ` +
      `${report.acknowledged} acknowledged, ${report.failed} failed (left for redelivery), ${report.deleteFailures} delete failures, ` +
      `${report.receiveErrors} receive errors, in ${report.batches} batches\n`,
  );
}
