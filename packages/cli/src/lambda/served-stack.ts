import { resolve } from 'node:path';
import { loadSynthesizedStack, type SynthesizedStack, TemplateError } from '@orders/lambda-local';
import { UsageError } from '../runtime/usage-error';

/** Where `lambda serve` looks for the assembly, and whether the user pointed it there (`--cdk-out`). */
export interface CloudAssemblyLocation {
  readonly cdkOut: string;
  /** infra/cdk.out, where `pnpm synth` writes the assembly. */
  readonly defaultCdkOut: string;
  readonly stackName?: string;
}

/**
 * The stack `lambda serve` runs, read before anything else happens (no AWS call, no announcement):
 * with nothing synthesized, one sentence says what was not found, where — naming `--cdk-out` when
 * that is where the path came from — and that `pnpm synth` writes it.
 */
export function loadServedStack(location: CloudAssemblyLocation): SynthesizedStack {
  try {
    return loadSynthesizedStack({
      cdkOut: location.cdkOut,
      ...(location.stackName === undefined ? {} : { stackName: location.stackName }),
    });
  } catch (error) {
    throw nothingSynthesized(error, location) ?? error;
  }
}

function nothingSynthesized(error: unknown, location: CloudAssemblyLocation): UsageError | undefined {
  if (!(error instanceof TemplateError)) return undefined;
  const directory = resolve(location.cdkOut);
  const given = directory !== resolve(location.defaultCdkOut);
  const what =
    error.code === 'cloud_assembly_missing'
      ? `There is no cloud assembly at ${directory}${given ? ' (--cdk-out)' : ''}`
      : error.code === 'template_missing'
        ? `${directory}${given ? ' (--cdk-out)' : ''} holds no stack template (*.template.json)`
        : undefined;
  if (what === undefined) return undefined;
  return new UsageError(
    given
      ? `${what}: pnpm synth writes one to infra/cdk.out, which lambda serve reads without --cdk-out.`
      : `${what} yet: run pnpm synth to write it.`,
    { cause: error },
  );
}
