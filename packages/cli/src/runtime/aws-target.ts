import { type AwsClientOptions, callerIdentity } from '@orders/adapters-aws';
import { reachesRealAws } from '../soak/aws/aws-endpoint';
import { endpointUrlIgnoring, readSharedFile, type SharedFileReader } from './ignored-endpoint-urls';
import { UsageError } from './usage-error';

/** Where an AWS command talks, validated: an emulator's endpoint, or AWS itself. */
export interface AwsTarget {
  readonly clientOptions: AwsClientOptions;
  /** The endpoint calls go to, when one is set (`--endpoint` or AWS_ENDPOINT_URL). */
  readonly endpoint: string | undefined;
  /** Which of the two set `endpoint`: what an error about it names. */
  readonly endpointSource?: '--endpoint' | 'AWS_ENDPOINT_URL';
  /**
   * The per-service endpoints the SDK honours (AWS_ENDPOINT_URL_SQS, …; each wins over
   * AWS_ENDPOINT_URL for its service), as an emulator setup that splits services across ports sets
   * them. Empty with `--endpoint`, which every client then uses.
   */
  readonly serviceEndpoints: Readonly<Partial<Record<ServiceName, string>>>;
  readonly region: string | undefined;
  /** True when the calls reach AWS itself (no endpoint, or an AWS domain): real, billed resources. */
  readonly realAws: boolean;
  /**
   * Endpoint variables that are set but that the SDK ignores, and the setting that makes it
   * (AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true, or `ignore_configured_endpoint_urls` in the shared
   * config): the calls go to AWS itself, and `endpoint` and `serviceEndpoints` leave them out.
   */
  readonly ignoredEndpoints?: { readonly variables: readonly string[]; readonly by: string };
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

/** The services the commands call, by the suffix of the SDK's per-service endpoint variable. */
export const SERVICE_ENDPOINT_VARIABLES = {
  SQS: 'AWS_ENDPOINT_URL_SQS',
  SNS: 'AWS_ENDPOINT_URL_SNS',
  DynamoDB: 'AWS_ENDPOINT_URL_DYNAMODB',
} as const;
export type ServiceName = keyof typeof SERVICE_ENDPOINT_VARIABLES;
const SERVICE_NAMES = Object.keys(SERVICE_ENDPOINT_VARIABLES) as ServiceName[];

const nonBlank = (value: string | undefined): string | undefined =>
  value === undefined || value.trim() === '' ? undefined : value.trim();

/**
 * Checks `--endpoint`/`--region` and their environment variables; throws a UsageError naming what
 * to fix. The target is where the SDK will really send the calls: `--endpoint` is handed to every
 * client, which uses it whatever else is set; the endpoint variables are left to the SDK, which
 * ignores them when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS (or the shared config) says so, and then
 * talks to AWS itself — so that is what the target says, and what the consent rule judges.
 */
export function awsTargetFrom(
  options: { readonly endpoint?: string; readonly region?: string },
  env: Environment = process.env,
  readFile: SharedFileReader = readSharedFile,
): AwsTarget {
  const endpointSource: '--endpoint' | 'AWS_ENDPOINT_URL' =
    nonBlank(options.endpoint) !== undefined ? '--endpoint' : 'AWS_ENDPOINT_URL';
  const ignoredEndpoints = options.endpoint === undefined ? ignoredEndpointVariables(env, readFile) : undefined;
  const endpoint =
    nonBlank(options.endpoint) ?? (ignoredEndpoints === undefined ? nonBlank(env['AWS_ENDPOINT_URL']) : undefined);
  if (endpoint !== undefined) checkEndpoint(endpoint, endpointSource);
  // The SDK lets AWS_ENDPOINT_URL_<SERVICE> win over AWS_ENDPOINT_URL; an explicit --endpoint wins over both.
  const serviceEndpoints: Partial<Record<ServiceName, string>> = {};
  if (options.endpoint === undefined && ignoredEndpoints === undefined) {
    for (const service of SERVICE_NAMES) {
      const variable = SERVICE_ENDPOINT_VARIABLES[service];
      const serviceEndpoint = nonBlank(env[variable]);
      if (serviceEndpoint === undefined) continue;
      checkEndpoint(serviceEndpoint, variable);
      serviceEndpoints[service] = serviceEndpoint;
    }
  }
  const configured = [...(endpoint === undefined ? [] : [endpoint]), ...Object.values(serviceEndpoints)];
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
    ...(endpoint === undefined ? {} : { endpointSource }),
    serviceEndpoints,
    region,
    // Endpoints that are set make an emulator setup, unless one of them is AWS's own domain.
    realAws: configured.length === 0 || configured.some((url) => reachesRealAws(url)),
    ...(ignoredEndpoints === undefined ? {} : { ignoredEndpoints }),
  };
}

/**
 * The endpoint variables that are set but that the SDK will ignore, with the setting that makes it
 * (see endpointUrlIgnoring); undefined when it uses them, or none is set. A setting the SDK passes
 * over (`TRUE`, `1`) while endpoints are set is refused: its writer meant AWS itself, the SDK would
 * use the endpoint, and neither guess is safe to act on.
 */
