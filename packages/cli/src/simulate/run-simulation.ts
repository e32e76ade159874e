import { simulateCapacity } from './capacity-simulation';
import type { SimulationOptions } from './simulation-options';
import { type SimulateSummary, summarizeSimulation } from './simulate-summary';
import type { SettingsSource } from './stack-settings';

export type { SimulateSummary } from './simulate-summary';

/** One simulation, summarized (the verdict included). */
export async function runSimulation(options: SimulationOptions, source: SettingsSource): Promise<SimulateSummary> {
  const facts = await simulateCapacity(options);
  return summarizeSimulation(facts, options, source);
}
