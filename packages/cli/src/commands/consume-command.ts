import { Command } from 'commander';
import { createSqsClient, DynamoDbOrderRepository, lookUpConsumeQueue, SqsMessageQueue } from '@orders/adapters-aws';
import { DEFAULT_CONCURRENCY, ProcessOrderBatch, QueueConsumer, silentLogger, type ConsumerReport } from '@orders/core';
import { ConsumeProgress } from '../consume/consume-progress';
import { EXIT_RECEIVES_FAILING, failingExitSentence } from '../consume/failing-exit';
import { refuseFifoQueue } from '../consume/fifo-queue';
import {
  consumerRetryPacing,
  type ConsumerTuningOptions,
  withConsumerTuningOptions,
} from '../consume/consumer-settings';
import { consumerClientOptions, consumerMaxInFlight } from '../consume/consumer-sockets';
import { stopAnnouncement } from '../consume/stop-announcement';
import { parseInteger } from '../output/parse-integer';
import { openAwsTarget, resourceNamesFrom, withAwsOptions, type AwsCommandOptions } from '../runtime/aws-options';
import { shutdownWithin, startCommandTracing } from '../runtime/command-tracing';
import { stopOnSignals } from '../runtime/stop-on-signals';
import { systemScheduler } from '../runtime/system-scheduler';

interface ConsumeCommandOptions extends AwsCommandOptions, ConsumerTuningOptions {
  readonly untilEmpty: boolean;
  readonly pollers: number;
  readonly concurrency: number;
  readonly waitSeconds: number;
  readonly visibilityTimeout?: number;
  readonly batchTimeout: number;
  readonly stopTimeout: number;
  readonly exitAfterFailing: number;
  readonly quiet: boolean;
  readonly logs: boolean;
  readonly json: boolean;
}

