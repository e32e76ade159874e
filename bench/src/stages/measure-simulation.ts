/**
 * Stage: how fast `orders simulate` simulates (issue 19: one hour at 1,000 orders/s must take at
 * most a few minutes on 2 cores). The CLI from its build runs a fixed scenario — 1,000 orders/s for
 * 60 simulated seconds on the stack's defaults (`--no-template`, so the figure does not depend on
 * whether infra was synthesized), seed 1; smoke: 100 orders/s for 10 s — as a child process with
 * `--json`, preloaded with a hook that writes its CPU time at exit. Each round also runs the same
 * command with `--duration 0`, so that CPU per simulated message leaves start-up out.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { OURS_CLI } from '../consumers/consumer-comparison';
import { OUT_DIR } from '../paths';
import {
  readSimulateJson,
  type SimulationFigures,
  type SimulationRun,
  summarizeSimulation,
} from '../simulation/simulation-summary';

export const SIMULATION_PLAN = {
  smoke: { rate: 100, durationSeconds: 10, rounds: 1 },
  full: { rate: 1000, durationSeconds: 60, rounds: 3 },
} as const;

const SEED = 1;
const RUN_LIMIT_MS = 600_000;
const CPU_HOOK = join(__dirname, '..', 'simulation', 'cpu-at-exit.cjs');

export interface SimulationResult {
  readonly scenario: {
    readonly rate: number;
    readonly durationSeconds: number;
    readonly rounds: number;
    readonly seed: number;
    readonly command: string;
  };
  readonly runs: readonly SimulationRun[];
  readonly figures: SimulationFigures;
  readonly notes: readonly string[];
}

/** The command line a run uses (what docs/benchmarks.md quotes). */
export function simulateArguments(rate: number, durationSeconds: number): string[] {
  return [
    'simulate',
    '--no-template',
    '--rate',
    String(rate),
    '--duration',
    String(durationSeconds),
    '--seed',
    String(SEED),
    '--json',
  ];
}

export async function measureSimulation(smoke: boolean, log: (message: string) => void): Promise<SimulationResult> {
  const plan = smoke ? SIMULATION_PLAN.smoke : SIMULATION_PLAN.full;
  const dir = join(OUT_DIR, 'simulation');
  mkdirSync(dir, { recursive: true });
  log(`simulation: orders simulate at ${plan.rate} orders/s for ${plan.durationSeconds} s × ${plan.rounds} round(s)`);
  const runs: SimulationRun[] = [];
  for (let round = 0; round < plan.rounds; round++) {
    const empty = await simulateOnce(plan.rate, 0, join(dir, `cpu-empty-${round}.json`));
    const full = await simulateOnce(plan.rate, plan.durationSeconds, join(dir, `cpu-${round}.json`));
    const run: SimulationRun = {
      round,
      ...full,
      ...(empty.processCpuMs === undefined ? {} : { emptyRunCpuMs: empty.processCpuMs }),
    };
    runs.push(run);
    log(
      `  simulation round ${round + 1}/${plan.rounds}: ${run.ok ? `${run.published} messages, ${run.simulatedSeconds} simulated s in ${run.wallSeconds} s` : `failed (${run.note})`}`,
    );
  }
  return {
    scenario: {
      rate: plan.rate,
      durationSeconds: plan.durationSeconds,
      rounds: plan.rounds,
      seed: SEED,
      command: `orders ${simulateArguments(plan.rate, plan.durationSeconds).join(' ')}`,
    },
    runs,
    figures: summarizeSimulation(runs),
    notes: [],
  };
}

/** One `orders simulate` process: its summary's figures and its CPU time; `ok: false` with a note when it did not run. */
async function simulateOnce(
  rate: number,
  durationSeconds: number,
  cpuFile: string,
): Promise<Omit<SimulationRun, 'round' | 'emptyRunCpuMs'>> {
  rmSync(cpuFile, { force: true });
  const outcome = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--require', CPU_HOOK, OURS_CLI, ...simulateArguments(rate, durationSeconds)],
      {
        env: { PATH: process.env['PATH'] ?? '', BENCH_CPU_FILE: cpuFile },
        maxBuffer: 16 * 1024 * 1024,
        timeout: RUN_LIMIT_MS,
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ code, stdout, stderr });
      },
    );
  });
  const summary = readSimulateJson(outcome.stdout);
  // Exit 1 with a summary is a broken invariant, reported by the summary itself.
  if (summary === undefined || (outcome.code !== 0 && outcome.code !== 1)) {
    const why = outcome.stderr.trim().split('\n').pop() ?? '';
    return { ok: false, note: `orders simulate exited ${outcome.code ?? 'on a signal'} without its summary: ${why}` };
  }
  let processCpuMs: number | undefined;
  try {
    const usage = JSON.parse(readFileSync(cpuFile, 'utf8')) as { user: number; system: number };
    processCpuMs = (usage.user + usage.system) / 1000;
  } catch {
    processCpuMs = undefined;
  }
  return {
    ok: true,
    verdictOk: summary.ok,
    violations: summary.violations,
    published: summary.results.published,
    simulatedSeconds: summary.results.simulated_s,
    simulatedEvents: summary.performance.simulated_events,
    wallSeconds: summary.performance.wall_s,
    ...(processCpuMs === undefined ? {} : { processCpuMs }),
  };
}
