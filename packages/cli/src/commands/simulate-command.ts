import { Command, InvalidArgumentError, Option } from 'commander';
import { parseInteger } from '../output/parse-integer';
import {
  parseIntegerOrNone,
  parseNumber,
  parsePair,
  SIMULATE_DEFAULTS as d,
  type SimulateFlags,
} from '../simulate/simulate-flags';

type Pair = { first: number; second: number };

/** The flags as commander hands them over (pairs still raw, output switches included). */
interface SimulateCommandOptions extends Omit<SimulateFlags, 'burst' | 'hotKeyWindow' | 'outage' | 'throttle'> {
  readonly burst?: Pair;
  readonly hotKeyWindow?: Pair;
  readonly outage?: Pair;
  readonly throttle?: Pair;
  readonly template: string | false;
  readonly json: boolean;
  readonly capacityTables: boolean;
  readonly write: boolean;
}

/** The flags `--capacity-tables` takes beside itself: its scenarios are fixed, so that docs/capacity.md can be checked. */
const CAPACITY_TABLES_FLAGS = new Set(['capacityTables', 'write']);

/** The options the user gave on the command line (not defaults), by attribute name. */
const givenOptions = (command: Command): string[] =>
  command.options
    .map((option) => option.attributeName())
    .filter((name, index, names) => names.indexOf(name) === index && command.getOptionValueSource(name) === 'cli');

