import { Command, InvalidArgumentError, Option } from 'commander';
import { reachesRealAws } from '../soak/aws/aws-endpoint';
import type { SoakSummary } from '../soak/run-soak';
import { DEFAULT_SOAK_OPTIONS, FAULT_MODES, type SoakOptions } from '../soak/soak-options';
import type { SoakTargetFactory, SoakTargetKind } from '../soak/soak-target';
import { parseInteger } from '../output/parse-integer';
import { parseOutage } from '../soak/outage-window';

const parseRate =
  (name: string) =>
  (raw: string): number => {
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) {
      throw new InvalidArgumentError(`${name} must be a number from 0 to 1`);
    }
    return value;
  };

/** The soak's own options, plus how to run and report it. */
interface SoakCommandOptions extends Omit<SoakOptions, 'outage'> {
  readonly progress: boolean;
  readonly logs: boolean;
  readonly checkDeterminism: boolean;
  readonly checkConvergence: boolean;
  readonly outage?: { readonly startSeconds: number; readonly durationSeconds: number };
  readonly outageClass: 'systemic' | 'transient';
  readonly target: SoakTargetKind;
  readonly keep: boolean;
  readonly iKnowThisIsRealAws: boolean;
  readonly networkFaultRate: number;
}

const TARGETS: readonly SoakTargetKind[] = ['memory', 'aws'];
/** Emulators take any region; one must still be named for the SDK to sign requests. */
const EMULATOR_REGION = 'us-east-1';

const d = DEFAULT_SOAK_OPTIONS;

/**
 * `orders soak` (`pnpm soak`): the fault-injection soak, on the in-memory pipeline (default) or,
 * with `--target aws`, on SNS/SQS/DynamoDB at AWS_ENDPOINT_URL (an emulator; AWS itself only with
 * `--i-know-this-is-real-aws`). Prints a progress bar to stderr and, as the last line of stdout,
 * one JSON summary; exits 1 and names the invariant on stderr when one breaks.
 */
