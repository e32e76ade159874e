import {
  describeMissingResources,
  EndpointUnreachableError,
  type MissingResource,
  MissingCredentialsError,
  MissingRegionError,
  ResourceMissingError,
} from '@orders/adapters-aws';
import { reachesRealAws } from '../soak/aws/aws-endpoint';
import {
  type AnnouncedTarget,
  type AwsTarget,
  SERVICE_ENDPOINT_VARIABLES,
  type ServiceName,
  servicesLeftToAws,
} from './aws-target';

/**
 * The adapters' errors, put in the terms of what the user set. An adapter knows which host did not
 * answer, not whether `--endpoint`, AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_SQS or nothing at all sent
 * the call there; the command's announced target does, so the sentence names that setting and
 * what to change — and, when nothing is set, that the command talks to AWS itself and how to
 * point it at an emulator instead. Undefined for any other error (its own message stands).
 */
export function describeAwsFailure(error: unknown, announced: AnnouncedTarget): string | undefined {
  const known = knownErrorIn(error);
  if (known instanceof EndpointUnreachableError) return unreachable(known, announced);
  if (known instanceof MissingRegionError) return regionMissing(announced);
  if (known instanceof MissingCredentialsError) return credentialsMissing(announced);
  if (known instanceof ResourceMissingError) return describeMissingResources(known.missing, whereOf(announced));
  return undefined;
}

/** An example a newcomer can copy: the README's moto walkthrough listens there. */
const EXAMPLE_ENDPOINT = 'http://127.0.0.1:5000';

/** The adapter error the failure is, or was caused by (a repository wraps what it translated). */
function knownErrorIn(error: unknown): Error | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    if (
      current instanceof EndpointUnreachableError ||
      current instanceof MissingRegionError ||
      current instanceof MissingCredentialsError ||
      current instanceof ResourceMissingError
    )
      return current;
  }
  return undefined;
}

/** A setting that sends calls to an endpoint: `--endpoint`, AWS_ENDPOINT_URL or a per-service variable. */
interface EndpointSetting {
  readonly setting: string;
  readonly url: string;
}

function endpointSettings(target: AwsTarget): EndpointSetting[] {
  return [
    ...(target.endpoint === undefined
      ? []
      : [{ setting: target.endpointSource ?? 'AWS_ENDPOINT_URL', url: target.endpoint }]),
    ...Object.entries(target.serviceEndpoints).map(([service, url]) => ({
      setting: SERVICE_ENDPOINT_VARIABLES[service as ServiceName],
      url,
    })),
  ];
}

function unreachable(error: EndpointUnreachableError, { command, target }: AnnouncedTarget): string {
  const settings = endpointSettings(target);
  const failing = error.endpoint === undefined ? undefined : hostAndPort(error.endpoint);
  const failingIsAws = failing !== undefined && reachesRealAws(`https://${failing.host}`);
  const matching = failing === undefined ? [] : settingsFor(failing, settings);
  const named = matching.length > 0 ? matching : settings.length === 1 && !failingIsAws ? settings : [];
  const url = named[0]?.url;
  if (url !== undefined) {
    const which = named.filter((setting) => setting.url === url).map((setting) => setting.setting);
    const fix =
      which.length > 1
        ? `set ${which.join(' and ')} to the URL it listens on`
        : which[0] === '--endpoint'
          ? 'pass --endpoint with the URL it listens on'
          : which[0] === 'AWS_ENDPOINT_URL'
            ? 'set AWS_ENDPOINT_URL (or pass --endpoint) to the URL it listens on'
            : `set ${which[0]} to the URL it listens on`;
    return `Could not reach ${url} (${which.join(' and ')}): check that the emulator is running there, or ${fix}.`;
  }
  // Nothing set sends the calls there: they went to AWS itself.
  if (settings.length > 0 && !failingIsAws) return error.message;
  const why = whyAwsItself(target, failing === undefined ? undefined : serviceOfHost(failing.host));
  return (
    `Could not reach AWS${error.endpoint === undefined ? '' : ` at ${error.endpoint}`}: ` +
    `orders ${command} talks to AWS itself${why.scope}, as ${why.reason}; ` +
    `to use an emulator, ${why.emulator}; to use AWS, check this machine's network access.`
  );
}

function regionMissing({ command, target }: AnnouncedTarget): string {
  if (endpointSettings(target).length > 0)
    return 'No AWS region is configured: pass --region or set AWS_REGION (an emulator takes any, such as us-east-1).';
  const why = whyAwsItself(target, undefined);
  return (
    `No AWS region is configured, and orders ${command} talks to AWS itself, as ${why.reason}; ` +
    `to use an emulator, ${why.emulator}, and any region, such as --region us-east-1; ` +
    'to use AWS, set AWS_REGION or pass --region.'
  );
}

