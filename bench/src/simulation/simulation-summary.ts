/**
 * How fast `orders simulate` simulates: its runs reduced to medians of simulated seconds per wall
 * second, messages and simulator events per wall second, and CPU per simulated message (the
 * process's CPU time less an empty run's, i.e. start-up and the template read left out). Pure.
 */
import { median } from '../stats';

/** What the bench reads of `orders simulate --json` (a few of its stable keys). */
export interface SimulateJson {
  readonly ok: boolean;
  readonly violations: readonly string[];
  readonly results: { readonly published: number; readonly simulated_s: number };
  readonly performance: { readonly simulated_events: number; readonly wall_s: number };
}

/** The summary's keys the bench reads, checked: undefined when the output is not one. */
export function readSimulateJson(stdout: string): SimulateJson | undefined {
  const line = stdout.trim().split('\n').pop() ?? '';
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  const json = parsed as Partial<SimulateJson> | null;
  const numbers = [
    json?.results?.published,
    json?.results?.simulated_s,
    json?.performance?.simulated_events,
    json?.performance?.wall_s,
  ];
  if (typeof json?.ok !== 'boolean' || !Array.isArray(json.violations)) return undefined;
  return numbers.every((n) => typeof n === 'number' && Number.isFinite(n)) ? (json as SimulateJson) : undefined;
}

export interface SimulationRun {
  readonly round: number;
  /** The process ran and printed its summary. */
  readonly ok: boolean;
  readonly note?: string;
  /** The simulation's own verdict (nothing lost, nothing stored wrong, …) and what broke it. */
  readonly verdictOk?: boolean;
  readonly violations?: readonly string[];
  readonly published?: number;
  readonly simulatedSeconds?: number;
  /** The simulator's events: messages published and scheduled steps (polls, invocations, timers). */
  readonly simulatedEvents?: number;
  /** The simulation's own wall time (the summary's performance.wall_s), start-up left out. */
  readonly wallSeconds?: number;
  /** The whole process's CPU time (all threads), and an empty run's of the same round. */
  readonly processCpuMs?: number;
  readonly emptyRunCpuMs?: number;
}

export interface SimulationFigures {
  readonly runs: number;
  readonly failed: number;
  readonly simulatedSecondsPerWallSecond: number | undefined;
  readonly messagesPerSecond: number | undefined;
  readonly eventsPerSecond: number | undefined;
  readonly cpuUsPerMessage: number | undefined;
  /** An empty run's CPU time: node, the CLI's modules, the settings. */
  readonly startupCpuMs: number | undefined;
  /** One simulated hour at the run's rate, in wall seconds, projected linearly from the medians. */
  readonly hourProjectedSeconds: number | undefined;
}

const medianOf = (values: readonly (number | undefined)[]): number | undefined => {
  const known = values.filter((v): v is number => v !== undefined && Number.isFinite(v));
  return known.length === 0 ? undefined : median(known);
};

export function summarizeSimulation(runs: readonly SimulationRun[]): SimulationFigures {
  const finished = runs.filter((run) => run.ok && run.wallSeconds !== undefined && run.wallSeconds > 0);
  const per = (pick: (run: SimulationRun) => number | undefined) =>
    medianOf(finished.map((run) => (pick(run) ?? Number.NaN) / (run.wallSeconds as number)));
  const simulatedSecondsPerWallSecond = per((run) => run.simulatedSeconds);
  return {
    runs: runs.length,
    failed: runs.length - finished.length,
    simulatedSecondsPerWallSecond,
    messagesPerSecond: per((run) => run.published),
    eventsPerSecond: per((run) => run.simulatedEvents),
    cpuUsPerMessage: medianOf(
      finished.map((run) =>
        run.processCpuMs === undefined || run.emptyRunCpuMs === undefined || !run.published
          ? undefined
          : ((run.processCpuMs - run.emptyRunCpuMs) * 1000) / run.published,
      ),
    ),
    startupCpuMs: medianOf(finished.map((run) => run.emptyRunCpuMs)),
    hourProjectedSeconds:
      simulatedSecondsPerWallSecond === undefined || simulatedSecondsPerWallSecond <= 0
        ? undefined
        : 3600 / simulatedSecondsPerWallSecond,
  };
}
