/** The report for the terminal (and last-<mode>.txt): a header, every table, the load at the end, the notes. */
import { consumerTables } from '../consumers/measure-consumers';
import { deployedNames } from '../stages/build-bundles';
import {
  attributionTable,
  bundlesTable,
  coldStartRatiosTable,
  coldStartTable,
  keepNamesTable,
} from './cold-start-tables';
import { inMemoryCpuTable, sdkCpuTable } from './cpu-tables';
import { latencyRatiosTable, latencyTable, motoLatencyTable } from './latency-tables';
import type { BenchResults, RunEnd } from './results';
import { runtimeClientTables } from './runtime-client-tables';
import { scaleOutTable } from './scale-out-table';
import { simulationTable } from './simulation-table';
import { targetsTable, type Target } from './targets';
import { throughputTable } from './throughput-table';
import { tracingTable } from './tracing-table';

export function reportText(
  results: BenchResults,
  targets: readonly Target[],
  notes: readonly string[],
  end: RunEnd,
): string {
  const { plan, machine } = results;
  const { samples } = plan;
  const runtimeClient = results.runtimeClient.measured;
  const lines = [
    `pnpm bench (${plan.mode === 'smoke' ? 'SMOKE: tiny samples, figures meaningless' : 'full'}) — ${machine.nproc} cores, node ${machine.node}, load at start ${machine.loadavgStart.join(' ')}`,
    bundlesTable(results.bundles),
    coldStartTable(results.coldStart, samples, results.oursRepository.repository === 'memory'),
    coldStartRatiosTable(results.coldStart),
    attributionTable(results.attribution, samples),
    keepNamesTable(results.attribution, samples),
    ...(runtimeClient ? runtimeClientTables(runtimeClient, deployedNames(results.bundles), samples) : []),
    latencyTable(results.latency),
    latencyRatiosTable(results.latency),
    ...(results.motoLatency ? [motoLatencyTable(results.motoLatency)] : []),
    inMemoryCpuTable(results.cpu, samples),
    sdkCpuTable(results.latency),
    tracingTable(results.tracing),
    throughputTable(results.throughput),
    targetsTable(targets),
    ...consumerTables(results.consumers),
    scaleOutTable(results.scaleOut),
    simulationTable(results.simulation),
    `\nload average at end: ${end.loadavgEnd.join(' ')}`,
    ...(notes.length > 0 ? [`\nNotes:\n${notes.map((n) => `- ${n}`).join('\n')}`] : []),
  ];
  return lines.join('\n');
}
