/**
 * What one `pnpm bench` run does: its flags and sample sizes, read once from the command line in
 * main and handed to the stages (no stage reads process.argv), and the fixed set-up they share.
 */
import { readEntryConfig } from '@orders/lambda-entry';

export type BenchMode = 'smoke' | 'full';

export const BATCH_SIZES = [1, 10, 100] as const;
export type BatchSize = (typeof BATCH_SIZES)[number];

/** Sample sizes. Full: ≥ 15 paired runs for every figure that has a target. */
export interface SampleSizes {
  readonly coldRounds: number;
  readonly firstInvokeRounds: number;
  readonly probeRounds: number;
  readonly latencyRounds: Readonly<Record<BatchSize, number>>;
  readonly latencyWarmup: number;
  readonly motoLatencyRounds: number;
  readonly cpu: { readonly batchesPerRound: number; readonly rounds: number; readonly warmupRounds: number };
  readonly throughputOrders: number;
  readonly pollers: number;
  readonly ricRounds: number;
  readonly ricWarmInvokes: number;
}

export interface BenchPlan {
  /** `--smoke`: a tiny run (CI; no figure is asserted anywhere). */
  readonly mode: BenchMode;
  /** False with `--no-build`: ours (bundle and CLI) is measured as it is built. */
  readonly rebuild: boolean;
  /** `--no-moto`: skips what needs a moto server (the moto latency evidence, the throughput run). */
  readonly skipMoto: boolean;
  readonly samples: SampleSizes;
}

const SMOKE_SAMPLES: SampleSizes = {
  coldRounds: 3,
  firstInvokeRounds: 2,
  probeRounds: 1,
  latencyRounds: { 1: 2, 10: 2, 100: 1 },
  latencyWarmup: 1,
  motoLatencyRounds: 0,
  cpu: { batchesPerRound: 10, rounds: 2, warmupRounds: 1 },
  throughputOrders: 40,
  pollers: 2,
  ricRounds: 1,
  ricWarmInvokes: 2,
};

const FULL_SAMPLES: SampleSizes = {
  coldRounds: 21,
  firstInvokeRounds: 15,
  probeRounds: 15,
  latencyRounds: { 1: 25, 10: 21, 100: 15 },
  latencyWarmup: 3,
  motoLatencyRounds: 5,
  cpu: { batchesPerRound: 100, rounds: 15, warmupRounds: 3 },
  throughputOrders: 500,
  pollers: 4,
  ricRounds: 9,
  ricWarmInvokes: 10,
};

/** A command line the bench does not understand: one sentence, no stack. */
export class BenchUsageError extends Error {
  override readonly name = 'BenchUsageError';
}

/**
 * The flags given, checked against the ones a bench command knows. An unknown one is refused, not
 * ignored: a mistyped `--smok` would otherwise start the five-minute full run. A lone `--` (what
 * `pnpm bench -- --smoke` may pass on) is dropped.
 */
export function knownFlags(args: readonly string[], known: readonly string[]): Set<string> {
  const given = args.filter((arg) => arg !== '--');
  const unknown = given.filter((arg) => !known.includes(arg));
  if (unknown.length > 0) {
    throw new BenchUsageError(
      `unknown argument ${unknown.map((arg) => `"${arg}"`).join(', ')}; the flags are ${known.join(', ')}`,
    );
  }
  return new Set(given);
}

/** The plan the command line asks for (`--smoke`, `--no-build`, `--no-moto`, in any order). */
export function planFromArguments(args: readonly string[]): BenchPlan {
  const flags = knownFlags(args, ['--smoke', '--no-build', '--no-moto']);
  const smoke = flags.has('--smoke');
  return {
    mode: smoke ? 'smoke' : 'full',
    rebuild: !flags.has('--no-build'),
    skipMoto: flags.has('--no-moto'),
    samples: smoke ? SMOKE_SAMPLES : FULL_SAMPLES,
  };
}

/** "Ours at its configured concurrency bound": ORDERS_CONCURRENCY's default, read from the product. */
export const OURS_CONCURRENCY = readEntryConfig({}).concurrency;
/** Ours is also measured at these bounds (diagnostic, not targets). */
export const OURS_SWEEP = [32, 50, 100].filter((bound) => bound !== OURS_CONCURRENCY);
/** The DynamoDB stand-in's answer delay in the latency run: a same-region round trip. */
export const STANDIN_DELAY_MS = 8;
