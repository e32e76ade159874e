import { Command } from 'commander';
import { describeResources, DynamoDbOrderRepository, SqsMessageQueue } from '@orders/adapters-aws';
import { DEFAULT_CONCURRENCY, ProcessOrderBatch, QueueConsumer, silentLogger, type ConsumerReport } from '@orders/core';
import { createPowertoolsLogger } from '@orders/lambda-entry';
import { parseInteger } from '../output/parse-integer';
import { openAwsTarget, resourceNamesFrom, withAwsOptions, type AwsCommandOptions } from '../runtime/aws-options';
import { systemScheduler } from '../runtime/system-scheduler';

interface ConsumeCommandOptions extends AwsCommandOptions {
  readonly untilEmpty: boolean;
  readonly pollers: number;
  readonly concurrency: number;
  readonly waitSeconds: number;
  readonly visibilityTimeout?: number;
  readonly retryDelay?: number;
  readonly batchTimeout: number;
  readonly stopTimeout: number;
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
        "how long a received message stays hidden, asked for on each receive and renewed by each heartbeat (default: the queue's own)",
        parseInteger('--visibility-timeout', 1, 43_200),
      )
      .option(
        '--retry-delay <seconds>',
        'make a failed message visible again after this long instead of the full timeout',
        parseInteger('--retry-delay', 0, 43_200),
      )
      .option(
        '--batch-timeout <seconds>',
        'give up on a batch that takes longer (it is left for redelivery) and go on',
        parseInteger('--batch-timeout', 1, 43_200),
        60,
      )
      .option(
        '--stop-timeout <seconds>',
        'on Ctrl-C / SIGTERM: how long in-flight work may take before what is left is handed back',
        parseInteger('--stop-timeout', 0, 3_600),
        10,
      )
      .option('--quiet', 'no per-message log lines', false)
      .option('--json', 'print the final report as JSON', false),
  ).action(async (options: ConsumeCommandOptions) => {
    const clientOptions = await openAwsTarget('consume', options);
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
        batchTimeoutMs: options.batchTimeout * 1000,
        stopTimeoutMs: options.stopTimeout * 1000,
        ...(options.retryDelay === undefined ? {} : { retryDelaySeconds: options.retryDelay }),
        ...(options.untilEmpty ? { untilEmpty: () => queue.depth() } : {}),
      },
    );
    const stop = stopOnSignals();
    let report: ConsumerReport;
    try {
      report = await consumer.run(stop.signal);
    } finally {
      stop.dispose();
    }
    await printReport(report, options.json);
    // Work the consumer gave up on (a timed-out batch, what a stop left) may still hold sockets
    // until its own timeouts: the process is done, so it does not wait for them.
    if (report.stopTimedOut || report.abandonedRunning > 0) process.exit(0);
  });
}

/**
 * SIGINT/SIGTERM ask for a graceful stop: no new receive, in-flight batches finish and are
 * deleted, then the process exits 0; after --stop-timeout, what is still in hand is handed back to
 * the queue and the process exits anyway, saying so. A second signal exits at once (messages not
 * yet deleted are simply redelivered later: nothing is lost either way).
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

async function printReport(report: ConsumerReport, json: boolean): Promise<void> {
  const write = (stream: NodeJS.WriteStream, text: string): Promise<void> =>
    new Promise((resolve) => stream.write(text, () => resolve()));
  if (json) return write(process.stdout, `${JSON.stringify(report)}\n`);
  const how = report.stoppedBy === 'empty' ? 'queue drained' : 'signal';
  const parts = [
    `${report.received} received`,
    `${report.acknowledged} acknowledged`,
    `${report.failed} failed (left for redelivery)`,
  ];
  const optional: [number, string][] = [
    [report.deletedLate, 'deleted after their visibility deadline (may come back)'],
    [report.deleteFailures, 'delete failures'],
    [report.timedOut, `in ${report.timedOutBatches} timed-out batch(es) (left for redelivery)`],
    [report.heartbeatFailures, 'heartbeat failures'],
    [report.releaseFailures, 'retry delays not applied'],
    [report.receiveErrors, 'receive errors'],
  ];
  for (const [count, what] of optional) if (count > 0) parts.push(`${count} ${what}`);
  const left = report.stopTimedOut
    ? `; the stop timeout ran out: ${report.left} message(s) left in hand, ${report.handedBack} handed back to the queue, the rest return after their visibility timeout`
    : '';
  await write(
    process.stderr,
    `orders consume: stopped (${how}): ${parts.join(', ')}, in ${report.batches} batches${left}\n`,
  );
}
