/**
 * Evidence for two recommendations in docs/benchmarks.md, measured in this process only (no
 * product file is touched): ours' handler from source on the in-memory repository, with
 * PowertoolsLoggerAdapter patched here to
 * - `level-check`: return before merging fields when the level is off;
 * - `success-debug`: also log "order message processed" at debug (one info summary per batch stays).
 *
 *   cd bench && for v in as-is:info as-is:warn level-check:warn success-debug:info; do
 *     VARIANT=${v%:*} LOG_LEVEL=${v#*:} ../node_modules/.bin/tsx --conditions=source src/experiments/logging-what-if.ts >/dev/null
 *   done
 *
 * Prints µs of CPU per record (median of 8 rounds × 300 batches of 10) on stderr.
 */
import { buildContainer, readEntryConfig, SQS_BATCH_HANDLER, type SqsBatchHandler } from '@orders/lambda-entry';
import { PowertoolsLoggerAdapter } from '@orders/observability';
import type { LogFields } from '@orders/core';
import { BatchFactory, benchContext } from '../events';
import { median } from '../stats';

type LogMethod = (this: PowertoolsLoggerAdapter, message: string, fields?: LogFields) => void;
const DEBUG = 8; // Powertools LogLevelThreshold: DEBUG 8, INFO 12, WARN 16, ERROR 20
const INFO = 12;

const variant = process.env['VARIANT'] ?? 'as-is';
const prototype = PowertoolsLoggerAdapter.prototype as unknown as { debug: LogMethod; info: LogMethod };
const original = { debug: prototype.debug, info: prototype.info };
if (variant === 'level-check' || variant === 'success-debug') {
  prototype.debug = function (message, fields) {
    if (this.powertools.level > DEBUG) return;
    original.debug.call(this, message, fields);
  };
  prototype.info = function (message, fields) {
    if (variant === 'success-debug' && message === 'order message processed')
      return prototype.debug.call(this, message, fields);
    if (this.powertools.level > INFO) return;
    original.info.call(this, message, fields);
  };
}

async function main(): Promise<void> {
  const config = readEntryConfig({ ORDERS_REPOSITORY: 'memory', LOG_LEVEL: process.env['LOG_LEVEL'] });
  const handler = buildContainer(config).resolve<SqsBatchHandler>(SQS_BATCH_HANDLER);
  const batches = new BatchFactory(1);
  const context = benchContext();
  const perRecord: number[] = [];
  for (let round = -2; round < 8; round++) {
    const events = Array.from({ length: 300 }, () => batches.next(10));
    const before = process.cpuUsage();
    for (const event of events) await handler(event, context);
    const used = process.cpuUsage(before);
    if (round >= 0) perRecord.push((used.user + used.system) / 3000);
  }
  process.stderr.write(`${variant} LOG_LEVEL=${config.logLevel}: ${median(perRecord).toFixed(1)} µs/record\n`);
}

void main();
