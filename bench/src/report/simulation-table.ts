/** The simulation-speed stage as the report shows it: its table, and its keys in the JSON line. */
import type { SimulationResult } from '../stages/measure-simulation';
import { round } from '../stats';
import { table } from './format';

const fixed = (value: number | undefined, digits = 0): string =>
  value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits);

export function simulationTable(result: SimulationResult): string {
  const { scenario, figures } = result;
  return table(
    `orders simulate, simulation speed: \`${scenario.command}\` (the CLI from its build, ${scenario.rounds} round(s); medians; CPU per message less an empty run's start-up)`,
    [
      'simulated s / wall s',
      'messages / s',
      'simulator events / s',
      'CPU µs / msg',
      'start-up CPU ms',
      '1 h projected, s',
      'runs failed',
    ],
    [
      [
        fixed(figures.simulatedSecondsPerWallSecond, 1),
        fixed(figures.messagesPerSecond),
        fixed(figures.eventsPerSecond),
        fixed(figures.cpuUsPerMessage, 1),
        fixed(figures.startupCpuMs),
        fixed(figures.hourProjectedSeconds),
        `${figures.failed} of ${figures.runs}`,
      ],
    ],
  );
}

export function simulationJson(result: SimulationResult): object {
  const { figures } = result;
  const maybe = (value: number | undefined, digits = 1): number | null =>
    value === undefined || !Number.isFinite(value) ? null : round(value, digits);
  return {
    scenario: result.scenario,
    simulatedSecondsPerWallSecond: maybe(figures.simulatedSecondsPerWallSecond),
    messagesPerSecond: maybe(figures.messagesPerSecond, 0),
    eventsPerSecond: maybe(figures.eventsPerSecond, 0),
    cpuUsPerMessage: maybe(figures.cpuUsPerMessage, 2),
    startupCpuMs: maybe(figures.startupCpuMs, 0),
    hourProjectedSeconds: maybe(figures.hourProjectedSeconds, 0),
    runs: figures.runs,
    failed: figures.failed,
  };
}
