import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TemplateError } from '../errors';

/** The parts of a CloudFormation template this package reads. */
export interface CfnTemplate {
  readonly Resources?: Readonly<Record<string, CfnResource>>;
}

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Readonly<Record<string, unknown>>;
}

/** One stack of a synthesized CDK app (`cdk.out`): its template and where its assets are. */
export interface SynthesizedStack {
  readonly stackName: string;
  /** The cloud assembly directory (`infra/cdk.out`). */
  readonly directory: string;
  readonly templatePath: string;
  readonly template: CfnTemplate;
  /** Asset object key (what the template's `Code.S3Key` names) → the asset's path in the assembly. */
  readonly fileAssets: ReadonlyMap<string, string>;
}

const TEMPLATE_SUFFIX = '.template.json';

/**
 * Reads a stack from a cloud assembly directory, as `cdk synth` (here: `pnpm synth`) leaves it.
 * Without `stackName` the directory must hold exactly one stack template.
 */
export function loadSynthesizedStack(options: { cdkOut: string; stackName?: string }): SynthesizedStack {
  const directory = resolve(options.cdkOut);
  if (!existsSync(directory) || !statSync(directory).isDirectory()) {
    throw new TemplateError(
      'cloud_assembly_missing',
      `no cloud assembly at ${directory}: synthesize the stack first (pnpm synth)`,
    );
  }
  const stackName = options.stackName ?? onlyStackIn(directory);
  const templatePath = join(directory, `${stackName}${TEMPLATE_SUFFIX}`);
  if (!existsSync(templatePath)) {
    // A stack asked for by name that is not there: a typo as likely as a stale assembly.
    const stacks = stacksIn(directory);
    throw new TemplateError(
      'stack_missing',
      stacks.length === 0
        ? `${directory} holds no stack template (*${TEMPLATE_SUFFIX}): synthesize the stack first (pnpm synth)`
        : `${directory} holds no stack named "${stackName}", only ${stacks.map((name) => `"${name}"`).join(', ')}`,
    );
  }
  const template = readJson<CfnTemplate>(templatePath, 'template_unreadable');
  if (typeof template !== 'object' || template === null || typeof template.Resources !== 'object') {
    throw new TemplateError('template_invalid', `${templatePath} is not a CloudFormation template (no Resources)`);
  }
  return { stackName, directory, templatePath, template, fileAssets: fileAssetsOf(directory, stackName) };
}

function stacksIn(directory: string): string[] {
  return readdirSync(directory)
    .filter((file) => file.endsWith(TEMPLATE_SUFFIX))
    .map((file) => file.slice(0, -TEMPLATE_SUFFIX.length));
}

function onlyStackIn(directory: string): string {
  const stacks = stacksIn(directory);
  if (stacks.length === 1) return stacks[0] as string;
  throw new TemplateError(
    stacks.length === 0 ? 'template_missing' : 'stack_ambiguous',
    stacks.length === 0
      ? `${directory} holds no stack template (*${TEMPLATE_SUFFIX}): synthesize the stack first (pnpm synth)`
      : `${directory} holds several stacks (${stacks.join(', ')}): name one`,
  );
}

interface AssetsManifest {
  readonly files?: Record<
    string,
    { readonly source?: { readonly path?: string }; readonly destinations?: Record<string, { objectKey?: string }> }
  >;
}

/** `<stack>.assets.json` maps each destination object key to the asset's source path. */
function fileAssetsOf(directory: string, stackName: string): Map<string, string> {
  const path = join(directory, `${stackName}.assets.json`);
  const assets = new Map<string, string>();
  if (!existsSync(path)) return assets;
  const manifest = readJson<AssetsManifest>(path, 'assets_manifest_unreadable');
  for (const file of Object.values(manifest.files ?? {})) {
    const source = file.source?.path;
    if (source === undefined) continue;
    for (const destination of Object.values(file.destinations ?? {})) {
      if (destination.objectKey !== undefined) assets.set(destination.objectKey, join(directory, source));
    }
  }
  return assets;
}

function readJson<T>(path: string, code: string): T {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new TemplateError(code, `cannot read ${path}: synthesize the stack again (pnpm synth)`, {
      cause: error,
    });
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new TemplateError(code, `${path} is not valid JSON`, { cause: error });
  }
}

/** The resources of one CloudFormation type, by logical id. */
export function resourcesOfType(template: CfnTemplate, type: string): [string, CfnResource][] {
  return Object.entries(template.Resources ?? {}).filter(([, resource]) => resource.Type === type);
}
