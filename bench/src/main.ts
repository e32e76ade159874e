/**
 * `pnpm bench` — ours against the seed-style, Powertools-style and floor reference handlers:
 * cold start, bundle contents, batch latency, per-record CPU and end-to-end throughput; what
 * tracing costs (off against on: bundle, cold start, per-record CPU); and the
 * long-running consumer (`orders consume`) against sqs-consumer and a bare loop on the SQS and
 * DynamoDB stand-ins, and scaled out to N processes on one queue; and how fast `orders simulate`
 * simulates.
 * Prints tables, then one JSON line with every figure. `--smoke` runs a tiny version (CI; no
 * figure is asserted anywhere, but a measurement of ours that could not run, or a run of ours that
 * lost an order or stored a wrong state, exits 1). `--no-build` measures packages/lambda-entry/dist as it is;
 * `--no-moto` skips what needs a moto server.
 * Each stage is a module in stages/ (the consumer comparison's is consumers/measure-consumers.ts);
 * the report is built from their results in report/. Method and latest results: docs/benchmarks.md.
 */
import { mkdirSync } from 'node:fs';
import { measureConsumers } from './consumers/measure-consumers';
import { log } from './log';
import { currentLoadAverage, describeMachine } from './machine';
import { OUT_DIR } from './paths';
import { BenchUsageError, planFromArguments, STANDIN_DELAY_MS, type BenchPlan } from './plan';
import { buildReport, publishReport } from './report/build-report';
import { failuresOfOurs } from './report/failures-of-ours';
import type { BenchResults } from './report/results';
import { buildBundles } from './stages/build-bundles';
import { checkOursRepository } from './stages/check-ours-repository';
import { measureAttribution } from './stages/measure-attribution';
import { coldStartEnvironment, measureColdStart } from './stages/measure-cold-start';
import { measureCpu } from './stages/measure-cpu';
import { measureLatency } from './stages/measure-latency';
import { measureMotoLatency } from './stages/measure-moto-latency';
import { measureRuntimeClient } from './stages/measure-runtime-client';
import { measureScaleOut } from './stages/measure-scale-out';
import { measureSimulation } from './stages/measure-simulation';
import { measureThroughput } from './stages/measure-throughput';
import { measureTracing } from './stages/measure-tracing';
import { startHandlerStandins, type HandlerStandins } from './stages/start-standins';
import { MotoOnDemand } from './standins/moto-on-demand';

async function main(plan: BenchPlan): Promise<void> {
  const startedAt = new Date();
  const machine = describeMachine();
  log(`${plan.mode} run on ${machine.nproc} cores, node ${machine.node}, load ${machine.loadavgStart.join(' ')}`);
  mkdirSync(OUT_DIR, { recursive: true });
  const bundles = await buildBundles(plan.rebuild);
  const moto = new MotoOnDemand();
  let standins: HandlerStandins | undefined;
  try {
    standins = await startHandlerStandins();
    const { samples } = plan;
    const ours = checkOursRepository(bundles.ours.file, standins.instantUrl);
    const coldStartEnv = coldStartEnvironment(standins.instantUrl, ours);
    const coldStart = measureColdStart({ samples, bundles, environment: coldStartEnv, ours });
    const attribution = await measureAttribution(samples, bundles.ours, coldStartEnv);
    const runtimeClient = await measureRuntimeClient({ samples, bundles, ours, endpoint: standins.instantUrl });
    const latency = await measureLatency({ samples, bundles, ours, endpoint: standins.delayedUrl });
    const motoLatency = await measureMotoLatency(plan, latency.handlers, moto);
    const cpu = await measureCpu(samples, bundles);
    const tracing = await measureTracing({ samples, bundles, ours, environment: coldStartEnv });
    const consumers = await measureConsumers({
      standins: standins.process,
      dynamodb: { url: standins.delayedUrl, putMs: STANDIN_DELAY_MS },
      slowDynamodb: standins.slowPutUrl,
      smoke: plan.mode === 'smoke',
      rebuild: plan.rebuild,
      log,
    });
    const scaleOut = await measureScaleOut({
      standins: standins.process,
      dynamodb: { url: standins.delayedUrl, putMs: STANDIN_DELAY_MS },
      smoke: plan.mode === 'smoke',
      log,
    });
    const simulation = await measureSimulation(plan.mode === 'smoke', log);
    const throughput = await measureThroughput(plan, moto, bundles.ours.file);
    const results: BenchResults = {
      plan,
      startedAt,
      machine,
      bundles,
      oursRepository: ours,
      coldStart,
      attribution,
      runtimeClient,
      latency,
      motoLatency,
      cpu,
      tracing,
      consumers,
      scaleOut,
      simulation,
      throughput,
    };
    publishReport(buildReport(results, { finishedAt: new Date(), loadavgEnd: currentLoadAverage() }));
    const failures = failuresOfOurs(results);
    if (failures.length > 0) {
      process.stderr.write(
        `bench: ours could not be measured, or broke an invariant:\n${failures.map((failure) => `- ${failure}`).join('\n')}\n`,
      );
      process.exitCode = 1;
    }
  } finally {
    await standins?.process.stop();
    await moto.stop();
  }
}

Promise.resolve()
  .then(() => main(planFromArguments(process.argv.slice(2))))
  .catch((error: unknown) => {
    const detail =
      error instanceof BenchUsageError
        ? error.message
        : error instanceof Error
          ? (error.stack ?? error.message)
          : String(error);
    process.stderr.write(`bench failed: ${detail}\n`);
    process.exitCode = 1;
  });
