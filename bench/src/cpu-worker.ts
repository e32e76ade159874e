/**
 * Per-record CPU on in-memory stores: ours (the shipped bundle with ORDERS_REPOSITORY=memory) and
 * each reference's `.memory` bundle (its handler on the in-memory DynamoDB). Rounds interleave
 * the handlers; in each, a handler answers `batchesPerRound` fresh batches back to back and the
 * process CPU time (user + system, so log writes count) is divided by the records.
 */
import { BatchFactory, benchContext } from './events';
import { importHandler, type LatencyHandlerSpec } from './import-handler';
import type { BenchHandler } from './references/types';
import { serveWorker } from './workers';

export interface CpuInput {
  readonly handlers: readonly LatencyHandlerSpec[];
  readonly batchSize: number;
  readonly batchesPerRound: number;
  readonly rounds: number;
  readonly warmupRounds: number;
}

export interface CpuOutput {
  /** label → µs of CPU per record, per round. */
  readonly usPerRecord: Record<string, number[]>;
  readonly failures: Record<string, number>;
}

async function run(input: CpuInput): Promise<CpuOutput> {
  const handlers: { spec: LatencyHandlerSpec; handler: BenchHandler; batches: BatchFactory }[] = [];
  for (const [index, spec] of input.handlers.entries()) {
    handlers.push({ spec, handler: await importHandler(spec), batches: new BatchFactory(2000 + index) });
  }
  const usPerRecord: CpuOutput['usPerRecord'] = Object.fromEntries(handlers.map((h) => [h.spec.label, []]));
  const failures: CpuOutput['failures'] = Object.fromEntries(handlers.map((h) => [h.spec.label, 0]));
  for (let round = -input.warmupRounds; round < input.rounds; round++) {
    for (let k = 0; k < handlers.length; k++) {
      const { spec, handler, batches } = handlers[
        (Math.max(round, 0) + k) % handlers.length
      ] as (typeof handlers)[number];
      const events = Array.from({ length: input.batchesPerRound }, () => batches.next(input.batchSize));
      const context = benchContext();
      let failed = 0;
      const before = process.cpuUsage();
      for (const event of events) {
        const response = await handler(event, context);
        if (response) failed += response.batchItemFailures.length;
      }
      const used = process.cpuUsage(before);
      failures[spec.label] = (failures[spec.label] ?? 0) + failed;
      if (round >= 0)
        usPerRecord[spec.label]?.push((used.user + used.system) / (input.batchesPerRound * input.batchSize));
    }
  }
  return { usPerRecord, failures };
}

serveWorker(run);
