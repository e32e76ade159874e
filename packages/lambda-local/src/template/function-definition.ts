import { statSync } from 'node:fs';
import { TemplateError } from '../errors';
import { resourcesOfType, type CfnResource, type SynthesizedStack } from './cloud-assembly';
import { resolveValue, type DeploymentContext } from './intrinsics';

export type LogFormat = 'JSON' | 'Text';
export type Architecture = 'x86_64' | 'arm64';

/** A Lambda function as the template deploys it: everything the local host needs to run it the same way. */
export interface FunctionDefinition {
  readonly logicalId: string;
  readonly functionName: string;
  /** `<file without extension>.<export>`, e.g. `index.handler`. */
  readonly handler: string;
  /** e.g. `nodejs24.x`. */
  readonly runtime: string;
  readonly memorySizeMb: number;
  readonly timeoutSeconds: number;
  readonly architecture: Architecture;
  /** The function's own variables (Environment.Variables), intrinsics resolved. */
  readonly environment: Readonly<Record<string, string>>;
  readonly logFormat: LogFormat;
  /** Only with the JSON format: what Lambda passes as AWS_LAMBDA_LOG_LEVEL. */
  readonly applicationLogLevel?: string;
  readonly logGroupName: string;
  /** The code asset's directory inside the cloud assembly (what Lambda would unzip into /var/task). */
  readonly codeDirectory: string;
}

export interface ReadFunctionOptions {
  /** Logical id or FunctionName; optional when the template has exactly one function. */
  readonly function?: string;
  readonly deployment: DeploymentContext;
  /**
   * Values that win over the template's (e.g. a table name a test provisioned). A variable whose
   * template value cannot be resolved locally must be given here.
   */
  readonly environmentOverrides?: Readonly<Record<string, string>>;
}

/** CloudFormation's defaults for properties a template may leave out. */
const DEFAULTS = { memorySizeMb: 128, timeoutSeconds: 3, architecture: 'x86_64', logFormat: 'Text' } as const;

export function readFunctionDefinition(stack: SynthesizedStack, options: ReadFunctionOptions): FunctionDefinition {
  const [logicalId, resource] = findFunction(stack, options.function);
  const properties = resource.Properties ?? {};
  const where = `${stack.templatePath}: function ${logicalId}`;
  const functionName = typeof properties['FunctionName'] === 'string' ? properties['FunctionName'] : logicalId;

  const handler = properties['Handler'];
  const runtime = properties['Runtime'];
  if (typeof handler !== 'string' || typeof runtime !== 'string') {
    throw new TemplateError(
      'function_not_zip',
      `${where} has no Handler/Runtime: only zip-packaged functions on a managed runtime can run locally`,
    );
  }
  const architectures = properties['Architectures'];
  const architecture = Array.isArray(architectures) && architectures[0] === 'arm64' ? 'arm64' : DEFAULTS.architecture;
  const logging = (properties['LoggingConfig'] ?? {}) as Record<string, unknown>;
  const logFormat: LogFormat = logging['LogFormat'] === 'JSON' ? 'JSON' : DEFAULTS.logFormat;
  const logGroup =
    logging['LogGroup'] === undefined
      ? undefined
      : resolveValue(logging['LogGroup'], stack.template, options.deployment);

  return {
    logicalId,
    functionName,
    handler,
    runtime,
    memorySizeMb: positiveInteger(properties['MemorySize'], DEFAULTS.memorySizeMb, `${where} MemorySize`),
    timeoutSeconds: positiveInteger(properties['Timeout'], DEFAULTS.timeoutSeconds, `${where} Timeout`),
    architecture,
    environment: environmentOf(properties, stack, options, where),
    logFormat,
    ...(logFormat === 'JSON' && typeof logging['ApplicationLogLevel'] === 'string'
      ? { applicationLogLevel: logging['ApplicationLogLevel'] }
      : {}),
    logGroupName: logGroup?.ok ? logGroup.value : `/aws/lambda/${functionName}`,
    codeDirectory: codeDirectoryOf(properties, stack, where),
  };
}

function findFunction(stack: SynthesizedStack, wanted: string | undefined): [string, CfnResource] {
  const functions = resourcesOfType(stack.template, 'AWS::Lambda::Function');
  const matches =
    wanted === undefined
      ? functions
      : functions.filter(([id, resource]) => id === wanted || resource.Properties?.['FunctionName'] === wanted);
  if (matches.length === 1) return matches[0] as [string, CfnResource];
  const names = functions.map(([id, r]) => String(r.Properties?.['FunctionName'] ?? id)).join(', ') || 'none';
  throw new TemplateError(
    'function_not_found',
    wanted === undefined
      ? `${stack.templatePath} has ${functions.length} functions (${names}): name one`
      : `${stack.templatePath} has no function "${wanted}" (functions: ${names})`,
  );
}

function environmentOf(
  properties: Readonly<Record<string, unknown>>,
  stack: SynthesizedStack,
  options: ReadFunctionOptions,
  where: string,
): Record<string, string> {
  const variables = ((properties['Environment'] as { Variables?: unknown } | undefined)?.Variables ?? {}) as Record<
    string,
    unknown
  >;
  const overrides = options.environmentOverrides ?? {};
  const environment: Record<string, string> = {};
  const unresolved: string[] = [];
  for (const [name, value] of Object.entries(variables)) {
    if (Object.hasOwn(overrides, name)) continue;
    const resolved = resolveValue(value, stack.template, options.deployment);
    if (resolved.ok) environment[name] = resolved.value;
    else unresolved.push(`${name} (${resolved.why})`);
  }
  if (unresolved.length > 0) {
    throw new TemplateError(
      'environment_unresolved',
      `${where}: these environment variables have no value a template alone can give; pass them explicitly: ${unresolved.join('; ')}`,
    );
  }
  return { ...environment, ...overrides };
}

/** `Code.S3Key` names the zip the CDK uploads; the assets manifest says which assembly directory it is. */
function codeDirectoryOf(
  properties: Readonly<Record<string, unknown>>,
  stack: SynthesizedStack,
  where: string,
): string {
  const code = (properties['Code'] ?? {}) as Record<string, unknown>;
  const key = code['S3Key'];
  const directory = typeof key === 'string' ? stack.fileAssets.get(key) : undefined;
  if (directory === undefined || !isDirectory(directory)) {
    throw new TemplateError(
      'code_asset_missing',
      `${where}: its code asset (${typeof key === 'string' ? key : 'no Code.S3Key'}) is not in ${stack.directory}; ` +
        'synthesize again (pnpm build && pnpm synth)',
    );
  }
  return directory;
}

function positiveInteger(value: unknown, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  throw new TemplateError('template_invalid', `${what} must be a positive integer, got ${JSON.stringify(value)}`);
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
