import type { BenchResults } from './results';

/**
 * What of ours failed in this run: a consumer run of ours that failed, a throughput mode of ours
 * that did not run, a scale-out run of ours that could not finish or that lost an order, stored
 * one in a state other than its greatest event, left messages or dead-lettered a valid one, and a
 * simulation that could not run or broke its own invariants. The references may fail on a loaded
 * machine and only cost a ratio; ours failing is a defect in what we ship (a consumer that cannot
 * start, a bundle that cannot store, processes that race to a wrong state), so `pnpm bench` — and
 * CI's smoke run — exits 1 on it instead of printing "n/a" where a figure should be. No figure of
 * time is ever one of these.
 */
export function failuresOfOurs(
  results: Partial<Pick<BenchResults, 'consumers' | 'throughput' | 'scaleOut' | 'simulation' | 'tracing'>>,
): string[] {
  const failures: string[] = [];
  const consumers = results.consumers;
  for (const scenario of consumers ? [consumers.drain, consumers.heartbeats] : []) {
    for (const ours of scenario.configs.filter((summary) => summary.config.kind === 'ours')) {
      if (ours.failed > 0) {
        failures.push(
          `orders consume (${ours.config.id}) failed ${ours.failed} of ${ours.runs} run(s) in the ${scenario.scenario.name} scenario`,
        );
      }
    }
  }
  for (const run of results.scaleOut?.runs ?? []) {
    const which = `scale-out, ${run.processes} process(es), round ${run.round + 1}`;
    if (!run.ok) failures.push(`${which}: ${run.note ?? 'did not finish'}`);
    for (const violation of run.verdict?.violations ?? []) failures.push(`${which}: ${violation}`);
  }
  for (const run of results.simulation?.runs ?? []) {
    const which = `orders simulate, round ${run.round + 1}`;
    if (!run.ok) failures.push(`${which}: ${run.note ?? 'did not run'}`);
    else if (run.verdictOk === false) failures.push(`${which}: ${(run.violations ?? []).join('; ')}`);
  }
  failures.push(...tracingFailures(results.tracing));
  for (const result of results.throughput?.results ?? []) {
    if (!result.available) failures.push(`throughput (${result.mode}): ${result.note}`);
  }
  return failures;
}

/**
 * Tracing, as shipped: index.mjs holds no SDK package (or every cold start would parse it), no
 * record fails with tracing on or off, and tracing on does export spans, in requests a collector reads.
 */
function tracingFailures(tracing: BenchResults['tracing'] | undefined): string[] {
  if (!tracing) return [];
  const failures: string[] = [];
  if (tracing.sizes.sdkPackagesInMain.length > 0) {
    failures.push(`tracing: index.mjs holds OpenTelemetry SDK packages: ${tracing.sizes.sdkPackagesInMain.join(', ')}`);
  }
  for (const [variant, failed] of Object.entries(tracing.cpu.failedRecords)) {
    if (failed > 0) failures.push(`tracing: ${failed} record(s) failed with ${variant}`);
  }
  if (tracing.exported.failedRequests > 0) {
    failures.push(`tracing: the collector stand-in could not read ${tracing.exported.failedRequests} export(s)`);
  }
  const measuredOn = Object.values(tracing.cpu.usPerRecord).every((samples) => samples.length > 0);
  if (measuredOn && tracing.exported.spans === 0) {
    failures.push('tracing: with OTEL_EXPORTER_OTLP_ENDPOINT set, ours exported no span to the collector stand-in');
  }
  return failures;
}
