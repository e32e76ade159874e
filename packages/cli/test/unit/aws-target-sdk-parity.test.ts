import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AwsClientOptions, createSqsClient, findQueueUrl } from '@orders/adapters-aws';
import { awsTargetFrom } from '../../src/runtime/aws-target';
import { UsageError } from '../../src/runtime/usage-error';

// The consent rule must judge where the SDK really sends the calls. Each case below sets up an
// environment and shared files, asks the installed SDK where a call would go (the request's host,
// read before anything is signed or sent), and checks that awsTargetFrom says the same: AWS itself
// exactly when the SDK goes there. A case the target refuses must be one where the SDK would still
// use the emulator, as the refusal says.

const EMULATOR = 'http://127.0.0.1:5000';
const directory = mkdtempSync(join(tmpdir(), 'orders-aws-target-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

let fileCount = 0;
/** A file of its own per case: the SDK caches what it read by path. */
function sharedFile(text: string | undefined): string {
  const path = join(directory, `file-${++fileCount}`);
  if (text !== undefined) writeFileSync(path, text);
  return path;
}

/** Where the SDK sends an SQS call (`host:port`), with this environment and these client options. */
async function sdkDestination(
  env: Record<string, string>,
  options: AwsClientOptions = {},
): Promise<string | undefined> {
  const saved = { ...process.env };
  for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
  // Credentials are resolved before the request is built; these are never used.
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' }, env);
  let destination: string | undefined;
  try {
    const client = createSqsClient({ ...options, region: 'us-east-1' });
    client.middlewareStack.add(
      () => async (args) => {
        const request = args.request as { hostname?: string; port?: number };
        destination = `${request.hostname}:${request.port ?? 443}`;
        throw new Error('stop before signing');
      },
      { step: 'build' },
    );
    await findQueueUrl(client, 'OrderQueue').catch(() => undefined);
    client.destroy();
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
  return destination;
}

interface Case {
  /** Where the SDK sends the calls: AWS itself, or the emulator the endpoint variable names. */
  readonly aws: boolean;
  readonly env?: Record<string, string>;
  readonly config?: string;
  readonly credentials?: string;
}

const cases: Record<string, Case> = {
  'the variable true': { aws: true, env: { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' } },
  'the variable false': { aws: false, env: { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'false' } },
  'the variable TRUE': { aws: false, env: { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'TRUE' } },
  'the variable 1': { aws: false, env: { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: '1' } },
  'the variable blank': { aws: false, env: { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: '' } },
  'nothing set': { aws: false },
  'the config file, default profile': { aws: true, config: '[default]\nignore_configured_endpoint_urls = true\n' },
  'the config file, another profile than the active one': {
    aws: false,
    config: '[profile staging]\nignore_configured_endpoint_urls = true\n',
  },
  'the config file, the active profile': {
    aws: true,
    env: { AWS_PROFILE: 'staging' },
    // With AWS_PROFILE set, the SDK takes the profile's credentials, not the variables'.
    config:
      '[default]\n[profile staging]\naws_access_key_id = test\naws_secret_access_key = test\n' +
      'ignore_configured_endpoint_urls = true # AWS itself\n',
  },
  'the credentials file': { aws: true, credentials: '[default]\nignore_configured_endpoint_urls = true\n' },
  'the config file false over the credentials file true': {
    aws: false,
    config: '[default]\nignore_configured_endpoint_urls = false\n',
    credentials: '[default]\nignore_configured_endpoint_urls = true\n',
  },
  'the variable false over the config file true': {
    aws: false,
    env: { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'false' },
    config: '[default]\nignore_configured_endpoint_urls = true\n',
  },
  'the variable TRUE, then the config file true': {
    aws: true,
    env: { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'TRUE' },
    config: '[default]\nignore_configured_endpoint_urls = true\n',
  },
  'the config file TRUE': { aws: false, config: '[default]\nignore_configured_endpoint_urls = TRUE\n' },
  'the config file, inside a sub-section': {
    aws: false,
    config: '[default]\ns3 =\n  ignore_configured_endpoint_urls = true\n',
  },
};

describe('awsTargetFrom judges the target as the installed AWS SDK resolves it', () => {
  it.each(Object.entries(cases))('%s', async (_name, { aws, env = {}, config, credentials }) => {
    for (const endpointVariable of ['AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_SQS']) {
      const full = {
        AWS_CONFIG_FILE: sharedFile(config),
        AWS_SHARED_CREDENTIALS_FILE: sharedFile(credentials),
        [endpointVariable]: EMULATOR,
        ...env,
      };
      const destination = await sdkDestination(full);
      expect(destination).toBeDefined();
      const sdkReachesAws = destination !== '127.0.0.1:5000';
      expect(sdkReachesAws).toBe(aws);
      let judged: boolean | 'refused';
      try {
        judged = awsTargetFrom({}, full).realAws;
      } catch (error) {
        expect(error).toBeInstanceOf(UsageError);
        judged = 'refused';
      }
      if (judged === 'refused') expect(sdkReachesAws).toBe(false);
      else expect(judged).toBe(sdkReachesAws);
    }
  });

  it('and --endpoint wins over the variable in the SDK too', async () => {
    const env = { AWS_ENDPOINT_URL: 'http://127.0.0.1:5999', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' };
    const target = awsTargetFrom({ endpoint: EMULATOR }, env);
    expect(target.realAws).toBe(false);
    await expect(sdkDestination(env, target.clientOptions)).resolves.toBe('127.0.0.1:5000');
  });
});
