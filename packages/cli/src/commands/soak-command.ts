import { Command, InvalidArgumentError, Option } from 'commander';
import { createPowertoolsLogger } from '@orders/lambda-entry';
import { deterministicPart, runSoak, type SoakSummary } from '../soak/run-soak';
import { createProgressBar } from '../soak/soak-progress';
import { DEFAULT_SOAK_OPTIONS, FAULT_MODES, type FaultMode, type SoakOptions } from '../soak/soak-options';
import { parseInteger } from '../output/parse-integer';

const parseRate =
  (name: string) =>
  (raw: string): number => {
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) {
      throw new InvalidArgumentError(`${name} must be a number from 0 to 1`);
    }
    return value;
  };

interface SoakCommandOptions {
  readonly messages: number;
  readonly faultRate: number;
  readonly faultMode: FaultMode;
  readonly poisonRate: number;
  readonly duplicateRate: number;
  readonly reorderRate: number;
  readonly crashRate: number;
  readonly maxReceiveCount: number;
  readonly batchSize: number;
  readonly seed: number;
  readonly rawDelivery: boolean;
  readonly progress: boolean;
  readonly logs: boolean;
  readonly checkDeterminism: boolean;
}

const d = DEFAULT_SOAK_OPTIONS;

/**
 * `orders soak` (`pnpm soak`): the fault-injection soak on the in-memory pipeline. Prints a
 * progress bar to stderr and, as the last line of stdout, one JSON summary; exits 1 and names the
 * invariant on stderr when one breaks.
 */
export function soakCommand(inherited?: Partial<SoakCommandOptions>): Command {
  return new Command('soak')
    .description(
      'Publish a seeded workload (multi-event orders, duplicates, reordering, poison) through OrderTopic → OrderQueue → the real ' +
        'OrderProcessor with transient store faults, drain, redrive OrderDLQ with faults off, drain again, and check the invariants',
    )
    .option('--messages <n>', 'messages to publish (events, duplicates and poison)', parseInteger('--messages', 1, 10_000_000), d.messages)
    .option('--fault-rate <p>', 'probability that a repository call fails (RepositoryUnavailableError)', parseRate('--fault-rate'), d.faultRate)
    .addOption(
      new Option('--fault-mode <mode>', 'when a fault strikes: before the write, after it (written, answer lost), or mixed 50/50')
        .choices(FAULT_MODES)
        .default(d.faultMode),
    )
    .option('--poison-rate <p>', 'probability that a message is poison (never a valid order)', parseRate('--poison-rate'), d.poisonRate)
    .option('--duplicate-rate <p>', 'probability that an event is published again later', parseRate('--duplicate-rate'), d.duplicateRate)
    .option('--reorder-rate <p>', "probability that an order's events are delivered out of order", parseRate('--reorder-rate'), d.reorderRate)
    .option('--crash-rate <p>', 'probability that an invocation dies after the handler ran (whole batch retried)', parseRate('--crash-rate'), d.crashRate)
    .option('--max-receive-count <k>', 'receives before a message moves to OrderDLQ', parseInteger('--max-receive-count', 1, 1000), d.maxReceiveCount)
    .option('--batch-size <n>', 'records per invocation (1–10)', parseInteger('--batch-size', 1, 10), d.batchSize)
    .option('--seed <s>', 'seed for the workload, the faults and the crashes (same seed, same summary)', parseInteger('--seed', 0, 2 ** 32 - 1), d.seed)
    .option('--raw-delivery', 'SNS raw message delivery instead of the notification envelope', d.rawDelivery)
    .option('--no-progress', 'no progress bar (it is also off when stderr is not a terminal)')
    .option('--logs', "print the handler's JSON log lines (slow at volume; turns the progress bar off)", false)
    .option('--check-determinism', 'run the soak twice and fail unless both summaries match (apart from timings)', false)
    // pnpm 10 hands the `--` of `pnpm soak -- --messages 100000` on to the script, and commander
    // then reads every option after it as an argument: those are parsed again, as options.
    .allowExcessArguments(inherited === undefined)
    .action(async (parsed: SoakCommandOptions, command: Command) => {
      if (inherited === undefined && command.args.length > 0) {
        const fromCommandLine = Object.keys(parsed).filter((key) => command.getOptionValueSource(key) === 'cli');
        await soakCommand(Object.fromEntries(fromCommandLine.map((key) => [key, parsed[key as keyof SoakCommandOptions]])))
          .parseAsync(command.args, { from: 'user' });
        return;
      }
      // Options given before the `--` count unless given again after it.
      const raw: SoakCommandOptions = { ...parsed };
      for (const [key, value] of Object.entries(inherited ?? {})) {
        if (command.getOptionValueSource(key) !== 'cli') (raw as unknown as Record<string, unknown>)[key] = value;
      }
      const options: SoakOptions = {
        messages: raw.messages,
        faultRate: raw.faultRate,
        faultMode: raw.faultMode,
        poisonRate: raw.poisonRate,
        duplicateRate: raw.duplicateRate,
        reorderRate: raw.reorderRate,
        crashRate: raw.crashRate,
        maxReceiveCount: raw.maxReceiveCount,
        batchSize: raw.batchSize,
        seed: raw.seed,
        rawDelivery: raw.rawDelivery,
      };
      const progress = raw.progress && !raw.logs && process.stderr.isTTY ? createProgressBar() : undefined;
      const logger = raw.logs ? createPowertoolsLogger({ serviceName: 'OrderProcessor', logLevel: 'info' }) : undefined;
      const run = async (): Promise<SoakSummary> => {
        try {
          return (await runSoak(options, { ...(logger ? { logger } : {}), ...(progress ? { onProgress: progress.update } : {}) })).summary;
        } finally {
          progress?.stop();
        }
      };

      let summary = await run();
      if (raw.checkDeterminism) {
        const again = await run();
        const same = JSON.stringify(deterministicPart(again)) === JSON.stringify(deterministicPart(summary));
        const violation = `determinism: a second run with seed ${options.seed} gave a different summary (digest ${again.digest} vs ${summary.digest})`;
        summary = {
          ...summary,
          ...(same ? {} : { ok: false, violations: [...summary.violations, violation] }),
          determinism_check: { runs: 2, same, digests: [summary.digest, again.digest] },
        };
      }
      process.exitCode = reportSoak(summary, process);
    });
}

/**
 * Writes each broken invariant to stderr and the summary, as one JSON line, last on stdout.
 * Returns the exit code: 0 when every invariant held, 1 otherwise.
 */
export function reportSoak(
  summary: Pick<SoakSummary, 'ok' | 'violations'>,
  io: { readonly stdout: { write(text: string): unknown }; readonly stderr: { write(text: string): unknown } },
): number {
  for (const violation of summary.violations) io.stderr.write(`soak: invariant broken: ${violation}\n`);
  if (!summary.ok && summary.violations.length === 0) io.stderr.write('soak: invariant broken (no detail recorded)\n');
  io.stdout.write(`${JSON.stringify(summary)}\n`);
  return summary.ok && summary.violations.length === 0 ? 0 : 1;
}
