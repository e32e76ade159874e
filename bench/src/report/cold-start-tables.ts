/** The tables on what a cold start costs: the bundles, cold start and its ratios, what init is made of, keepNames. */
import { topContributors } from '../bundles';
import type { SampleSizes } from '../plan';
import type { OursRatios } from '../ratios';
import type { HandlerBundles } from '../stages/build-bundles';
import type { AttributionResult } from '../stages/measure-attribution';
import { coldStartMedian, type ColdStartResult } from '../stages/measure-cold-start';
import { summarize } from '../stats';
import { formatRatio, kib, ms, ratio, table } from './format';

export function bundlesTable(bundles: HandlerBundles): string {
  return table(
    'Bundles (esbuild, ESM, minified, keepNames, mainFields module,main, node24)',
    ['bundle', 'size', 'top contributors'],
    Object.entries(bundles.deployed).map(([name, bundle]) => [
      name,
      kib(bundle.bytes),
      topContributors(bundle.metafile, 5)
        .map((c) => `${c.name} ${(c.bytes / 1024).toFixed(0)}K`)
        .join(', '),
    ]),
  );
}

export function coldStartTable(coldStart: ColdStartResult, samples: SampleSizes, oursOnMemory: boolean): string {
  const { importRuns } = coldStart;
  const firstInvoke = coldStart.firstInvoke?.runs;
  return table(
    `Cold start: a fresh \`node\` imports the bundle, ${samples.coldRounds} interleaved rounds${oursOnMemory ? ' (ours with ORDERS_REPOSITORY=memory!)' : ''}`,
    ['process', 'whole ms', 'p25', 'p75', 'import ms', 'import + 1st batch: whole ms', '1st batch ms'],
    coldStart.names.map((name) => {
      const whole = importRuns.samples.get(name);
      const summary = whole ? summarize(whole) : undefined;
      return [
        name,
        ms(summary?.median),
        ms(summary?.p25),
        ms(summary?.p75),
        ms(coldStartMedian(importRuns, 'importMs', name)),
        ms(coldStartMedian(firstInvoke, 'samples', name)),
        ms(coldStartMedian(firstInvoke, 'invokeMs', name)),
      ];
    }),
  );
}

export function coldStartRatiosTable(coldStart: ColdStartResult): string {
  const firstInvoke: Partial<OursRatios> = coldStart.firstInvoke?.ratios ?? {};
  const row = (pair: string, key: keyof OursRatios) => [
    pair,
    formatRatio(coldStart.wholeProcessRatios[key]),
    formatRatio(coldStart.importRatios[key]),
    formatRatio(firstInvoke[key]),
  ];
  return table(
    'Cold start ratios (median of per-round ratios [p25–p75])',
    ['pair', 'whole process', 'import (in-process)', 'import + 1st batch'],
    [
      row('ours / seed-style', 'ours_seed'),
      row('ours / powertools-style', 'ours_powertools'),
      row('ours / floor', 'ours_floor'),
    ],
  );
}

export function attributionTable(attribution: AttributionResult, samples: SampleSizes): string {
  return table(
    `What ours' init is made of (each bundled alone like ours, ${samples.probeRounds} rounds; import = in-process, node start-up excluded)`,
    ['probe', 'size', 'whole ms', 'import ms', 'p25–p75', 'what'],
    attribution.rows.map((p) => [
      p.name,
      kib(p.bytes),
      ms(p.wholeProcessMs),
      ms(p.importMs),
      p.importP25 === undefined ? '—' : `${ms(p.importP25)}–${ms(p.importP75)}`,
      p.description,
    ]),
  );
}

export function keepNamesTable({ keepNames }: AttributionResult, samples: SampleSizes): string {
  const without = keepNames.bytesWithout;
  return table(
    `keepNames (class names survive minification, so the runtime reports errorType MalformedEventError, not "co"): ${samples.probeRounds} paired rounds`,
    ['figure', 'ours (keepNames)', 'without', 'ours / without'],
    [
      [
        'bundle size',
        kib(keepNames.bytes),
        without === undefined ? '—' : kib(without),
        without === undefined ? '—' : ratio(keepNames.bytes / without),
      ],
      ['cold start, whole process', '', '', formatRatio(keepNames.wholeRatio)],
      ['cold start, import (in-process)', '', '', formatRatio(keepNames.importRatio)],
    ],
  );
}
