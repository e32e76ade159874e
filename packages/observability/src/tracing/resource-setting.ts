import { type SettingProblem, variableValue } from './environment-values';

/** A resource attribute's value as OTLP carries it. */
export type ResourceValue = string | number | readonly string[];
export type ResourceAttributes = Readonly<Record<string, ResourceValue>>;

/** What the process is, beside its environment: the host and pid of a long-running consumer. */
export interface ProcessFacts {
  readonly hostName: string;
  readonly pid: number;
}

/** The specification's limit on a key or value in OTEL_RESOURCE_ATTRIBUTES. */
const MAX_RESOURCE_TEXT = 255;

/**
 * The resource every span carries, from the weakest source to the strongest: what the process is
 * (in Lambda, the faas and cloud attributes the runtime's variables give; elsewhere the host and
 * pid), `service.name` from the code, then OTEL_RESOURCE_ATTRIBUTES, then OTEL_SERVICE_NAME — so an
 * operator's variables always win over the code's default, as the specification orders them.
 */
export function readResourceAttributes(
  env: NodeJS.ProcessEnv,
  serviceName: string,
  facts: ProcessFacts,
): ResourceAttributes | SettingProblem {
  const fromVariable = parseResourceAttributes(env);
  if ('reason' in fromVariable) return fromVariable;
  const serviceNameVariable = variableValue(env, 'OTEL_SERVICE_NAME');
  return {
    ...(isLambda(env) ? lambdaAttributes(env) : { 'host.name': facts.hostName, 'process.pid': facts.pid }),
    'service.name': serviceName,
    ...fromVariable,
    ...(serviceNameVariable === undefined ? {} : { 'service.name': serviceNameVariable }),
  };
}

/** In Lambda the runtime sets AWS_LAMBDA_FUNCTION_NAME (a local run of the handler blanks it). */
export const isLambda = (env: NodeJS.ProcessEnv): boolean =>
  variableValue(env, 'AWS_LAMBDA_FUNCTION_NAME') !== undefined;

/**
 * OpenTelemetry's cloud and faas attributes for an AWS Lambda function, from the variables the
 * runtime sets (what the AWS Lambda resource detector reads). `faas.max_memory` is in bytes.
 */
function lambdaAttributes(env: NodeJS.ProcessEnv): Record<string, ResourceValue> {
  const attributes: Record<string, ResourceValue> = { 'cloud.provider': 'aws', 'cloud.platform': 'aws_lambda' };
  const text: readonly [string, string][] = [
    ['cloud.region', 'AWS_REGION'],
    ['faas.name', 'AWS_LAMBDA_FUNCTION_NAME'],
    ['faas.version', 'AWS_LAMBDA_FUNCTION_VERSION'],
    ['faas.instance', 'AWS_LAMBDA_LOG_STREAM_NAME'],
  ];
  for (const [attribute, variable] of text) {
    const value = variableValue(env, variable);
    if (value !== undefined) attributes[attribute] = value;
  }
  const memoryMb = Number(variableValue(env, 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE'));
  if (Number.isSafeInteger(memoryMb) && memoryMb > 0) attributes['faas.max_memory'] = memoryMb * 1024 * 1024;
  const logGroup = variableValue(env, 'AWS_LAMBDA_LOG_GROUP_NAME');
  if (logGroup !== undefined) attributes['aws.log.group.names'] = [logGroup];
  return attributes;
}

/**
 * OTEL_RESOURCE_ATTRIBUTES: `key=value` pairs separated by commas, `,` and `=` percent-encoded
 * inside keys and values. As in the SDK's own detector, one malformed pair refuses the whole value.
 */
function parseResourceAttributes(env: NodeJS.ProcessEnv): Record<string, string> | SettingProblem {
  const raw = variableValue(env, 'OTEL_RESOURCE_ATTRIBUTES');
  if (raw === undefined) return {};
  const refuse = (reason: string): SettingProblem => ({ variable: 'OTEL_RESOURCE_ATTRIBUTES', value: raw, reason });
  const attributes: Record<string, string> = {};
  for (const pair of raw.split(',').filter((entry) => entry.trim() !== '')) {
    const parts = pair.split('=');
    if (parts.length !== 2) return refuse(`has "${pair.trim()}" where key=value is expected (percent-encode , and =)`);
    let key: string;
    let value: string;
    try {
      key = decodeURIComponent((parts[0] as string).trim());
      value = decodeURIComponent((parts[1] as string).trim());
    } catch {
      return refuse(`has "${pair.trim()}", which is not valid percent-encoding`);
    }
    if (key === '') return refuse(`has an empty key in "${pair.trim()}"`);
    if (key.length > MAX_RESOURCE_TEXT || value.length > MAX_RESOURCE_TEXT) {
      return refuse(`has a key or value longer than ${MAX_RESOURCE_TEXT} characters ("${key.slice(0, 40)}…")`);
    }
    attributes[key] = value;
  }
  return attributes;
}
