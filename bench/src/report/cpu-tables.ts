/** The tables on per-record CPU: on in-memory stores, and with the real SDK client (from the latency run). */
import type { SampleSizes } from '../plan';
import { pairedRatioOf } from '../ratios';
import type { CpuResult } from '../stages/measure-cpu';
import { sdkCpuSamples, type LatencyResult } from '../stages/measure-latency';
import { median, summarize } from '../stats';
import { formatRatio, ms, table } from './format';

export function inMemoryCpuTable(cpu: CpuResult, samples: SampleSizes): string {
  const usPerRecord = cpu.output.usPerRecord;
  return table(
    `Per-record CPU, in-memory stores (µs/record, ${samples.cpu.batchesPerRound} batches of 10 per round, ${samples.cpu.rounds} rounds)`,
    ['handler', 'median µs', 'p25', 'p75', 'ours / this'],
    cpu.handlers.map((h) => {
      const s = summarize(usPerRecord[h.label] ?? [NaN]);
      return [
        h.label,
        ms(s.median),
        ms(s.p25),
        ms(s.p75),
        h.label === 'ours' ? '' : formatRatio(pairedRatioOf(usPerRecord['ours'], usPerRecord[h.label])),
      ];
    }),
  );
}

export function sdkCpuTable(latency: LatencyResult): string {
  const sdkCpu = (label: string) => sdkCpuSamples(latency.output, label);
  return table(
    'Per-record CPU with the real SDK client (the latency run at batch 10: process CPU / records; fake DynamoDB in another process)',
    ['handler', 'median µs', 'ours / this'],
    latency.handlers.map((h) => [
      h.label,
      ms(median(sdkCpu(h.label) ?? [NaN])),
      h.label === 'ours' ? '' : formatRatio(pairedRatioOf(sdkCpu('ours'), sdkCpu(h.label))),
    ]),
  );
}
