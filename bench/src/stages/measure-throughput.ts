/**
 * Stage: end-to-end throughput on moto (SQS + DynamoDB both moto), per consumption mode (see
 * throughput-worker.ts). Absolute and moto-bound; skipped with `--no-moto`.
 */
import { handlerEnvironment } from '../environment';
import { log } from '../log';
import { OURS_CONCURRENCY, type BenchPlan } from '../plan';
import type { MotoOnDemand } from '../standins/moto-on-demand';
import type { ThroughputInput, ThroughputMode, ThroughputResult } from '../throughput-worker';
import { runWorker } from '../workers';

export interface ThroughputStageResult {
  readonly results: readonly ThroughputResult[];
  readonly notes: readonly string[];
}

const MODES: readonly ThroughputMode[] = ['queue-consumer', 'lambda-esm'];

export async function measureThroughput(
  plan: BenchPlan,
  motoServer: MotoOnDemand,
  oursFile: string,
): Promise<ThroughputStageResult> {
  if (plan.skipMoto) return { results: [], notes: ['throughput skipped (--no-moto)'] };
  const moto = await motoServer.get();
  // The worker creates its own queue and table: the moto latency run, if any, left its table and orders behind.
  await moto.reset();
  const { throughputOrders, pollers } = plan.samples;
  log(`throughput on moto: ${throughputOrders} orders per mode (${MODES.join(', ')}), ${pollers} pollers`);
  const results = await runWorker<ThroughputInput, ThroughputResult[]>(
    'throughput-worker.ts',
    {
      motoUrl: moto.url,
      orders: throughputOrders,
      pollers,
      modes: MODES,
      oursBundle: oursFile,
      concurrency: OURS_CONCURRENCY,
    },
    handlerEnvironment(),
  );
  return { results, notes: [] };
}
