import { type AwsClientOptions, callerIdentity } from '@orders/adapters-aws';
import { reachesRealAws } from '../soak/aws/aws-endpoint';
import { UsageError } from './usage-error';

/** Where an AWS command talks, validated: an emulator's endpoint, or AWS itself. */
export interface AwsTarget {
  readonly clientOptions: AwsClientOptions;
  /** The endpoint calls go to, when one is set (`--endpoint` or AWS_ENDPOINT_URL). */
  readonly endpoint: string | undefined;
  readonly region: string | undefined;
  /** True when the calls reach AWS itself (no endpoint, or an AWS domain): real, billed resources. */
  readonly realAws: boolean;
}

/**
 * AWS's region names, by partition (the SDK's own partition table: aws, aws-cn, aws-us-gov, the
 * isolated ones). A name outside them is a typo; an emulator would answer it with an error page.
 */
const REGION_PATTERNS = [
  /^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$/,
  /^cn-\w+-\d+$/,
  /^us-gov-\w+-\d+$/,
  /^us-iso[bef]?-\w+-\d+$/,
  /^eu-isoe-\w+-\d+$/,
  /^eusc-de-\w+-\d+$/,
];

type Environment = Readonly<Record<string, string | undefined>>;

const nonBlank = (value: string | undefined): string | undefined =>
  value === undefined || value.trim() === '' ? undefined : value.trim();

/** Checks `--endpoint`/`--region` and their environment variables; throws a UsageError naming what to fix. */
export function awsTargetFrom(
  options: { readonly endpoint?: string; readonly region?: string },
  env: Environment = process.env,
): AwsTarget {
  const endpointSource = options.endpoint !== undefined ? '--endpoint' : 'AWS_ENDPOINT_URL';
  const endpoint = nonBlank(options.endpoint) ?? nonBlank(env['AWS_ENDPOINT_URL']);
  if (endpoint !== undefined) checkEndpoint(endpoint, endpointSource);
  const regionSource =
    options.region !== undefined ? '--region' : env['AWS_REGION'] ? 'AWS_REGION' : 'AWS_DEFAULT_REGION';
  const region = nonBlank(options.region) ?? nonBlank(env['AWS_REGION']) ?? nonBlank(env['AWS_DEFAULT_REGION']);
  if (region !== undefined && !REGION_PATTERNS.some((pattern) => pattern.test(region))) {
    throw new UsageError(`"${region}" (${regionSource}) is not an AWS region; use one such as us-east-1 or eu-west-1.`);
  }
  return {
    clientOptions: {
      ...(options.endpoint === undefined ? {} : { endpoint }),
      ...(options.region === undefined ? {} : { region }),
    },
    endpoint,
    region,
    realAws: reachesRealAws(endpoint),
  };
}

function checkEndpoint(endpoint: string, source: string): void {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new UsageError(`${source} "${endpoint}" is not a URL; write it with its scheme, e.g. http://${endpoint}.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(
      `${source} "${endpoint}" must start with http:// or https://, e.g. http://127.0.0.1:4566 for an emulator.`,
    );
  }
}

/**
 * Says on stderr where the command is about to talk — an endpoint, or the AWS account and region
 * (one STS call, which also proves the credentials work) — before it changes anything.
 */
export async function announceTarget(
  command: string,
  target: AwsTarget,
  io: { write(text: string): unknown } = process.stderr,
): Promise<void> {
  if (!target.realAws) {
    io.write(`orders ${command}: talking to ${target.endpoint}${target.region ? ` (${target.region})` : ''}\n`);
    return;
  }
  const identity = await callerIdentity(target.clientOptions);
  io.write(`orders ${command}: talking to AWS account ${identity.account} in ${identity.region}\n`);
}

/**
 * Commands that create or publish into real AWS resources (provision, publish --unchecked) ask
 * for an explicit flag there; an emulator needs none.
 */
export function requireRealAwsConsent(command: string, target: AwsTarget, consented: boolean): void {
  if (target.realAws && !consented) {
    throw new UsageError(
      `${command} would change resources in AWS itself (${target.endpoint === undefined ? 'no AWS_ENDPOINT_URL or --endpoint is set' : target.endpoint}): ` +
        'point it at an emulator, or pass --i-know-this-is-real-aws.',
    );
  }
}
