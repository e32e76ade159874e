/** The tracing table (off against on) and its part of the JSON line. */
import { topContributors } from '../bundles';
import { coldStartMedian } from '../stages/measure-cold-start';
import { readSdkMetafile, TRACING_OFF, TRACING_ON, type TracingResult } from '../stages/measure-tracing';
import { median, type RatioSummary, round } from '../stats';
import { formatRatio, kib, ms, ratio, table } from './format';

export function tracingTable(tracing: TracingResult): string {
  const { sizes, coldStart, cpu, exported } = tracing;
  const cold = (runs: typeof coldStart.import | undefined, figure: 'samples' | 'importMs', name: string) =>
    ms(coldStartMedian(runs, figure, name));
  const cpuMedian = (name: typeof TRACING_OFF | typeof TRACING_ON) =>
    ms(cpu.usPerRecord[name].length > 0 ? median(cpu.usPerRecord[name]) : undefined);
  const sdkTop = readSdkMetafile();
  return [
    table(
      'Tracing: off (no OTEL_* variables, the default) against on (OTEL_EXPORTER_OTLP_ENDPOINT → the OTLP collector stand-in, http/protobuf)',
      ['', TRACING_OFF, TRACING_ON, 'on / off [p25–p75]'],
      [
        [
          'files read at cold start',
          `index.mjs ${kib(sizes.mainBytes)}`,
          `+ tracing-sdk.mjs ${kib(sizes.sdkBytes)}`,
          `${ratio((sizes.mainBytes + sizes.sdkBytes) / sizes.mainBytes)} bytes`,
        ],
        [
          'cold start: import, ms',
          cold(coldStart.import, 'importMs', TRACING_OFF),
          cold(coldStart.import, 'importMs', TRACING_ON),
          formatRatio(coldStart.importRatio),
        ],
        [
          'cold start: whole process, ms',
          cold(coldStart.import, 'samples', TRACING_OFF),
          cold(coldStart.import, 'samples', TRACING_ON),
          formatRatio(coldStart.wholeProcessRatio),
        ],
        [
          'import + first 1-record batch, ms',
          cold(coldStart.firstInvoke, 'samples', TRACING_OFF),
          cold(coldStart.firstInvoke, 'samples', TRACING_ON),
          formatRatio(coldStart.firstInvokeRatio),
        ],
        [
          'per-record CPU, µs (DynamoDB stand-in)',
          cpuMedian(TRACING_OFF),
          cpuMedian(TRACING_ON),
          formatRatio(cpu.ratio),
        ],
      ],
    ),
    `index.mjs holds @opentelemetry/api (${kib(sizes.apiBytesInMain)}) and the tracing bootstrap (${kib(sizes.bootstrapBytesInMain)}); ` +
      `other OpenTelemetry packages in it: ${sizes.sdkPackagesInMain.length === 0 ? 'none' : sizes.sdkPackagesInMain.join(', ')}.`,
    ...(sdkTop
      ? [
          `tracing-sdk.mjs by package: ${topContributors(sdkTop, 6)
            .map((c) => `${c.name} ${kib(c.bytes)}`)
            .join(', ')}.`,
        ]
      : []),
    `With tracing on, the collector stand-in received ${exported.spans} spans in ${exported.requests} exports (${exported.spanNames.join(', ') || 'none'}); ` +
      `records reported failed: off ${cpu.failedRecords[TRACING_OFF]}, on ${cpu.failedRecords[TRACING_ON]}.`,
  ].join('\n');
}

export function tracingJson(tracing: TracingResult) {
  const { sizes, coldStart, cpu, exported } = tracing;
  const medians = (runs: typeof coldStart.import | undefined, figure: 'samples' | 'importMs') =>
    Object.fromEntries(
      ([TRACING_OFF, TRACING_ON] as const).map((name) => [
        name,
        round(coldStartMedian(runs, figure, name) ?? Number.NaN, 1),
      ]),
    );
  return {
    bytes: {
      main: sizes.mainBytes,
      sdk: sizes.sdkBytes,
      apiInMain: sizes.apiBytesInMain,
      bootstrapInMain: sizes.bootstrapBytesInMain,
      sdkPackagesInMain: sizes.sdkPackagesInMain,
    },
    coldStart: {
      importMs: medians(coldStart.import, 'importMs'),
      wholeProcessMs: medians(coldStart.import, 'samples'),
      firstInvokeWholeProcessMs: medians(coldStart.firstInvoke, 'samples'),
      importRatio: ratioJson(coldStart.importRatio),
      wholeProcessRatio: ratioJson(coldStart.wholeProcessRatio),
      firstInvokeRatio: ratioJson(coldStart.firstInvokeRatio),
    },
    cpu: {
      usPerRecord: Object.fromEntries(
        ([TRACING_OFF, TRACING_ON] as const).map((name) => [
          name,
          cpu.usPerRecord[name].length > 0 ? round(median(cpu.usPerRecord[name]), 2) : null,
        ]),
      ),
      ratio: ratioJson(cpu.ratio),
      failedRecords: cpu.failedRecords,
    },
    exported,
  };
}

const ratioJson = (r: RatioSummary | undefined) =>
  r && { median: round(r.median), p25: round(r.p25), p75: round(r.p75), pairs: r.pairs };
