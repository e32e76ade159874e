/**
 * The OTLP collector stand-in (@orders/testkit) in a process of its own: the cold-start runs are
 * spawned synchronously, so a collector in the bench's own process could not answer their exports.
 * Posts `{ endpoint }` once listening; answers `'stats'` with what it received; ends on disconnect.
 */
import { startOtlpCollector } from '@orders/testkit';
import type { CollectorStats } from './collector-process';

startOtlpCollector().then(
  (collector) => {
    process.send?.({ endpoint: collector.endpoint });
    process.on('message', (message: unknown) => {
      if (message !== 'stats') return;
      const spans = collector.spans();
      const stats: CollectorStats = {
        requests: collector.requests().length,
        failedRequests: collector.requests().filter((request) => request.status !== 200).length,
        spans: spans.length,
        spanNames: [...new Set(spans.map((span) => span.name))].sort(),
      };
      process.send?.({ stats });
    });
    process.on('disconnect', () => {
      void collector.close().finally(() => process.exit(0));
    });
  },
  (error: unknown) => {
    process.stderr.write(`collector stand-in failed to start: ${String(error)}\n`);
    process.exit(1);
  },
);
