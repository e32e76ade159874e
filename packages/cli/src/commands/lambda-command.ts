import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { ServeLambdaReport } from '../lambda/serve-lambda';
import { openAwsTarget } from '../runtime/aws-options';
import { parseInteger } from '../output/parse-integer';
import { stopOnSignals } from '../runtime/stop-on-signals';

/** The repository root, from packages/cli/{src,dist}/commands. */
const REPO_ROOT = join(__dirname, '..', '..', '..', '..');
const DEFAULT_CDK_OUT = join(REPO_ROOT, 'infra', 'cdk.out');
const DEPLOYED_BUNDLE = join(REPO_ROOT, 'packages', 'lambda-entry', 'dist', 'index.mjs');

interface ServeCommandOptions {
  readonly endpoint?: string;
  readonly region?: string;
  readonly cdkOut: string;
  readonly stack?: string;
  readonly function?: string;
  readonly env: Record<string, string>;
  readonly timeout?: number;
  readonly logFormat?: 'JSON' | 'Text';
  readonly provision: boolean;
  readonly visibilityTimeout?: number;
  readonly untilEmpty: boolean;
  readonly waitSeconds: number;
  readonly concurrency: number;
  readonly node?: string;
  readonly quiet: boolean;
  readonly json: boolean;
}

export function lambdaCommand(): Command {
  return new Command('lambda')
    .description('Run the deployed Lambda locally, as Lambda runs it')
    .addCommand(serveCommand());
}

function serveCommand(): Command {
  return new Command('serve')
    .description(
      'Serve OrderQueue with the synthesized OrderProcessor (pnpm build && pnpm synth first): its code asset in a temp task ' +
        "directory, AWS's runtime interface client, the template's handler, runtime, memory, timeout, environment and log " +
        "format, and the event source mapping's batch size, window and ReportBatchItemFailures. Ctrl-C / SIGTERM stops gracefully",
    )
    .addOption(new Option('--endpoint <url>', 'AWS endpoint (moto, LocalStack); default: AWS_ENDPOINT_URL'))
    .addOption(new Option('--region <region>', 'AWS region; default: AWS_REGION or the shared config'))
    .addOption(
      new Option('--cdk-out <dir>', 'the cloud assembly pnpm synth wrote').default(DEFAULT_CDK_OUT, 'infra/cdk.out'),
    )
    .option('--stack <name>', 'the stack, when the assembly holds several')
    .option('--function <name>', 'logical id or FunctionName, when the stack has several functions')
    .addOption(
      new Option('--env <NAME=VALUE>', 'set a function environment variable (repeatable); wins over the template')
        .argParser(collectEnv)
        .default({}, 'none'),
    )
    .option('--timeout <seconds>', "override the template's function timeout", parseInteger('--timeout', 1, 900))
    .addOption(new Option('--log-format <format>', "override the template's log format").choices(['JSON', 'Text']))
    .option('--provision', "create the template's table, topic, queue and DLQ first (idempotent)", false)
    .option(
      '--visibility-timeout <seconds>',
      "with --provision: OrderQueue's visibility timeout instead of the template's (short: retries come back sooner)",
      parseInteger('--visibility-timeout', 0, 43_200),
    )
    .option('--until-empty', 'exit once the queue has nothing visible, in flight or delayed', false)
    .option('--wait-seconds <n>', 'long-poll wait per receive (Lambda: 20)', parseInteger('--wait-seconds', 0, 20), 20)
    .option(
      '--concurrency <n>',
      'execution environments, each with its own poller',
      parseInteger('--concurrency', 1, 10),
      1,
    )
    .option('--node <path>', 'the node binary that runs the runtime client (default: this one)')
    .option('--quiet', "don't print the function's log lines", false)
    .option('--json', 'print the final report as JSON', false)
    .action(async (options: ServeCommandOptions) => {
      if (options.visibilityTimeout !== undefined && !options.provision) {
        throw new InvalidArgumentError('--visibility-timeout only applies with --provision');
      }
      // The local Lambda host loads when it serves, so that every other command starts without it.
      const [{ serveLambda }, { loadServedStack }] = await Promise.all([
        import('../lambda/serve-lambda.js'),
        import('../lambda/served-stack.js'),
      ]);
      // The template first: with nothing synthesized, that is the one thing to say, before any AWS call.
      const stack = loadServedStack({
        cdkOut: options.cdkOut,
        defaultCdkOut: DEFAULT_CDK_OUT,
        ...(options.stack === undefined ? {} : { stackName: options.stack }),
      });
      const clientOptions = await openAwsTarget('lambda serve', options);
      const stop = stopOnSignals('orders lambda serve');
      try {
        const report = await serveLambda({
          stack,
          ...(options.function === undefined ? {} : { functionName: options.function }),
          clientOptions,
          environmentOverrides: options.env,
          ...(options.timeout === undefined ? {} : { timeoutSeconds: options.timeout }),
          ...(options.logFormat === undefined ? {} : { logFormat: options.logFormat }),
          provision: options.provision,
          ...(options.visibilityTimeout === undefined ? {} : { visibilityTimeoutSeconds: options.visibilityTimeout }),
          untilEmpty: options.untilEmpty,
          waitTimeSeconds: options.waitSeconds,
          concurrency: options.concurrency,
          ...(options.node === undefined ? {} : { nodePath: options.node }),
          ...(options.cdkOut === DEFAULT_CDK_OUT ? { currentBundle: DEPLOYED_BUNDLE } : {}),
          onLogLine: options.quiet ? () => undefined : (line) => process.stdout.write(`${line}\n`),
          onStatus: (line) => process.stderr.write(`orders lambda serve: ${line}\n`),
          signal: stop.signal,
        });
        printReport(report, options.json);
      } finally {
        stop.dispose();
      }
    });
}

function collectEnv(pair: string, previous: Record<string, string>): Record<string, string> {
  const eq = pair.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`--env expects NAME=VALUE, got "${pair}"`);
  return { ...previous, [pair.slice(0, eq)]: pair.slice(eq + 1) };
}

function printReport(report: ServeLambdaReport, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return;
  }
  process.stderr.write(
    `orders lambda serve: stopped (${report.stoppedBy === 'empty' ? 'queue drained' : 'signal'}): ${report.invocations} invocations ` +
      `(${report.coldStarts} cold starts, ${report.failedInvocations} failed as a whole), ${report.received} records received, ` +
      `${report.deleted} deleted, ${report.left} left for redelivery, ${report.deleteFailures} delete failures, ` +
      `${report.receiveErrors} receive errors\n`,
  );
}