function ignoredEndpointVariables(
  env: Environment,
  readFile: SharedFileReader,
): { readonly variables: readonly string[]; readonly by: string } | undefined {
  const variables = ['AWS_ENDPOINT_URL', ...SERVICE_NAMES.map((service) => SERVICE_ENDPOINT_VARIABLES[service])].filter(
    (variable) => nonBlank(env[variable]) !== undefined,
  );
  if (variables.length === 0) return undefined;
  const ignoring = endpointUrlIgnoring(env, readFile);
  if (ignoring.ignoredBy !== undefined) return { variables, by: ignoring.ignoredBy };
  const misread = ignoring.misread[0];
  if (misread !== undefined) {
    throw new UsageError(
      `${misread.setting} is "${misread.value}", which the AWS SDK does not read (it takes exactly true or false), ` +
        `so the calls would still go to ${variables.join(' and ')}: write true to use AWS itself, or false to use ${variables.length > 1 ? 'those endpoints' : 'that endpoint'}.`,
    );
  }
  return undefined;
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

/** What the running command said it talks to: its failure sentence names the same place and setting. */
export interface AnnouncedTarget {
  readonly command: string;
  readonly target: AwsTarget;
  /** On AWS itself, once the credentials are identified: the account and region the calls go to. */
  readonly account?: { readonly id: string; readonly region: string };
}

// One process runs one command: main's last word on a failure reads what that command announced.
let announced: AnnouncedTarget | undefined;

/** The target the running command announced (announceTarget), if it got that far. */
export function announcedTarget(): AnnouncedTarget | undefined {
  return announced;
}

/**
 * Says on stderr where the command is about to talk — an endpoint, or the AWS account and region
 * (one STS call, which also proves the credentials work) — before it changes anything. Remembers
 * it (announcedTarget) before the first call, so that even that call's failure can be put in terms
 * of what the user set: `--endpoint`, AWS_ENDPOINT_URL, a per-service variable, or nothing.
 */
export async function announceTarget(
  command: string,
  target: AwsTarget,
  io: { write(text: string): unknown } = process.stderr,
  identify: typeof callerIdentity = callerIdentity,
): Promise<void> {
  announced = { command, target };
  if (!target.realAws) {
    const leftToAws = servicesLeftToAws(target);
    const where = [
      ...(target.endpoint === undefined ? [] : [target.endpoint]),
      ...Object.entries(target.serviceEndpoints).map(([service, url]) => `${service} at ${url}`),
      ...(leftToAws.length > 0 ? [`AWS itself for ${leftToAws.join(', ')}`] : []),
    ].join(', ');
    io.write(`orders ${command}: talking to ${where}${target.region ? ` (${target.region})` : ''}\n`);
    return;
  }
  const identity = await identify(target.clientOptions);
  announced = { command, target, account: { id: identity.account, region: identity.region } };
  io.write(
    `orders ${command}: talking to AWS account ${identity.account} in ${identity.region}${ignoredNote(target)}\n`,
  );
}

/** Why endpoint variables that are set play no part: ` (AWS_ENDPOINT_URL is ignored: …)`. */
function ignoredNote(target: AwsTarget): string {
  const ignored = target.ignoredEndpoints;
  if (ignored === undefined) return '';
  return ` (${ignored.variables.join(' and ')} ${ignored.variables.length > 1 ? 'are' : 'is'} ignored: ${ignored.by})`;
}

/**
 * Commands that create or publish into real AWS resources (provision, publish --unchecked) ask
 * for an explicit flag there; an emulator needs none.
 */
export function requireRealAwsConsent(command: string, target: AwsTarget, consented: boolean): void {
  if (consented) return;
  if (target.realAws && target.ignoredEndpoints !== undefined) {
    throw new UsageError(
      `${command} would change resources in AWS itself${ignoredNote(target)}: ` +
        'to use the emulator, remove that setting or pass --endpoint; or pass --i-know-this-is-real-aws.',
    );
  }
  if (target.realAws) {
    throw new UsageError(
      `${command} would change resources in AWS itself (${target.endpoint === undefined ? 'no AWS_ENDPOINT_URL or --endpoint is set' : target.endpoint}): ` +
        'point it at an emulator, or pass --i-know-this-is-real-aws.',
    );
  }
  // Per-service endpoints that leave a service out: that service's calls still go to AWS.
  const leftToAws = servicesLeftToAws(target);
  if (leftToAws.length > 0) {
    throw new UsageError(
      `${command} would reach AWS itself for ${leftToAws.join(', ')} (no ${leftToAws.map((service) => SERVICE_ENDPOINT_VARIABLES[service]).join(' or ')} is set): ` +
        'set AWS_ENDPOINT_URL or that variable too, or pass --i-know-this-is-real-aws.',
    );
  }
}

/** With per-service endpoints only: the services that have none, whose calls go to AWS itself. */
export function servicesLeftToAws(target: AwsTarget): ServiceName[] {
  if (target.endpoint !== undefined || Object.keys(target.serviceEndpoints).length === 0) return [];
  return SERVICE_NAMES.filter((service) => target.serviceEndpoints[service] === undefined);
}
