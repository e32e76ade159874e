/**
 * Stage: batch latency on moto behind the same delay, as evidence for the stand-in choice (moto's
 * CPU-bound server, not concurrency, sets these figures). Full runs only, and not with `--no-moto`.
 */
import { handlerEnvironment } from '../environment';
import type { LatencyHandlerSpec } from '../import-handler';
import type { LatencyInput, LatencyOutput } from '../latency-worker';
import { log } from '../log';
import { createOrdersTable } from '../orders-table';
import { STANDIN_DELAY_MS, type BenchPlan } from '../plan';
import { startStandins } from '../standins/launch';
import type { MotoOnDemand } from '../standins/moto-on-demand';
import { runWorker } from '../workers';

const ON_MOTO = ['ours', 'seed-style', 'floor'];

/** Undefined when skipped. */
export async function measureMotoLatency(
  plan: BenchPlan,
  latencyHandlers: readonly LatencyHandlerSpec[],
  motoServer: MotoOnDemand,
): Promise<LatencyOutput | undefined> {
  const rounds = plan.samples.motoLatencyRounds;
  if (plan.skipMoto || rounds <= 0) return undefined;
  const moto = await motoServer.get();
  const proxy = await startStandins({ fakeDelaysMs: [], proxies: [{ upstream: moto.url, delayMs: STANDIN_DELAY_MS }] });
  try {
    const proxied = proxy.proxyUrls[0] as string;
    await createOrdersTable(moto.url);
    const handlers = latencyHandlers.filter((handler) => ON_MOTO.includes(handler.label));
    log(`batch latency on moto + ${STANDIN_DELAY_MS} ms proxy (evidence for the stand-in choice): ${rounds} rounds`);
    return await runWorker<LatencyInput, LatencyOutput>(
      'latency-worker.ts',
      {
        commonEnv: { AWS_ENDPOINT_URL: proxied },
        handlers,
        sizes: [10, 100],
        rounds: { 10: rounds, 100: rounds },
        warmupRounds: 1,
      },
      handlerEnvironment(),
    );
  } finally {
    await proxy.stop();
  }
}
