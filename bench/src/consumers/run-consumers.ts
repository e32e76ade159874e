/**
 * `pnpm --filter @orders/bench bench:consumers [--smoke] [--no-build] [--profile]`: the consumer
 * comparison of `pnpm bench` on its own (about 6 minutes; `--smoke` in about 15 s). `--profile` adds
 * one unmeasured drain of ours and of its matched peer under `node --cpu-prof` and prints where their
 * CPU went (the profiles stay in bench/.bench/profiles/). Prints the tables, then one JSON line;
 * writes bench/.bench/last-consumers-{full,smoke}.{txt,json}.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { createOrdersTable } from '../orders-table';
import { OUT_DIR } from '../paths';
import { BenchUsageError, knownFlags } from '../plan';
import { failuresOfOurs } from '../report/failures-of-ours';
import { startStandins } from '../standins/launch';
import { consumerJson, consumerTables, measureConsumers, SLOW_PUT_MS, SQS_DELAYS } from './measure-consumers';

const PUT_MS = 8;
const log = (message: string): void => {
  process.stderr.write(`[bench:consumers] ${message}\n`);
};

async function main(): Promise<void> {
  const args = knownFlags(process.argv.slice(2), ['--smoke', '--no-build', '--profile']);
  const smoke = args.has('--smoke');
  const startedAt = Date.now();
  const loadStart = loadavg().map((l) => l.toFixed(2));
  const standins = await startStandins({
    fakeDelaysMs: [PUT_MS, SLOW_PUT_MS],
    proxies: [],
    sqs: { delays: SQS_DELAYS },
  });
  try {
    const [fast, slow] = standins.fakeUrls as [string, string];
    await createOrdersTable(fast);
    const measurement = await measureConsumers({
      standins,
      dynamodb: { url: fast, putMs: PUT_MS },
      slowDynamodb: slow,
      smoke,
      rebuild: !args.has('--no-build'),
      profile: args.has('--profile'),
      log,
    });
    const header = `pnpm bench:consumers (${smoke ? 'SMOKE: tiny samples, figures meaningless' : 'full'}) — ${cpus().length} cores, node ${process.version}, load at start ${loadStart.join(' ')}, at end ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}, ${((Date.now() - startedAt) / 1000).toFixed(0)} s`;
    const text = [header, ...consumerTables(measurement), ...measurement.notes.map((note) => `- ${note}`)].join('\n');
    const json = { bench: 'consumers', mode: smoke ? 'smoke' : 'full', ...consumerJson(measurement) };
    mkdirSync(OUT_DIR, { recursive: true });
    const name = `last-consumers-${smoke ? 'smoke' : 'full'}`;
    writeFileSync(join(OUT_DIR, `${name}.txt`), `${text}\n`);
    writeFileSync(join(OUT_DIR, `${name}.json`), JSON.stringify(json, null, 2));
    process.stdout.write(`${text}\n\n${JSON.stringify(json)}\n`);
    const failures = failuresOfOurs({ consumers: measurement });
    if (failures.length > 0) {
      log(`ours could not be measured:\n${failures.map((failure) => `- ${failure}`).join('\n')}`);
      process.exitCode = 1;
    }
  } finally {
    await standins.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench:consumers failed: ${error instanceof BenchUsageError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
