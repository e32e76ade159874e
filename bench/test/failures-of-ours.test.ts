import { summarizeScenario } from '../src/consumers/consumer-report';
import { failuresOfOurs } from '../src/report/failures-of-ours';
import { TRACING_ON } from '../src/stages/measure-tracing';
import { fabricatedResults, fabricatedTracing } from './support/fabricated-results';

// pnpm bench (and CI's smoke run) exits 1 when ours could not be measured: an "n/a" where our own
// figure should be is a defect in what we ship, not noise.

it('finds nothing when every run of ours finished', () => {
  expect(failuresOfOurs(fabricatedResults())).toEqual([]);
});

it('names a failed consumer run of ours and a throughput mode that did not run', () => {
  const results = fabricatedResults();
  const drain = results.consumers.drain;
  const failedOurs = summarizeScenario(drain.scenario, [
    {
      config: 'ours',
      kind: 'ours',
      round: 0,
      messages: 200,
      ok: false,
      note: 'exited early',
      requests: {},
      complete: false,
    },
  ]);
  expect(
    failuresOfOurs({
      consumers: { ...results.consumers, drain: failedOurs },
      throughput: {
        results: [{ mode: 'lambda-esm', available: false, note: 'failed: the bundle threw' }],
        notes: [],
      },
    }),
  ).toEqual([
    'orders consume (ours) failed 1 of 1 run(s) in the drain scenario',
    'throughput (lambda-esm): failed: the bundle threw',
  ]);
});

it('does not blame ours for a reference that failed', () => {
  const results = fabricatedResults();
  const referenceFailed = summarizeScenario(results.consumers.drain.scenario, [
    {
      config: 'sqs-consumer×6',
      kind: 'sqs-consumer',
      round: 0,
      messages: 200,
      ok: false,
      note: 'timed out',
      requests: {},
      complete: false,
    },
  ]);
  expect(failuresOfOurs({ ...results, consumers: { ...results.consumers, drain: referenceFailed } })).toEqual([]);
});

it('names what tracing broke: an SDK package in index.mjs, failed records, an unreadable export, no span exported with tracing on', () => {
  const tracing = fabricatedTracing();
  expect(
    failuresOfOurs({
      tracing: fabricatedTracing({
        sizes: { ...tracing.sizes, sdkPackagesInMain: ['@opentelemetry/sdk-trace'] },
        cpu: { ...tracing.cpu, failedRecords: { ...tracing.cpu.failedRecords, [TRACING_ON]: 2 } },
        exported: { requests: 1, failedRequests: 1, spans: 0, spanNames: [] },
      }),
    }),
  ).toEqual([
    'tracing: index.mjs holds OpenTelemetry SDK packages: @opentelemetry/sdk-trace',
    'tracing: 2 record(s) failed with tracing on',
    'tracing: the collector stand-in could not read 1 export(s)',
    'tracing: with OTEL_EXPORTER_OTLP_ENDPOINT set, ours exported no span to the collector stand-in',
  ]);
});
