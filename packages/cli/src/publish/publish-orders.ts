import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import {
  serializeOrder,
  type OrderEventPublisher,
  type OutboundOrderMessage,
  type ValidationProblem,
} from '@orders/core';
import { createOrderGenerator } from '@orders/simulation';
import { checkOrderLine, readableAttributes } from './order-lines';
import type { OrderSchemaCheck, SchemaError } from './order-schema-check';

/** A line core refused (so it was not published), with what the order's JSON Schema says of it. */
export interface InvalidLine {
  readonly lineNumber: number;
  /** Core's verdict: what decides, as the processor runs the same validation. */
  readonly problems: readonly ValidationProblem[];
  /**
   * The published schema's errors on the same line (Ajv, draft 2020-12), in the terms a producer
   * validating against contract/order/v1.json sees; absent when the line is not JSON.
   */
  readonly schemaErrors?: readonly SchemaError[];
}

export interface PublishFailureReport {
  /** The line number for files, the 1-based position for samples. */
  readonly position: number;
  readonly code: string;
  readonly message: string;
}

export interface PublishSummary {
  readonly published: number;
  readonly invalid: readonly InvalidLine[];
  readonly failed: readonly PublishFailureReport[];
}

export interface PublishProgress {
  start(total: number): void;
  update(done: number): void;
  stop(): void;
}

/** Messages are handed to the publisher this many at a time (it splits them into SNS batches of 10). */
const CHUNK = 100;
/**
 * Rounds of publishing again what failed for a reason that may pass (throttling, a 5xx, a lost
 * connection), on top of the SDK's own retries of each call, with a pause that doubles. A message
 * whose answer was lost may then be on the topic twice: consumers apply it once (at-least-once
 * delivery is the contract anyway).
 */
const EXTRA_ROUNDS = 3;
const FIRST_PAUSE_MS = 500;
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Ajv and the compiled schema, loaded at the first line core refuses: `--sample`, `--unchecked` and a file of valid orders never load them. */
const loadOrderSchemaCheck = async (): Promise<OrderSchemaCheck> =>
  (await import('./order-schema-check.js')).compileOrderSchemaCheck();

interface Pending {
  readonly position: number;
  readonly message: OutboundOrderMessage;
}

/** How failed publishes are tried again. */
export interface PublishRetry {
  /** Pause before the first extra round (it doubles each round). Default 500 ms. */
  readonly firstPauseMs?: number;
}

async function flush(
  publisher: OrderEventPublisher,
  pending: Pending[],
  summary: { published: number; failed: PublishFailureReport[] },
  retry: PublishRetry = {},
): Promise<void> {
  if (pending.length === 0) return;
  let batch = pending.splice(0, pending.length);
  for (let round = 0; ; round++) {
    const result = await publisher.publishBatch(batch.map((p) => p.message));
    summary.published += result.published;
    const again: Pending[] = [];
    for (const failure of result.failures) {
      const item = batch[failure.index];
      if (item === undefined) continue;
      if (failure.retryable === true && round < EXTRA_ROUNDS) again.push(item);
      else summary.failed.push({ position: item.position, code: failure.code, message: failure.message });
    }
    if (again.length === 0) return;
    await pause((retry.firstPauseMs ?? FIRST_PAUSE_MS) * 2 ** round);
    batch = again;
  }
}

/**
 * Publishes a JSON Lines file: every valid line is published, every invalid one is reported by
 * line number and skipped (unless `unchecked`, which publishes lines as they are — a way to put
 * poison messages on the topic on purpose). Progress is reported in bytes read.
 *
 * Core decides what is valid (the processor runs the same validation); a refused line is also
 * checked against the published JSON Schema, so the report names each field the way a producer's
 * validator does. The schema is compiled once, when the first line is refused.
 */
export async function publishFile(
  publisher: OrderEventPublisher,
  /** A file's path, or a readable stream of lines (stdin). */
  path: string | NodeJS.ReadableStream,
  options: { unchecked: boolean; totalBytes: number; progress?: PublishProgress; retry?: PublishRetry },
): Promise<PublishSummary> {
  const summary = { published: 0, failed: [] as PublishFailureReport[] };
  const invalid: InvalidLine[] = [];
  const pending: Pending[] = [];
  const stream = typeof path === 'string' ? createReadStream(path, { encoding: 'utf8' }) : path;
  const bytesRead = (): number =>
    'bytesRead' in stream && typeof stream.bytesRead === 'number' ? stream.bytesRead : 0;
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let schemaCheck: Promise<OrderSchemaCheck> | undefined;
  options.progress?.start(options.totalBytes);
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    const text = line.trim();
    if (text === '') continue;
    if (options.unchecked) {
      pending.push({ position: lineNumber, message: { body: text, ...readableAttributes(text) } });
    } else {
      const checked = checkOrderLine(text, lineNumber);
      if (checked.ok)
        pending.push({
          position: lineNumber,
          message: { body: checked.body, orderId: checked.orderId, status: checked.status },
        });
      else if (checked.parsed === undefined) invalid.push({ lineNumber, problems: checked.problems });
      else {
        schemaCheck ??= loadOrderSchemaCheck();
        const schemaErrors = (await schemaCheck)(checked.parsed.value);
        invalid.push({ lineNumber, problems: checked.problems, schemaErrors });
      }
    }
    if (pending.length >= CHUNK) {
      await flush(publisher, pending, summary, options.retry);
      options.progress?.update(bytesRead());
    }
  }
  await flush(publisher, pending, summary, options.retry);
  options.progress?.update(options.totalBytes);
  options.progress?.stop();
  return { published: summary.published, invalid, failed: summary.failed };
}

/** Publishes `count` generated valid orders (deterministic for a seed). */
export async function publishSample(
  publisher: OrderEventPublisher,
  count: number,
  options: { seed: number; progress?: PublishProgress; retry?: PublishRetry },
): Promise<PublishSummary> {
  const summary = { published: 0, failed: [] as PublishFailureReport[] };
  const generator = createOrderGenerator(options.seed);
  const pending: Pending[] = [];
  options.progress?.start(count);
  for (let position = 1; position <= count; position++) {
    const order = generator.next();
    pending.push({ position, message: { body: serializeOrder(order), orderId: order.orderId, status: order.status } });
    if (pending.length >= CHUNK) {
      await flush(publisher, pending, summary, options.retry);
      options.progress?.update(position);
    }
  }
  await flush(publisher, pending, summary, options.retry);
  options.progress?.update(count);
  options.progress?.stop();
  return { published: summary.published, invalid: [], failed: summary.failed };
}
