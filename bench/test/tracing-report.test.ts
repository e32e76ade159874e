import { tracingJson, tracingTable } from '../src/report/tracing-table';
import { fabricatedTracing } from './support/fabricated-results';

describe('the tracing table', () => {
  it('sets tracing on beside off: files read, cold start, first batch and per-record CPU, with paired ratios', () => {
    const lines = tracingTable(fabricatedTracing()).split('\n');
    const row = (label: string) =>
      lines
        .find((line) => line.startsWith(label))
        ?.split(/ {2,}/)
        .map((cell) => cell.trim());
    expect(lines[1]).toMatch(/^Tracing: off .* against on /);
    expect(row('files read at cold start')).toEqual([
      'files read at cold start',
      'index.mjs 357.4 KiB',
      '+ tracing-sdk.mjs 74.2 KiB',
      '1.21× bytes',
    ]);
    expect(row('cold start: import, ms')).toEqual(['cold start: import, ms', '100.0', '110.0', '1.10× [1.10–1.10]']);
    expect(row('import + first 1-record batch, ms')).toEqual([
      'import + first 1-record batch, ms',
      '200.0',
      '290.0',
      '1.45× [1.45–1.45]',
    ]);
    expect(row('per-record CPU, µs')).toEqual([
      'per-record CPU, µs (DynamoDB stand-in)',
      '500.0',
      '600.0',
      '1.20× [1.20–1.20]',
    ]);
    expect(lines).toContain(
      'index.mjs holds @opentelemetry/api (10.0 KiB) and the tracing bootstrap (4.0 KiB); other OpenTelemetry packages in it: none.',
    );
    expect(lines.at(-1)).toMatch(
      /received 30 spans in 3 exports \(OrderQueue process, PutItem\); records reported failed: off 0, on 0\.$/,
    );
  });

  it('puts the same figures in the JSON line', () => {
    expect(JSON.parse(JSON.stringify(tracingJson(fabricatedTracing())))).toEqual({
      bytes: { main: 366_000, sdk: 76_000, apiInMain: 10_240, bootstrapInMain: 4_096, sdkPackagesInMain: [] },
      coldStart: {
        importMs: { 'tracing off': 100, 'tracing on': 110 },
        wholeProcessMs: { 'tracing off': 140, 'tracing on': 150 },
        firstInvokeWholeProcessMs: { 'tracing off': 200, 'tracing on': 290 },
        importRatio: { median: 1.1, p25: 1.1, p75: 1.1, pairs: 1 },
        wholeProcessRatio: expect.objectContaining({ pairs: 1 }),
        firstInvokeRatio: expect.objectContaining({ median: 1.45 }),
      },
      cpu: {
        usPerRecord: { 'tracing off': 500, 'tracing on': 600 },
        ratio: { median: 1.2, p25: 1.2, p75: 1.2, pairs: 1 },
        failedRecords: { 'tracing off': 0, 'tracing on': 0 },
      },
      exported: { requests: 3, failedRequests: 0, spans: 30, spanNames: ['OrderQueue process', 'PutItem'] },
    });
  });
});
