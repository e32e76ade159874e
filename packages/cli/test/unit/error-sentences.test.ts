import {
  EndpointUnreachableError,
  MissingCredentialsError,
  MissingRegionError,
  ResourceMissingError,
} from '@orders/adapters-aws';
import { RepositoryUnavailableError } from '@orders/core';
import { TemplateError } from '@orders/lambda-local';
import { type AnnouncedTarget, awsTargetFrom } from '../../src/runtime/aws-target';
import { describeFailure } from '../../src/runtime/describe-failure';
import { UsageError } from '../../src/runtime/usage-error';

// Each failure names what the user set (--endpoint, AWS_ENDPOINT_URL, a per-service variable, or
// nothing) and what to do, once, in one sentence: the exact sentences, as `orders: …` prints them.

const noSharedFiles = () => undefined;
const BASE = { AWS_REGION: 'us-east-1' };

function announced(
  command: string,
  options: { endpoint?: string },
  env: Record<string, string> = {},
  account?: AnnouncedTarget['account'],
): AnnouncedTarget {
  return {
    command,
    target: awsTargetFrom(options, { ...BASE, ...env }, noSharedFiles),
    ...(account === undefined ? {} : { account }),
  };
}

const unreachable = (endpoint: string | undefined) => new EndpointUnreachableError(endpoint);