/** `rampTo` → `--ramp-to`, `template` → `--template`/`--no-template` as given. */
const flagOf = (attribute: string): string => `--${attribute.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

const rate = (name: string) => parseNumber(name, 0, 1);
const ms = (name: string) => parseInteger(name, 0, 600_000);

/**
 * `orders simulate`: AWS's scaling (the SQS event source mapping, Lambda concurrency, DynamoDB
 * partitions) around the real OrderProcessor handler, on a manual clock: how long a backlog takes,
 * how high concurrency goes, what throttles, what it costs. Prints a table (or one JSON line with
 * --json); exits 1 when an invariant breaks, like the soak.
 */
export function simulateCommand(): Command {
  return (
    new Command('simulate')
      .description(
        "Simulate a workload against the stack's settings under AWS's documented scaling limits (docs/capacity.md): " +
          'time to drain, message age, concurrency, throttles, dead letters, losses and cost per million orders',
      )
      // the workload
      .option('--rate <n>', 'orders per second', parseNumber('--rate', 0, 1_000_000), d.rate)
      .option(
        '--ramp-to <n>',
        'ramp linearly from --rate to this rate over --duration',
        parseNumber('--ramp-to', 0, 1_000_000),
      )
      .option('--duration <s>', 'seconds of arrivals', parseInteger('--duration', 0, 7 * 86_400), d.duration)
      .option(
        '--backlog <n>',
        'messages on the queue at the start (a backlog to drain)',
        parseInteger('--backlog', 0, 100_000_000),
        d.backlog,
      )
      .option(
        '--burst <at:n>',
        'publish N extra messages at once, AT seconds in (e.g. 30:50000)',
        parsePair('--burst', '30:50000'),
      )
      .option(
        '--hot-key-share <p>',
        'share of messages that are newer events of a few hot orders',
        rate('--hot-key-share'),
        d.hotKeyShare,
      )
      .option(
        '--hot-keys <n>',
        'how many hot orders (orderIds) share --hot-key-share',
        parseInteger('--hot-keys', 1, 1_000_000),
        d.hotKeys,
      )
      .option(
        '--hot-key-window <start:duration>',
        'seconds in, and for how long, the hot orders get --hot-key-share (default: the whole run; e.g. a flash sale, 0:10)',
        parsePair('--hot-key-window', '0:10'),
      )
      .option('--poison-rate <p>', 'share of poison messages', rate('--poison-rate'), d.poisonRate)
      .option(
        '--duplicate-rate <p>',
        'share of messages that repeat a recent event',
        rate('--duplicate-rate'),
        d.duplicateRate,
      )
      .option(
        '--outage <start:duration>',
        'seconds in, and for how long, every store call fails',
        parsePair('--outage', '600:1800'),
      )
      .addOption(
        new Option('--outage-class <class>', 'how the outage fails')
          .choices(['transient', 'systemic'])
          .default(d.outageClass),
      )
      .option(
        '--throttle <start:duration>',
        'seconds in, and for how long, the function is throttled (its batches come back after the visibility timeout)',
        parsePair('--throttle', '0:1800'),
      )
      .addOption(
        new Option(
          '--throttle-cause <cause>',
          "account: other functions use the account's unreserved pool (a reservation is kept); " +
            'reserved: reserved concurrency set by hand to --throttle-concurrency-left, below what the mapping polls for',
        )
          .choices(['account', 'reserved'])
          .default(d.throttleCause),
      )
      .option(
        '--throttle-concurrency-left <n>',
        'invocations that can still run inside the throttle window',
        parseInteger('--throttle-concurrency-left', 0, 100_000),
        d.throttleConcurrencyLeft,
      )
      .option(
        '--seed <s>',
        'seed of the workload and the jitter (same seed, same results)',
        parseInteger('--seed', 0, 2 ** 32 - 1),
        d.seed,
      )
      .option(
        '--warm-start',
        'steady traffic, not a launch: the event source mapping starts at its ceiling with as many environments initialised',
        d.warmStart,
      )
      .option(
        '--max-drain <s>',
        'give up this many simulated seconds after the arrivals end',
        parseInteger('--max-drain', 0, 30 * 86_400),
        d.maxDrain,
      )
      // the stack's settings (default: the synthesized template, else the stack's defaults)
      .option(
        '--template <cdk.out>',
        'read the settings from this cloud assembly (default infra/cdk.out when it exists)',
      )
      .option('--no-template', "use the stack's defaults, not the synthesized template")
      .option('--batch-size <n>', 'records per invocation (1–10)', parseInteger('--batch-size', 1, 10))
      .option(
        '--maximum-concurrency <n|none>',
        "the event source mapping's MaximumConcurrency (a reservation equal to it, the stack's default, follows it)",
        parseIntegerOrNone('--maximum-concurrency', 2, 1_000),
      )
      .option(
        '--reserved-concurrency <n|none>',
        "the function's reserved concurrency (none: it shares the account's unreserved pool)",
        parseIntegerOrNone('--reserved-concurrency', 0, 100_000),
      )
      .option(
        '--function-timeout <s>',
        'function timeout (the visibility timeout follows at 6 × unless given)',
        parseInteger('--function-timeout', 1, 900),
      )
      .option('--memory <mb>', 'function memory', parseInteger('--memory', 128, 10_240))
      .option(
        '--visibility-timeout <s>',
        "OrderQueue's visibility timeout",
        parseInteger('--visibility-timeout', 0, 43_200),
      )
      .option('--max-receive-count <k>', 'receives before OrderDLQ', parseInteger('--max-receive-count', 1, 1_000))
      .option(
        '--retry-base-delay <s>',
        'ORDERS_RETRY_BASE_DELAY_SECONDS',
        parseInteger('--retry-base-delay', 0, 43_200),
      )
      .option(
        '--retry-backoff-factor <f>',
        'ORDERS_RETRY_BACKOFF_FACTOR',
        parseNumber('--retry-backoff-factor', 1, 1_000),
      )
      .option('--retry-max-delay <s>', 'ORDERS_RETRY_MAX_DELAY_SECONDS', parseInteger('--retry-max-delay', 0, 43_200))
      .option('--retry-jitter <r>', 'ORDERS_RETRY_JITTER_RATIO', rate('--retry-jitter'))
      .option(
        '--use-case-concurrency <n>',
        'ORDERS_CONCURRENCY: saves of one batch at once',
        parseInteger('--use-case-concurrency', 1, 1_000),
      )
      // the platform
      .option(
        '--account-concurrency <n>',
        "the account's concurrent executions quota",
        parseInteger('--account-concurrency', 1, 1_000_000),
        d.accountConcurrency,
      )
      .option(
        '--other-functions-concurrency <n>',
        "concurrency the account's other functions use",
        parseInteger('--other-functions-concurrency', 0, 1_000_000),
        d.otherFunctionsConcurrency,
      )
      .addOption(
        new Option('--esm-mode <mode>', 'event source mapping scaling mode')
          .choices(['standard', 'provisioned'])
          .default(d.esmMode),
      )
      .option('--min-pollers <n>', 'provisioned mode: MinimumPollers (2–200)', parseInteger('--min-pollers', 2, 200))
      .option(
        '--max-pollers <n>',
        'provisioned mode: MaximumPollers (up to 2,000)',
        parseInteger('--max-pollers', 2, 2_000),
      )
      .option(
        '--table-warm-wcu <n>',
        "the table's warm write throughput (new on-demand table: 4000)",
        parseInteger('--table-warm-wcu', 1, 10_000_000),
        d.tableWarmWcu,
      )
      .option('--rtt-receive <ms>', 'SQS ReceiveMessage round trip', ms('--rtt-receive'))
      .option('--rtt-delete <ms>', 'SQS DeleteMessageBatch round trip', ms('--rtt-delete'))
      .option(
        '--rtt-change-visibility <ms>',
        'SQS ChangeMessageVisibilityBatch round trip',
        ms('--rtt-change-visibility'),
      )
      .option('--rtt-put <ms>', 'DynamoDB PutItem round trip', ms('--rtt-put'))
      .option('--invocation-overhead <ms>', "Lambda's share of a warm invocation", ms('--invocation-overhead'))
      .option('--cold-start <ms>', 'extra time of a new execution environment', ms('--cold-start'))
      .option(
        '--throttle-backoff <ms>',
        'how long a poller waits after a throttled invocation',
        ms('--throttle-backoff'),
        d.throttleBackoff,
      )
      // prices
      .option(
        '--price-lambda-requests <usd>',
        'per million Lambda requests',
        parseNumber('--price-lambda-requests', 0, 1_000),
      )
      .option('--price-lambda-gb-s <usd>', 'per Lambda GB-second', parseNumber('--price-lambda-gb-s', 0, 1))
      .option('--price-sqs <usd>', 'per million SQS requests', parseNumber('--price-sqs', 0, 1_000))
      .option('--price-sns <usd>', 'per million SNS publishes', parseNumber('--price-sns', 0, 1_000))
      .option(
        '--price-dynamodb-wru <usd>',
        'per million DynamoDB write request units',
        parseNumber('--price-dynamodb-wru', 0, 1_000),
      )
      .option('--json', 'print the summary as one JSON line instead of a table', false)
      .option(
        '--capacity-tables',
        "run docs/capacity.md's seeded scenarios (10 to 10,000 orders/s on the stack's defaults) and print its tables as Markdown",
        false,
      )
      .option(
        '--write',
        'with --capacity-tables: put the tables into docs/capacity.md (run from the repository root)',
        false,
      )
      .action(async (raw: SimulateCommandOptions, command: Command) => {
        if (raw.capacityTables) {
          const others = givenOptions(command).filter((name) => !CAPACITY_TABLES_FLAGS.has(name));
          if (others.length > 0)
            throw new InvalidArgumentError(
              `--capacity-tables runs fixed, seeded scenarios on the stack's defaults (so that docs/capacity.md can be checked), and takes only --write; drop ${others.map(flagOf).join(', ')}`,
            );
          const { capacityTablesCommand } = await import('../simulate/capacity-tables-command.js');
          await capacityTablesCommand({ write: raw.write });
          return;
        }
        if (raw.write) throw new InvalidArgumentError('--write goes with --capacity-tables');
        const [{ resolveStackSettings, DEFAULT_CDK_OUT }, { simulationOptionsFrom }, { runSimulation }, summary] =
          await Promise.all([
            import('../simulate/stack-settings.js'),
            import('../simulate/simulate-flags.js'),
            import('../simulate/run-simulation.js'),
            import('../simulate/simulate-summary.js'),
          ]);
        const flags: SimulateFlags = {
          ...raw,
          ...(raw.burst ? { burst: { atSeconds: raw.burst.first, messages: raw.burst.second } } : {}),
          ...(raw.hotKeyWindow
            ? { hotKeyWindow: { startSeconds: raw.hotKeyWindow.first, durationSeconds: raw.hotKeyWindow.second } }
            : {}),
          ...(raw.outage ? { outage: { startSeconds: raw.outage.first, durationSeconds: raw.outage.second } } : {}),
          ...(raw.throttle
            ? { throttle: { startSeconds: raw.throttle.first, durationSeconds: raw.throttle.second } }
            : {}),
        } as SimulateFlags;
        const template =
          raw.template === false ? false : typeof raw.template === 'string' ? raw.template : DEFAULT_CDK_OUT;
        const { settings, source } = resolveStackSettings(template);
        const options = simulationOptionsFrom(settings, flags);
        const result = await runSimulation(options, source);
        for (const violation of result.violations) process.stderr.write(`simulate: invariant broken: ${violation}\n`);
        process.stdout.write(raw.json ? `${JSON.stringify(result)}\n` : summary.formatSimulateTable(result));
        process.exitCode = result.ok ? 0 : 1;
      })
  );
}