function credentialsMissing(announced: AnnouncedTarget): string {
  const { command, target } = announced;
  if (endpointSettings(target).length > 0) return new MissingCredentialsError().message;
  const why = whyAwsItself(target, undefined);
  return (
    `No AWS credentials were found, and orders ${command} talks to AWS itself, as ${why.reason}; ` +
    `to use an emulator, ${why.emulator}, and set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY to any values; ` +
    'to use AWS, set AWS_PROFILE or those two.'
  );
}

/**
 * Why calls go to AWS itself (for which services, when per-service endpoints leave some out), and
 * how to send them to an emulator instead.
 */
function whyAwsItself(
  target: AwsTarget,
  failingService: ServiceName | undefined,
): { readonly scope: string; readonly reason: string; readonly emulator: string } {
  const ignored = target.ignoredEndpoints;
  if (ignored !== undefined) {
    return {
      scope: '',
      reason: `${ignored.variables.join(' and ')} ${ignored.variables.length > 1 ? 'are' : 'is'} ignored (${ignored.by})`,
      emulator: 'remove that setting or pass --endpoint',
    };
  }
  const leftToAws = servicesLeftToAws(target);
  if (leftToAws.length > 0) {
    const services = failingService !== undefined && leftToAws.includes(failingService) ? [failingService] : leftToAws;
    const variables = services.map((service) => SERVICE_ENDPOINT_VARIABLES[service]);
    return {
      scope: ` for ${services.join(' and ')}`,
      reason: `neither AWS_ENDPOINT_URL nor ${variables.join(' nor ')} is set`,
      emulator: `set AWS_ENDPOINT_URL, or ${variables.join(' and ')} too`,
    };
  }
  return {
    scope: '',
    reason: 'no --endpoint or AWS_ENDPOINT_URL is set',
    emulator: `pass --endpoint (e.g. ${EXAMPLE_ENDPOINT}) or set AWS_ENDPOINT_URL`,
  };
}

/** The service an AWS host name serves: `sqs.us-east-1.amazonaws.com` is SQS. */
function serviceOfHost(host: string): ServiceName | undefined {
  const label = host.toLowerCase().split('.')[0];
  return label === 'sqs' ? 'SQS' : label === 'sns' ? 'SNS' : label === 'dynamodb' ? 'DynamoDB' : undefined;
}

interface HostAndPort {
  readonly host: string;
  readonly port: string | undefined;
}

/** `127.0.0.1:5000`, `::1:5000` or `sqs.example.invalid`, as EndpointUnreachableError names it. */
function hostAndPort(endpoint: string): HostAndPort {
  const match = /^(.*):(\d+)$/.exec(endpoint);
  return match === null ? { host: endpoint, port: undefined } : { host: match[1] ?? '', port: match[2] };
}

/**
 * The settings whose URL the failing host and port belong to: the same host, or failing that the
 * same port (the error names the address `localhost` resolved to, not `localhost`).
 */
function settingsFor(failing: HostAndPort, settings: readonly EndpointSetting[]): EndpointSetting[] {
  const parsed = settings.flatMap((setting) => {
    try {
      const url = new URL(setting.url);
      const port = url.port || (url.protocol === 'https:' ? '443' : '80');
      return [{ setting, host: url.hostname.replace(/^\[|\]$/g, '').toLowerCase(), port }];
    } catch {
      return [];
    }
  });
  const samePort = (port: string): boolean => failing.port === undefined || failing.port === port;
  const sameHost = parsed.filter(({ host, port }) => host === failing.host.toLowerCase() && samePort(port));
  if (sameHost.length > 0) return sameHost.map(({ setting }) => setting);
  if (failing.port === undefined) return [];
  return parsed.filter(({ port }) => port === failing.port).map(({ setting }) => setting);
}

const SERVICE_OF: Readonly<Record<MissingResource['type'], ServiceName>> = {
  'DynamoDB table': 'DynamoDB',
  'SQS queue': 'SQS',
  'SNS topic': 'SNS',
  'SNS subscription': 'SNS',
};

/** Where the command looked for a resource: its service's endpoint, or the AWS account. */
function whereOf({ target, account }: AnnouncedTarget): (resource: MissingResource) => string | undefined {
  return (resource) => {
    const url = target.serviceEndpoints[SERVICE_OF[resource.type]] ?? target.endpoint;
    if (url !== undefined) return `at ${url}${target.region === undefined ? '' : ` (${target.region})`}`;
    return account === undefined ? undefined : `in AWS account ${account.id} (${account.region})`;
  };
}