export function soakCommand(): Command {
  return (
    new Command('soak')
      .description(
        'Publish a seeded workload (multi-event orders, duplicates, reordering, poison) through OrderTopic → OrderQueue → the real ' +
          'OrderProcessor with transient store faults, drain, redrive OrderDLQ with faults off, drain again, and check the invariants',
      )
      .option(
        '--messages <n>',
        'messages to publish (events, duplicates and poison)',
        parseInteger('--messages', 1, 10_000_000),
        d.messages,
      )
      .option(
        '--fault-rate <p>',
        'probability that a repository call fails (RepositoryUnavailableError)',
        parseRate('--fault-rate'),
        d.faultRate,
      )
      .addOption(
        new Option(
          '--fault-mode <mode>',
          'when a fault strikes: before the write, after it (written, answer lost), or mixed 50/50',
        )
          .choices(FAULT_MODES)
          .default(d.faultMode),
      )
      .option(
        '--poison-rate <p>',
        'probability that a message is poison (never a valid order)',
        parseRate('--poison-rate'),
        d.poisonRate,
      )
      .option(
        '--duplicate-rate <p>',
        'probability that an event is published again later',
        parseRate('--duplicate-rate'),
        d.duplicateRate,
      )
      .option(
        '--reorder-rate <p>',
        "probability that an order's events are delivered out of order",
        parseRate('--reorder-rate'),
        d.reorderRate,
      )
      .option(
        '--tie-rate <p>',
        'probability that an event gets a twin at the same instant (different content, or the same content re-spelled in another zone)',
        parseRate('--tie-rate'),
        d.tieRate,
      )
      .option(
        '--delivery-seed <s>',
        'publish the same messages in an order drawn from this seed (another delivery order of the same events)',
        parseInteger('--delivery-seed', 0, 2 ** 32 - 1),
      )
      .option(
        '--outage <start:duration>',
        'seconds into the drain, and for how long, every store call fails (e.g. 600:3000); a valid message must not reach OrderDLQ unless the outage outlasts the retry pacing',
        (raw: string) => {
          const parsed = parseOutage(raw);
          if (!parsed) throw new InvalidArgumentError('--outage must be START:DURATION in seconds, e.g. 600:3000');
          return parsed;
        },
      )
      .addOption(
        new Option(
          '--outage-class <class>',
          'what the outage looks like: systemic (access revoked) or transient (service down)',
        )
          .choices(['systemic', 'transient'])
          .default('systemic'),
      )
      .option(
        '--crash-rate <p>',
        'probability that an invocation dies after the handler ran (whole batch retried)',
        parseRate('--crash-rate'),
        d.crashRate,
      )
      .option(
        '--max-receive-count <k>',
        'receives before a message moves to OrderDLQ',
        parseInteger('--max-receive-count', 1, 1000),
        d.maxReceiveCount,
      )
      .option('--batch-size <n>', 'records per invocation (1–10)', parseInteger('--batch-size', 1, 10), d.batchSize)
      .option(
        '--seed <s>',
        'seed for the workload, the faults and the crashes (same seed, same summary)',
        parseInteger('--seed', 0, 2 ** 32 - 1),
        d.seed,
      )
      .option('--raw-delivery', 'SNS raw message delivery instead of the notification envelope', d.rawDelivery)
      .option('--no-progress', 'no progress bar (it is also off when stderr is not a terminal)')
      .option('--logs', "print the handler's JSON log lines (slow at volume; turns the progress bar off)", false)
      .option(
        '--check-determinism',
        'run the soak twice and fail unless both summaries match (apart from timings; in-memory target only)',
        false,
      )
      .option(
        '--check-convergence',
        'run the same events again in another delivery order and fail unless the final tables are identical (table_digest)',
        false,
      )
      .addOption(
        new Option(
          '--target <target>',
          'memory: the seeded simulator (deterministic); aws: SNS/SQS/DynamoDB at AWS_ENDPOINT_URL/AWS_REGION',
        )
          .choices(TARGETS)
          .default('memory'),
      )
      .option(
        '--keep',
        '--target aws: keep the table, topic and queues the soak created (default: delete them at the end)',
        false,
      )
      .option(
        '--network-fault-rate <p>',
        "--target aws: probability that one of the function's DynamoDB calls meets a network fault (reset, lost answer, 5xx, " +
          'throttling, late answer, hang, stalled body) through a fault-injecting proxy in front of the emulator',
        parseRate('--network-fault-rate'),
        0,
      )
      .option(
        '--i-know-this-is-real-aws',
        '--target aws without an emulator endpoint: soak AWS itself (creates billed resources)',
        false,
      )
      // (`pnpm soak -- --messages N` works: main.ts drops the `--` pnpm forwards.)
      .action(async (raw: SoakCommandOptions) => {
        const options: SoakOptions = {
          messages: raw.messages,
          faultRate: raw.faultRate,
          faultMode: raw.faultMode,
          poisonRate: raw.poisonRate,
          duplicateRate: raw.duplicateRate,
          reorderRate: raw.reorderRate,
          tieRate: raw.tieRate,
          crashRate: raw.crashRate,
          maxReceiveCount: raw.maxReceiveCount,
          batchSize: raw.batchSize,
          seed: raw.seed,
          ...(raw.deliverySeed === undefined ? {} : { deliverySeed: raw.deliverySeed }),
          ...(raw.outage === undefined ? {} : { outage: { ...raw.outage, failureClass: raw.outageClass } }),
          rawDelivery: raw.rawDelivery,
        };
        if (raw.target !== 'aws' && raw.networkFaultRate > 0) {
          throw new InvalidArgumentError(
            '--network-fault-rate needs --target aws: the in-memory soak has no network (its faults are --fault-rate)',
          );
        }
        if (raw.target === 'aws' && raw.checkDeterminism) {
          throw new InvalidArgumentError(
            '--check-determinism needs --target memory: on a real queue delivery order and timing vary, so only the invariants are promised',
          );
        }
        // The soak's machinery loads when a soak runs, so that every other command starts without it.
        const [{ deterministicPart, runSoak }, { createProgressBar }, { createPowertoolsLogger }] = await Promise.all([
          import('../soak/run-soak.js'),
          import('../soak/soak-progress.js'),
          import('@orders/observability'),
        ]);
        const createTarget = raw.target === 'aws' ? await awsTargetFromEnvironment(raw, process.env) : undefined;
        const progress = raw.progress && !raw.logs && process.stderr.isTTY ? createProgressBar() : undefined;
        const logger = raw.logs
          ? createPowertoolsLogger({ serviceName: 'OrderProcessor', logLevel: 'info' })
          : undefined;
        const run = async (runOptions: SoakOptions = options): Promise<SoakSummary> => {
          try {
            const hooks = { ...(logger ? { logger } : {}), ...(progress ? { onProgress: progress.update } : {}) };
            return (await runSoak(runOptions, hooks, createTarget)).summary;
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
        if (raw.checkConvergence) summary = await checkConvergence(summary, options, run);
        process.exitCode = reportSoak(summary, process);
      })
  );
}

/**
 * Runs the same events again in another delivery order (a different `deliverySeed`) and requires the
 * same final table, byte for byte: the ordering rule makes the result independent of arrival order.
 */
async function checkConvergence(
  summary: SoakSummary,
  options: SoakOptions,
  run: (options: SoakOptions) => Promise<SoakSummary>,
): Promise<SoakSummary> {
  // Any other seed gives another order; derived from the seed so the check is reproducible.
  const otherSeed = ((options.deliverySeed ?? options.seed) ^ 0x5bd1e995) >>> 0;
  const again = await run({ ...options, deliverySeed: otherSeed });
  const same = again.table_digest === summary.table_digest;
  const violations = [
    ...summary.violations,
    ...again.violations.map((violation) => `in the run with delivery seed ${otherSeed}: ${violation}`),
    ...(same
      ? []
      : [
          `convergence: the same events in another delivery order (seed ${otherSeed}) ended at a different table ` +
            `(table_digest ${again.table_digest} vs ${summary.table_digest})`,
        ]),
  ];
  return {
    ...summary,
    ok: violations.length === 0,
    violations,
    convergence_check: {
      delivery_seeds: [options.deliverySeed ?? null, otherSeed],
      same,
      table_digests: [summary.table_digest, again.table_digest],
    },
  };
}

/**
 * The AWS target as the environment describes it: AWS_ENDPOINT_URL (an emulator) and AWS_REGION.
 * Without an emulator endpoint the calls would reach AWS itself; that needs the explicit flag.
 */
async function awsTargetFromEnvironment(
  raw: Pick<SoakCommandOptions, 'keep' | 'iKnowThisIsRealAws' | 'networkFaultRate'>,
  env: NodeJS.ProcessEnv,
): Promise<SoakTargetFactory> {
  const endpoint = env['AWS_ENDPOINT_URL']?.trim() || undefined;
  const realAws = reachesRealAws(endpoint);
  if (realAws && !raw.iKnowThisIsRealAws) {
    throw new InvalidArgumentError(
      `--target aws would run against AWS itself (${endpoint === undefined ? 'AWS_ENDPOINT_URL is not set' : `AWS_ENDPOINT_URL=${endpoint}`}): ` +
        'it creates a table, a topic and queues and sends thousands of requests, which costs money. Point AWS_ENDPOINT_URL at an emulator, ' +
        'or pass --i-know-this-is-real-aws.',
    );
  }
  const region =
    env['AWS_REGION']?.trim() || env['AWS_DEFAULT_REGION']?.trim() || (realAws ? undefined : EMULATOR_REGION);
  const { awsSoakTarget } = await import('../soak/aws/aws-soak-target.js');
  return awsSoakTarget({
    endpoint,
    region,
    allowRealAws: raw.iKnowThisIsRealAws,
    keep: raw.keep,
    networkFaultRate: raw.networkFaultRate,
    onNotice: (message) => process.stderr.write(`soak: ${message}\n`),
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