export function consumeCommand(): Command {
  const command = withConsumerTuningOptions(
    new Command('consume')
      .description(
        'Run the long-running consumer: OrderQueue → the same use case as the Lambda → Orders (Ctrl-C stops gracefully)',
      )
      .option('--until-empty', 'exit once the queue is drained and no message is in flight', false)
      .option('--pollers <n>', 'receive loops running at once', parseInteger('--pollers', 1, 64), 2)
      .option(
        '--concurrency <n>',
        'saves in flight at once, across the batches in hand (a ceiling: halved while DynamoDB throttles, regained step by step)',
        parseInteger('--concurrency', 1, 1000),
        DEFAULT_CONCURRENCY,
      )
      .option(
        '--wait-seconds <n>',
        'long-poll wait per receive (at most 1 with --until-empty, so that a drained queue is seen within a second)',
        parseInteger('--wait-seconds', 0, 20),
        20,
      )
      .option(
        '--visibility-timeout <seconds>',
        "how long a received message stays hidden, asked for on each receive and renewed by each heartbeat (default: the queue's own)",
        parseInteger('--visibility-timeout', 1, 43_200),
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
      .option(
        '--exit-after-failing <seconds>',
        `once every receive has failed this long, stop and exit with code ${EXIT_RECEIVES_FAILING}, for a supervisor to restart it (0: never)`,
        parseInteger('--exit-after-failing', 0, 86_400),
        60,
      )
      .option(
        '--logs',
        'one JSON log line per message on stdout even on a terminal (the default when not a terminal)',
        false,
      )
      .option('--quiet', 'no per-message log lines, no status line', false)
      .option('--json', 'print the final report as JSON on stdout', false),
  );
  return withAwsOptions(command).action(async (options: ConsumeCommandOptions) => {
    // Listen first: a stop that comes while the command is still looking up its queue is a stop too.
    let progress: ConsumeProgress | undefined;
    const stop = stopOnSignals('orders consume', {
      finishing: stopAnnouncement(options.stopTimeout),
      beforeMessage: () => progress?.clear(),
    });
    try {
      await consume(options, stop.signal, (shown) => {
        progress = shown;
      });
    } finally {
      stop.dispose();
    }
  });
}

/** How long a stop a signal asked for waits for its last spans to export. */
const STOPPING_TRACING_BUDGET_MS = 1_000;

async function consume(
  options: ConsumeCommandOptions,
  signal: AbortSignal,
  showing: (progress: ConsumeProgress | undefined) => void,
): Promise<void> {
  refuseFifoQueue(resourceNamesFrom(options).queueName);
  const clientOptions = await openAwsTarget('consume', options);
  const names = resourceNamesFrom(options);
  const retryPacing = consumerRetryPacing(options, process.env);
  // Each client gets a socket for every call the consumer can have in flight (consumer-sockets.ts).
  const maxInFlight = consumerMaxInFlight(options);
  const serviceOptions = consumerClientOptions(clientOptions, { pollers: options.pollers, maxInFlight });
  // Only what consuming needs before the first receive: the queue URL and its attributes.
  const sqs = createSqsClient(serviceOptions.sqs);
  const target = await lookUpConsumeQueue(sqs, names.queueName);
  const queue = new SqsMessageQueue({ queueUrl: target.queueUrl, client: sqs, clientOptions });
  // The heartbeat must beat the queue's real timeout, so use it unless told otherwise.
  const visibilityTimeoutSeconds = options.visibilityTimeout ?? Math.max(1, target.visibilityTimeoutSeconds);
  const output = consumeOutput(options, names.queueName);
  showing(output.progress);
  // Powertools loads only when its lines are wanted: a quiet or terminal run starts without it.
  const logger = output.logs
    ? (await import('@orders/observability')).createPowertoolsLogger({
        serviceName: 'orders-consumer',
        logLevel: 'info',
      })
    : silentLogger;
  // Tracing as the Lambda has it, from OpenTelemetry's standard variables: a process span per
  // record, in its producer's trace, with the DynamoDB write as its child; nothing at all when off.
  const tracing = await startCommandTracing('orders-consumer', output.logs ? { logger } : {});
  const repository = new DynamoDbOrderRepository({
    tableName: names.tableName,
    clientOptions: serviceOptions.dynamodb,
  });
  const consumer = new QueueConsumer(
    {
      queue,
      processOrderBatch: new ProcessOrderBatch(
        {
          repository,
          logger,
          tracing: tracing.recordTracing,
          ...(output.progress ? { metrics: output.progress } : {}),
        },
        { concurrency: options.concurrency },
      ),
      scheduler: systemScheduler,
      logger,
      ...(output.progress ? { observer: output.progress } : {}),
    },
    {
      visibilityTimeoutSeconds,
      pollers: options.pollers,
      waitTimeSeconds: options.waitSeconds,
      batchTimeoutMs: options.batchTimeout * 1000,
      stopTimeoutMs: options.stopTimeout * 1000,
      stopAfterFailingMs: options.exitAfterFailing * 1000,
      retryPacing,
      maxInFlight,
      ...(target.maxReceiveCount === undefined ? {} : { maxReceiveCount: target.maxReceiveCount }),
      ...(options.untilEmpty ? { untilEmpty: () => queue.depth() } : {}),
    },
  );
  output.progress?.start();
  let report: ConsumerReport;
  try {
    report = await consumer.run(signal);
  } finally {
    output.progress?.stop();
    // The last spans leave before the process does (never throws). A stop a signal asked for has a
    // grace period running (Docker's 10 s, up to 8 of them spent by the image's stop timeout and the
    // hand-back): its spans get a second, not the export timeout, and the messages come first.
    await (signal.aborted ? shutdownWithin(tracing, STOPPING_TRACING_BUDGET_MS) : tracing.shutdown());
  }
  await printReport(report, options.json);
  if (report.stoppedBy === 'failing') {
    await writeTo(process.stderr, `${failingExitSentence(report, options.exitAfterFailing)}\n`);
    // Whatever the failing calls left behind, the supervisor should see the exit now.
    process.exit(EXIT_RECEIVES_FAILING);
  }
  // Work the consumer gave up on (a timed-out batch, what a stop left) may still hold sockets
  // until its own timeouts: the process is done, so it does not wait for them.
  if (report.stopTimedOut || report.abandonedRunning > 0) process.exit(0);
}

/**
 * What a person sees, by where the output goes: on a terminal, a status line (counts, rate,
 * outcomes) and no per-message JSON unless `--logs`; not on a terminal (a pipe, a log collector),
 * the JSON log lines as before. `--quiet` silences both.
 */
function consumeOutput(
  options: Pick<ConsumeCommandOptions, 'quiet' | 'logs' | 'json' | 'exitAfterFailing'>,
  queueName: string,
): { logs: boolean; progress: ConsumeProgress | undefined } {
  if (options.quiet) return { logs: false, progress: undefined };
  const terminal = process.stderr.isTTY === true;
  return {
    logs: options.logs || !terminal,
    progress:
      terminal && !options.logs
        ? new ConsumeProgress(queueName, process.stderr, { exitAfterFailingSeconds: options.exitAfterFailing })
        : undefined,
  };
}

const writeTo = (stream: NodeJS.WriteStream, text: string): Promise<void> =>
  new Promise((resolve) => stream.write(text, () => resolve()));

const STOPPED_BY: Record<ConsumerReport['stoppedBy'], string> = {
  empty: 'queue drained',
  signal: 'signal',
  failing: 'every receive failing',
};

async function printReport(report: ConsumerReport, json: boolean): Promise<void> {
  if (json) return writeTo(process.stdout, `${JSON.stringify(report)}\n`);
  const how = STOPPED_BY[report.stoppedBy];
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
  await writeTo(
    process.stderr,
    `orders consume: stopped (${how}): ${parts.join(', ')}, in ${report.batches} batches${left}\n`,
  );
}
