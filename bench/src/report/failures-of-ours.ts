import type { BenchResults } from './results';

/**
 * What of ours could not be measured in this run: a consumer run of ours that failed, a
 * throughput mode of ours that did not run. The references may fail on a loaded machine and only
 * cost a ratio; ours failing is a defect in what we ship (a consumer that cannot start, a bundle
 * that cannot store), so `pnpm bench` — and CI's smoke run — exits 1 on it instead of printing
 * "n/a" where a figure should be.
 */
export function failuresOfOurs(
  results: Pick<BenchResults, 'consumers'> & Partial<Pick<BenchResults, 'throughput'>>,
): string[] {
  const failures: string[] = [];
  for (const scenario of [results.consumers.drain, results.consumers.heartbeats]) {
    for (const ours of scenario.configs.filter((summary) => summary.config.kind === 'ours')) {
      if (ours.failed > 0) {
        failures.push(
          `orders consume (${ours.config.id}) failed ${ours.failed} of ${ours.runs} run(s) in the ${scenario.scenario.name} scenario`,
        );
      }
    }
  }
  for (const result of results.throughput?.results ?? []) {
    if (!result.available) failures.push(`throughput (${result.mode}): ${result.note}`);
  }
  return failures;
}
