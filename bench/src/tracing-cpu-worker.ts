/**
 * Per-record CPU of ours with tracing as its environment says (off, or on and exporting to the
 * collector stand-in): one process per measurement, because tracing registers a process-wide
 * tracer provider, so "off" and "on" cannot share one. The bundle is imported under the process's
 * own environment, warmed up, then answers `batches` fresh batches on the DynamoDB stand-in (so
 * each record's write is a real SDK call and, when on, a PutItem span); the process CPU time (user
 * + system: span export and log writes count) is divided by the records. Every record carries a
 * W3C traceparent in its SNS envelope, as a traced producer's would, in both runs.
 */
import { randomBytes } from 'node:crypto';
import { snsEnvelopeBody, sqsEvent, sqsRecord } from '@orders/testkit';
import { createOrderGenerator } from '@orders/simulation';
import { benchContext } from './events';
import { importHandler } from './import-handler';
import type { SQSEvent } from './references/types';
import { serveWorker } from './workers';

export interface TracingCpuInput {
  readonly label: string;
  readonly file: string;
  readonly batchSize: number;
  readonly batches: number;
  readonly warmupBatches: number;
  /** Keeps order ids disjoint between processes writing to the same table. */
  readonly seed: number;
}

export interface TracingCpuOutput {
  readonly usPerRecord: number;
  readonly failedRecords: number;
}

function tracedBatches(seed: number, count: number, size: number): SQSEvent[] {
  const orders = createOrderGenerator(seed);
  return Array.from({ length: count }, () =>
    sqsEvent(
      Array.from({ length: size }, () =>
        sqsRecord(
          snsEnvelopeBody(orders.next(), {
            traceparent: `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`,
          }),
        ),
      ),
    ),
  );
}

async function run(input: TracingCpuInput): Promise<TracingCpuOutput> {
  const handler = await importHandler({ label: input.label, file: input.file, env: {} });
  const context = benchContext();
  let failedRecords = 0;
  for (const event of tracedBatches(input.seed, input.warmupBatches, input.batchSize)) {
    const response = await handler(event, context);
    failedRecords += response?.batchItemFailures.length ?? 0;
  }
  const events = tracedBatches(input.seed + 1, input.batches, input.batchSize);
  const before = process.cpuUsage();
  for (const event of events) {
    const response = await handler(event, context);
    failedRecords += response?.batchItemFailures.length ?? 0;
  }
  const used = process.cpuUsage(before);
  return { usPerRecord: (used.user + used.system) / (input.batches * input.batchSize), failedRecords };
}

serveWorker(run);
