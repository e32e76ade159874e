/**
 * Batch latency, in one process: every handler bundle imported side by side (each with its own
 * SDK client and keep-alive sockets to the stand-in), then rounds in which each handler answers
 * one fresh batch, the order rotated each round. Also records the process CPU each batch took.
 */
import { BatchFactory, benchContext } from './events';
import { importHandler, type LatencyHandlerSpec } from './import-handler';
import { serveWorker } from './workers';

export interface LatencyInput {
  /**
   * Set for the whole run. The SDK reads some variables (AWS_ENDPOINT_URL, the region) lazily at
   * the first call, not at import, so the endpoint must stay in the environment.
   */
  readonly commonEnv: Readonly<Record<string, string>>;
  readonly handlers: readonly LatencyHandlerSpec[];
  readonly sizes: readonly number[];
  readonly rounds: Readonly<Record<number, number>>;
  readonly warmupRounds: number;
}

export interface LatencyOutput {
  /** label → size → wall ms per round. */
  readonly wallMs: Record<string, Record<number, number[]>>;
  /** label → size → process CPU µs per record, per round. */
  readonly cpuUsPerRecord: Record<string, Record<number, number[]>>;
  /** label → records reported failed (any is a broken run). */
  readonly failures: Record<string, number>;
  /** label → the first error a handler threw (the batch then counts as failed). */
  readonly errors: Record<string, string>;
}

async function run(input: LatencyInput): Promise<LatencyOutput> {
  Object.assign(process.env, input.commonEnv);
  const handlers = [];
  for (const [index, spec] of input.handlers.entries()) {
    handlers.push({ spec, handler: await importHandler(spec), batches: new BatchFactory(1000 + index) });
  }
  const wallMs: LatencyOutput['wallMs'] = {};
  const cpuUsPerRecord: LatencyOutput['cpuUsPerRecord'] = {};
  const failures: LatencyOutput['failures'] = {};
  const errors: LatencyOutput['errors'] = {};
  for (const { spec } of handlers) {
    wallMs[spec.label] = {};
    cpuUsPerRecord[spec.label] = {};
    failures[spec.label] = 0;
  }
  for (const size of input.sizes) {
    const rounds = input.rounds[size] ?? 10;
    for (let round = -input.warmupRounds; round < rounds; round++) {
      for (let k = 0; k < handlers.length; k++) {
        const { spec, handler, batches } = handlers[
          (Math.max(round, 0) + k) % handlers.length
        ] as (typeof handlers)[number];
        const event = batches.next(size);
        const context = benchContext();
        const cpuBefore = process.cpuUsage();
        const started = performance.now();
        let failed: number;
        try {
          const response = await handler(event, context);
          failed = response ? response.batchItemFailures.length : 0;
        } catch (error) {
          failed = size;
          errors[spec.label] ??= describe(error);
        }
        const elapsed = performance.now() - started;
        const cpu = process.cpuUsage(cpuBefore);
        failures[spec.label] = (failures[spec.label] ?? 0) + failed;
        if (round < 0) continue;
        appendSample(wallMs[spec.label] as Record<number, number[]>, size, elapsed);
        appendSample(cpuUsPerRecord[spec.label] as Record<number, number[]>, size, (cpu.user + cpu.system) / size);
      }
    }
  }
  return { wallMs, cpuUsPerRecord, failures, errors };
}

function describe(error: unknown): string {
  const first = (error as { childErrors?: unknown[] })?.childErrors?.[0] ?? error;
  return first instanceof Error ? `${first.name}: ${first.message}` : String(first);
}

serveWorker(run);

function appendSample(samples: Record<number, number[]>, size: number, value: number): void {
  const list = samples[size] ?? [];
  list.push(value);
  samples[size] = list;
}
