/**
 * `pnpm --filter @orders/bench bench:scale [--smoke] [--no-build]`: the two stages of `pnpm bench`
 * that say how the system scales, on their own — the long-running consumer scaled out to 1, 2 and 4
 * processes on one queue (about a minute; `--smoke`: 1 and 2 processes, a few seconds), and how fast
 * `orders simulate` simulates (about 15 s; `--smoke`: about 1 s). Prints the tables, then one JSON
 * line; writes bench/.bench/last-scale-{full,smoke}.{txt,json}; exits 1 when a run of ours lost an
 * order, stored a wrong state or could not run (never on a figure of time).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { SQS_DELAYS } from '../consumers/measure-consumers';
import { createOrdersTable } from '../orders-table';
import { OUT_DIR, REPO_DIR } from '../paths';
import { BenchUsageError, knownFlags, STANDIN_DELAY_MS } from '../plan';
import { failuresOfOurs } from '../report/failures-of-ours';
import { scaleOutJson, scaleOutTable } from '../report/scale-out-table';
import { simulationJson, simulationTable } from '../report/simulation-table';
import { measureScaleOut } from '../stages/measure-scale-out';
import { measureSimulation } from '../stages/measure-simulation';
import { startStandins } from '../standins/launch';

const log = (message: string): void => {
  process.stderr.write(`[bench:scale] ${message}\n`);
};

async function main(): Promise<void> {
  const args = knownFlags(process.argv.slice(2), ['--smoke', '--no-build']);
  const smoke = args.has('--smoke');
  const startedAt = Date.now();
  const loadStart = loadavg().map((l) => l.toFixed(2));
  if (!args.has('--no-build')) {
    // Both stages run the CLI from its build.
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', 'packages/cli'], {
      cwd: REPO_DIR,
      stdio: 'inherit',
    });
  }
  const standins = await startStandins({ fakeDelaysMs: [STANDIN_DELAY_MS], proxies: [], sqs: { delays: SQS_DELAYS } });
  try {
    const [dynamodbUrl] = standins.fakeUrls as [string];
    await createOrdersTable(dynamodbUrl);
    const scaleOut = await measureScaleOut({
      standins,
      dynamodb: { url: dynamodbUrl, putMs: STANDIN_DELAY_MS },
      smoke,
      log,
    });
    const simulation = await measureSimulation(smoke, log);
    const header = `pnpm bench:scale (${smoke ? 'SMOKE: tiny samples, figures meaningless' : 'full'}) — ${cpus().length} cores, node ${process.version}, load at start ${loadStart.join(' ')}, at end ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}, ${((Date.now() - startedAt) / 1000).toFixed(0)} s`;
    const text = [header, scaleOutTable(scaleOut), simulationTable(simulation)].join('\n');
    const json = {
      bench: 'scale',
      mode: smoke ? 'smoke' : 'full',
      scaleOut: scaleOutJson(scaleOut),
      simulation: simulationJson(simulation),
    };
    mkdirSync(OUT_DIR, { recursive: true });
    const name = `last-scale-${smoke ? 'smoke' : 'full'}`;
    writeFileSync(join(OUT_DIR, `${name}.txt`), `${text}\n`);
    writeFileSync(join(OUT_DIR, `${name}.json`), JSON.stringify(json, null, 2));
    process.stdout.write(`${text}\n\n${JSON.stringify(json)}\n`);
    const failures = failuresOfOurs({ scaleOut, simulation });
    if (failures.length > 0) {
      log(
        `ours could not be measured, or broke an invariant:\n${failures.map((failure) => `- ${failure}`).join('\n')}`,
      );
      process.exitCode = 1;
    }
  } finally {
    await standins.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench:scale failed: ${error instanceof BenchUsageError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
