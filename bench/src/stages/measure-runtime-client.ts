/**
 * Stage: cold start and warm invoke through AWS's runtime interface client, beside the direct
 * import (see runtime-client.ts). Only when ours runs on DynamoDB: otherwise nothing compares.
 */
import { log } from '../log';
import type { SampleSizes } from '../plan';
import { oursOverReferences, pairedRatioOf, type OursRatios } from '../ratios';
import {
  key as runtimeClientKey,
  measureThroughRuntimeClient,
  type Mode,
  type RuntimeClientSamples,
} from '../runtime-client';
import type { RatioSummary } from '../stats';
import { deployedNames, type HandlerBundles, type HandlerName } from './build-bundles';
import type { OursRepository } from './check-ours-repository';

export type RuntimeClientFigure = 'coldMs' | 'warmMs' | 'initMs';

export interface RuntimeClientFigures {
  readonly samples: RuntimeClientSamples;
  /** Through the runtime client, ours over each reference. */
  readonly ratios: { readonly cold: OursRatios; readonly warm: OursRatios };
  /** Each handler through the runtime client over the same handler imported directly. */
  readonly overDirect: Readonly<
    Record<HandlerName, { readonly cold: RatioSummary | undefined; readonly warm: RatioSummary | undefined }>
  >;
}

export interface RuntimeClientResult {
  /** Undefined when ours cannot run on DynamoDB. */
  readonly measured: RuntimeClientFigures | undefined;
  readonly notes: readonly string[];
}

export interface RuntimeClientOptions {
  readonly samples: SampleSizes;
  readonly bundles: HandlerBundles;
  readonly ours: OursRepository;
  /** The instant DynamoDB stand-in. */
  readonly endpoint: string;
}

export async function measureRuntimeClient(options: RuntimeClientOptions): Promise<RuntimeClientResult> {
  const { samples, bundles } = options;
  if (!options.ours.comparable) return { measured: undefined, notes: [] };
  const names = deployedNames(bundles);
  log(
    `cold start and warm invoke through aws-lambda-ric vs direct import: ${samples.ricRounds} rounds × ${names.length} handlers × 2 modes`,
  );
  const measured = await measureThroughRuntimeClient(
    Object.entries(bundles.deployed).map(([name, bundle]) => ({ name, bundle: bundle.file })),
    { rounds: samples.ricRounds, warmInvokes: samples.ricWarmInvokes, endpoint: options.endpoint },
  );
  const notes = [...measured.failures].map(([id, failure]) => `runtime client: ${id} failed: ${failure}`);
  const viaClient = (figure: RuntimeClientFigure) => (name: HandlerName) =>
    runtimeClientSamples(measured, figure, 'runtime-client', name);
  const overDirect = (figure: RuntimeClientFigure, name: HandlerName) =>
    pairedRatioOf(viaClient(figure)(name), runtimeClientSamples(measured, figure, 'direct', name));
  return {
    measured: {
      samples: measured,
      ratios: { cold: oursOverReferences(viaClient('coldMs')), warm: oursOverReferences(viaClient('warmMs')) },
      overDirect: Object.fromEntries(
        names.map((name) => [name, { cold: overDirect('coldMs', name), warm: overDirect('warmMs', name) }]),
      ) as RuntimeClientFigures['overDirect'],
    },
    notes,
  };
}

export function runtimeClientSamples(
  samples: RuntimeClientSamples,
  figure: RuntimeClientFigure,
  mode: Mode,
  name: string,
): number[] | undefined {
  return samples[figure].get(runtimeClientKey(mode, name));
}