describe('an endpoint that does not answer is put in terms of the setting that chose it', () => {
  it('--endpoint', () => {
    expect(
      describeFailure(unreachable('127.0.0.1:5999'), announced('status', { endpoint: 'http://127.0.0.1:5999' })),
    ).toBe(
      'Could not reach http://127.0.0.1:5999 (--endpoint): check that the emulator is running there, or pass --endpoint with the URL it listens on.',
    );
  });

  it('AWS_ENDPOINT_URL, matched by port when the error names the address localhost resolved to', () => {
    const target = announced('status', {}, { AWS_ENDPOINT_URL: 'http://localhost:5999' });
    expect(describeFailure(unreachable('127.0.0.1:5999'), target)).toBe(
      'Could not reach http://localhost:5999 (AWS_ENDPOINT_URL): check that the emulator is running there, or set AWS_ENDPOINT_URL (or pass --endpoint) to the URL it listens on.',
    );
  });

  it('a per-service variable, told apart from AWS_ENDPOINT_URL by where the failing call went', () => {
    const target = announced(
      'status',
      {},
      { AWS_ENDPOINT_URL: 'http://127.0.0.1:5000', AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:5999' },
    );
    expect(describeFailure(unreachable('127.0.0.1:5999'), target)).toBe(
      'Could not reach http://127.0.0.1:5999 (AWS_ENDPOINT_URL_SQS): check that the emulator is running there, or set AWS_ENDPOINT_URL_SQS to the URL it listens on.',
    );
    expect(describeFailure(unreachable('127.0.0.1:5000'), target)).toMatch(
      /^Could not reach http:\/\/127\.0\.0\.1:5000 \(AWS_ENDPOINT_URL\): /,
    );
  });

  it('both variables when they name the same URL', () => {
    const target = announced(
      'status',
      {},
      { AWS_ENDPOINT_URL: 'http://127.0.0.1:5999', AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:5999' },
    );
    expect(describeFailure(unreachable('127.0.0.1:5999'), target)).toBe(
      'Could not reach http://127.0.0.1:5999 (AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_SQS): check that the emulator is running there, or set AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_SQS to the URL it listens on.',
    );
  });

  it('a failure under a wrapper (a repository error caused by it)', () => {
    const wrapped = new RepositoryUnavailableError('whatever the repository said', {
      cause: unreachable('127.0.0.1:5999'),
    });
    expect(describeFailure(wrapped, announced('get', { endpoint: 'http://127.0.0.1:5999' }))).toMatch(
      /^Could not reach http:\/\/127\.0\.0\.1:5999 \(--endpoint\): /,
    );
  });
});

describe('with no endpoint set, the sentence says the command talks to AWS itself, and how to use an emulator', () => {
  it('AWS does not answer', () => {
    expect(describeFailure(unreachable('sts.us-east-1.amazonaws.com'), announced('status', {}))).toBe(
      'Could not reach AWS at sts.us-east-1.amazonaws.com: orders status talks to AWS itself, as no --endpoint or AWS_ENDPOINT_URL is set; ' +
        "to use an emulator, pass --endpoint (e.g. http://127.0.0.1:5000) or set AWS_ENDPOINT_URL; to use AWS, check this machine's network access.",
    );
  });

  it('AWS does not answer, at an address rather than a name', () => {
    expect(describeFailure(unreachable('52.94.0.1:443'), announced('list', {}))).toMatch(
      /^Could not reach AWS at 52\.94\.0\.1:443: orders list talks to AWS itself, as no --endpoint or AWS_ENDPOINT_URL is set; /,
    );
  });

  it('the endpoint variables are set but ignored', () => {
    const target = announced(
      'status',
      {},
      { AWS_ENDPOINT_URL: 'http://127.0.0.1:5000', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' },
    );
    expect(describeFailure(unreachable('sts.us-east-1.amazonaws.com'), target)).toBe(
      'Could not reach AWS at sts.us-east-1.amazonaws.com: orders status talks to AWS itself, as AWS_ENDPOINT_URL is ignored (AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true); ' +
        "to use an emulator, remove that setting or pass --endpoint; to use AWS, check this machine's network access.",
    );
  });

  it('per-service endpoints leave the failing service to AWS', () => {
    const target = announced('status', {}, { AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:5000' });
    expect(describeFailure(unreachable('sns.us-east-1.amazonaws.com'), target)).toBe(
      'Could not reach AWS at sns.us-east-1.amazonaws.com: orders status talks to AWS itself for SNS, as neither AWS_ENDPOINT_URL nor AWS_ENDPOINT_URL_SNS is set; ' +
        "to use an emulator, set AWS_ENDPOINT_URL, or AWS_ENDPOINT_URL_SNS too; to use AWS, check this machine's network access.",
    );
  });

  it('no region', () => {
    expect(describeFailure(new MissingRegionError(), announced('status', {}))).toBe(
      'No AWS region is configured, and orders status talks to AWS itself, as no --endpoint or AWS_ENDPOINT_URL is set; ' +
        'to use an emulator, pass --endpoint (e.g. http://127.0.0.1:5000) or set AWS_ENDPOINT_URL, and any region, such as --region us-east-1; ' +
        'to use AWS, set AWS_REGION or pass --region.',
    );
    expect(describeFailure(new MissingRegionError(), announced('status', { endpoint: 'http://127.0.0.1:5000' }))).toBe(
      'No AWS region is configured: pass --region or set AWS_REGION (an emulator takes any, such as us-east-1).',
    );
  });

  it('no credentials', () => {
    expect(describeFailure(new MissingCredentialsError(), announced('consume', {}))).toBe(
      'No AWS credentials were found, and orders consume talks to AWS itself, as no --endpoint or AWS_ENDPOINT_URL is set; ' +
        'to use an emulator, pass --endpoint (e.g. http://127.0.0.1:5000) or set AWS_ENDPOINT_URL, ' +
        'and set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY to any values; ' +
        'to use AWS, set AWS_PROFILE or those two.',
    );
    expect(
      describeFailure(new MissingCredentialsError(), announced('consume', { endpoint: 'http://127.0.0.1:5000' })),
    ).toBe(new MissingCredentialsError().message);
  });
});

describe('a missing resource is named with where it was looked for', () => {
  const typo = new ResourceMissingError([{ type: 'SQS queue', name: 'OrderQeue', similar: ['OrderQueue'] }]);

  it('on an emulator: its endpoint and region', () => {
    expect(describeFailure(typo, announced('status', { endpoint: 'http://127.0.0.1:5000' }))).toBe(
      'The SQS queue "OrderQeue" does not exist at http://127.0.0.1:5000 (us-east-1), but "OrderQueue" does: check the name, as "orders provision" would create "OrderQeue" as given.',
    );
  });

  it("on split endpoints: the service's own", () => {
    const target = announced(
      'status',
      {},
      { AWS_ENDPOINT_URL: 'http://127.0.0.1:5000', AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:5001' },
    );
    expect(describeFailure(typo, target)).toMatch(
      /^The SQS queue "OrderQeue" does not exist at http:\/\/127\.0\.0\.1:5001 /,
    );
  });

  it('in AWS itself: the account and region', () => {
    const missingTable = new ResourceMissingError([{ type: 'DynamoDB table', name: 'Orders', similar: [] }]);
    expect(describeFailure(missingTable, announced('list', {}, {}, { id: '123456789012', region: 'eu-west-1' }))).toBe(
      'The DynamoDB table "Orders" does not exist in AWS account 123456789012 (eu-west-1); run "orders provision" to create it.',
    );
  });
});

describe('other failures', () => {
  it("print the project's own errors without their class name", () => {
    const template = new TemplateError('template_invalid', '/x/Stack.template.json is not valid JSON');
    expect(describeFailure(template, undefined)).toBe('/x/Stack.template.json is not valid JSON');
    expect(
      describeFailure(new UsageError('publish needs exactly one of --file <path> or --sample <n>'), undefined),
    ).toBe('publish needs exactly one of --file <path> or --sample <n>');
  });

  it('keep the name of an SDK error that escaped translation, which is the useful part', () => {
    const sdk = Object.assign(new Error('Something odd'), { name: 'OddException', code: 'Odd', $metadata: {} });
    expect(describeFailure(sdk, announced('status', { endpoint: 'http://127.0.0.1:5000' }))).toBe(
      'OddException: Something odd',
    );
  });

  it('before any target was announced, the adapter sentence stands', () => {
    expect(describeFailure(unreachable('127.0.0.1:5999'), undefined)).toBe(unreachable('127.0.0.1:5999').message);
  });
});
