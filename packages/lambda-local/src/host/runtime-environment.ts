import type { FunctionDefinition } from '../template/function-definition';

/** Credentials Lambda hands the function in its environment (from the execution role). */
export interface FunctionCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface EnvironmentInputs {
  readonly fn: FunctionDefinition;
  /** `host:port` of the Runtime API. */
  readonly runtimeApi: string;
  readonly taskRoot: string;
  /** Where the runtime client lives (Lambda's /var/runtime). */
  readonly runtimeDirectory: string;
  readonly region: string;
  readonly credentials?: FunctionCredentials;
  /** Set after everything else: e.g. AWS_ENDPOINT_URL for an emulator. */
  readonly extra?: Readonly<Record<string, string>>;
  /** Variables of this process passed through (default: PATH only, so the function sees no shell settings). */
  readonly inherit?: Readonly<Record<string, string | undefined>>;
}

/**
 * The environment the managed Node.js runtime gives a function: the function's own variables, then
 * the reserved ones Lambda sets (which the function's cannot override), as documented in "Defined
 * runtime environment variables". Nothing else of this process leaks in — no NODE_OPTIONS, no
 * NODE_PATH, no AWS_PROFILE — so the function sees what it would see in Lambda.
 */
export function managedRuntimeEnvironment(inputs: EnvironmentInputs): Record<string, string> {
  const { fn } = inputs;
  const inherited: Record<string, string> = {};
  for (const [name, value] of Object.entries(inputs.inherit ?? { PATH: process.env['PATH'] })) {
    if (value !== undefined) inherited[name] = value;
  }
  return {
    ...inherited,
    ...fn.environment,
    _HANDLER: fn.handler,
    LAMBDA_TASK_ROOT: inputs.taskRoot,
    LAMBDA_RUNTIME_DIR: inputs.runtimeDirectory,
    AWS_LAMBDA_RUNTIME_API: inputs.runtimeApi,
    AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: fn.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySizeMb),
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_FORMAT: fn.logFormat,
    ...(fn.applicationLogLevel === undefined ? {} : { AWS_LAMBDA_LOG_LEVEL: fn.applicationLogLevel }),
    AWS_LAMBDA_LOG_GROUP_NAME: fn.logGroupName,
    AWS_LAMBDA_LOG_STREAM_NAME: logStreamName(),
    AWS_REGION: inputs.region,
    AWS_DEFAULT_REGION: inputs.region,
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
    ...(inputs.credentials === undefined
      ? {}
      : {
          AWS_ACCESS_KEY_ID: inputs.credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: inputs.credentials.secretAccessKey,
          ...(inputs.credentials.sessionToken === undefined
            ? {}
            : { AWS_SESSION_TOKEN: inputs.credentials.sessionToken }),
        }),
    ...inputs.extra,
  };
}

/**
 * The flags the managed runtime's bootstrap starts node with: the heap sized from the function's
 * memory (a tenth for the young generation), so a function that outgrows its memory setting runs
 * out of heap here too.
 */
export function nodeArgumentsFor(memorySizeMb: number): string[] {
  const newSpace = Math.floor(memorySizeMb / 10);
  return [
    '--expose-gc',
    '--max-http-header-size',
    '81920',
    `--max-semi-space-size=${Math.max(1, Math.floor(newSpace / 2))}`,
    `--max-old-space-size=${memorySizeMb - newSpace}`,
  ];
}

/** `YYYY/MM/DD/[$LATEST]<32 hex>`, the shape of a Lambda log stream name. */
function logStreamName(now = new Date()): string {
  const date = now.toISOString().slice(0, 10).replaceAll('-', '/');
  const hex = Array.from({ length: 32 }, () => Math.floor(Math.random() * 16).toString(16)).join('');
  return `${date}/[$LATEST]${hex}`;
}
