/**
 * Stage: every handler measured, bundled. Ours as it ships (rebuilt by the product's own script
 * unless `--no-build`), each reference as deployed and on the in-memory DynamoDB.
 */
import { buildReferenceBundles, loadOursBundle, type BuiltBundle, type ReferenceName } from '../bundles';
import { log } from '../log';

export type HandlerName = 'ours' | ReferenceName;

export interface HandlerBundles {
  readonly ours: BuiltBundle;
  /** As deployed, in the order every table lists them: ours, then the references. */
  readonly deployed: Readonly<Record<HandlerName, BuiltBundle>>;
  /** Each reference's handler on the in-memory DynamoDB, for the per-record CPU run. */
  readonly inMemory: Readonly<Record<ReferenceName, BuiltBundle>>;
  readonly notes: readonly string[];
}

export async function buildBundles(rebuild: boolean): Promise<HandlerBundles> {
  log(
    rebuild
      ? 'bundling ours (packages/lambda-entry/scripts/bundle.mjs) and the references'
      : 'bundling the references (ours as built)',
  );
  const ours = loadOursBundle(rebuild);
  const notes = ours.buildError
    ? [`ours' bundle script failed (${ours.buildError}); measured the existing dist/index.mjs`]
    : [];
  const references = await buildReferenceBundles();
  const reference = (name: ReferenceName, flavour: 'lambda' | 'memory'): BuiltBundle => {
    const bundle = references.get(`${name}.${flavour}`);
    if (!bundle) throw new Error(`the reference bundle ${name}.${flavour} was not built`);
    return bundle;
  };
  return {
    ours,
    deployed: {
      ours,
      'seed-style': reference('seed-style', 'lambda'),
      'powertools-style': reference('powertools-style', 'lambda'),
      floor: reference('floor', 'lambda'),
    },
    inMemory: {
      'seed-style': reference('seed-style', 'memory'),
      'powertools-style': reference('powertools-style', 'memory'),
      floor: reference('floor', 'memory'),
    },
    notes,
  };
}

/** The deployed handlers' names, in table order. */
export const deployedNames = (bundles: HandlerBundles): HandlerName[] => Object.keys(bundles.deployed) as HandlerName[];
