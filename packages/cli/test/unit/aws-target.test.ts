import { announceTarget, awsTargetFrom, requireRealAwsConsent } from '../../src/runtime/aws-target';
import { UsageError } from '../../src/runtime/usage-error';

describe('awsTargetFrom: where an AWS command talks', () => {
  it.each([
    [
      {},
      { AWS_ENDPOINT_URL: '127.0.0.1:4566' },
      'AWS_ENDPOINT_URL "127.0.0.1:4566" is not a URL; write it with its scheme, e.g. http://127.0.0.1:4566.',
    ],
    [{ endpoint: 'notaurl' }, {}, '--endpoint "notaurl" is not a URL; write it with its scheme, e.g. http://notaurl.'],
    [
      { endpoint: 'localhost:4566' },
      {},
      '--endpoint "localhost:4566" must start with http:// or https://, e.g. http://127.0.0.1:4566 for an emulator.',
    ],
    [
      { region: 'xx-nowhere-9' },
      {},
      '"xx-nowhere-9" (--region) is not an AWS region; use one such as us-east-1 or eu-west-1.',
    ],
    [
      {},
      { AWS_REGION: 'useast1' },
      '"useast1" (AWS_REGION) is not an AWS region; use one such as us-east-1 or eu-west-1.',
    ],
  ])('refuses %j with env %j in one sentence', (options, env, message) => {
    expect(() => awsTargetFrom(options, env)).toThrow(UsageError);
    expect(() => awsTargetFrom(options, env)).toThrow(message);
  });

  it('accepts real region names of every partition, and tells an emulator from AWS itself', () => {
    for (const region of [
      'us-east-1',
      'eu-central-2',
      'ap-southeast-5',
      'cn-north-1',
      'us-gov-west-1',
      'il-central-1',
    ]) {
      expect(awsTargetFrom({ region }, {}).region).toBe(region);
    }
    expect(awsTargetFrom({}, { AWS_ENDPOINT_URL: 'http://127.0.0.1:5000' })).toMatchObject({
      realAws: false,
      clientOptions: {},
    });
    expect(awsTargetFrom({ endpoint: 'http://127.0.0.1:5000', region: 'us-east-1' }, {})).toMatchObject({
      realAws: false,
      clientOptions: { endpoint: 'http://127.0.0.1:5000', region: 'us-east-1' },
    });
    expect(awsTargetFrom({}, {}).realAws).toBe(true);
    expect(awsTargetFrom({ endpoint: 'https://sqs.eu-west-1.amazonaws.com' }, {}).realAws).toBe(true);
  });

  it('says on stderr which emulator it talks to, before anything changes', async () => {
    const written: string[] = [];
    await announceTarget(
      'provision',
      awsTargetFrom({}, { AWS_ENDPOINT_URL: 'http://127.0.0.1:5000', AWS_REGION: 'eu-west-1' }),
      {
        write: (text: string) => written.push(text),
      },
    );
    expect(written).toEqual(['orders provision: talking to http://127.0.0.1:5000 (eu-west-1)\n']);
  });

  it('asks for --i-know-this-is-real-aws before changing resources in AWS itself, never for an emulator', () => {
    expect(() => requireRealAwsConsent('provision', awsTargetFrom({}, {}), false)).toThrow(
      'provision would change resources in AWS itself (no AWS_ENDPOINT_URL or --endpoint is set): point it at an emulator, or pass --i-know-this-is-real-aws.',
    );
    expect(() => requireRealAwsConsent('provision', awsTargetFrom({}, {}), true)).not.toThrow();
    expect(() =>
      requireRealAwsConsent(
        'publish --unchecked',
        awsTargetFrom({}, { AWS_ENDPOINT_URL: 'http://127.0.0.1:5000' }),
        false,
      ),
    ).not.toThrow();
  });

  describe('per-service endpoints (AWS_ENDPOINT_URL_SQS, _SNS, _DYNAMODB) without AWS_ENDPOINT_URL', () => {
    const split = { AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:9324', AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000' };

    it('are an emulator setup: no STS call, the announcement names each service', async () => {
      const target = awsTargetFrom({}, { ...split, AWS_REGION: 'us-east-1' });
      expect(target).toMatchObject({
        realAws: false,
        endpoint: undefined,
        serviceEndpoints: { SQS: 'http://127.0.0.1:9324', DynamoDB: 'http://127.0.0.1:8000' },
      });
      const written: string[] = [];
      await announceTarget('consume', target, { write: (text: string) => written.push(text) });
      expect(written).toEqual([
        'orders consume: talking to SQS at http://127.0.0.1:9324, DynamoDB at http://127.0.0.1:8000, AWS itself for SNS (us-east-1)\n',
      ]);
    });

    it('ask for consent before a change when a service is left to AWS itself, and not when all three are set', () => {
      expect(() => requireRealAwsConsent('publish --unchecked', awsTargetFrom({}, split), false)).toThrow(
        'publish --unchecked would reach AWS itself for SNS (no AWS_ENDPOINT_URL_SNS is set): set AWS_ENDPOINT_URL or that variable too, or pass --i-know-this-is-real-aws.',
      );
      const all = { ...split, AWS_ENDPOINT_URL_SNS: 'http://127.0.0.1:9911' };
      expect(() => requireRealAwsConsent('provision', awsTargetFrom({}, all), false)).not.toThrow();
    });

    it('are checked like AWS_ENDPOINT_URL, and one on an AWS domain means AWS itself', () => {
      expect(() => awsTargetFrom({}, { AWS_ENDPOINT_URL_SQS: '127.0.0.1:9324' })).toThrow(
        'AWS_ENDPOINT_URL_SQS "127.0.0.1:9324" is not a URL; write it with its scheme, e.g. http://127.0.0.1:9324.',
      );
      expect(awsTargetFrom({}, { AWS_ENDPOINT_URL_SQS: 'https://sqs.us-east-1.amazonaws.com' }).realAws).toBe(true);
    });

    it('win over AWS_ENDPOINT_URL for their service, as in the SDK; --endpoint wins over both', async () => {
      const beside = awsTargetFrom(
        {},
        { AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:9324', AWS_ENDPOINT_URL: 'http://127.0.0.1:5000' },
      );
      const written: string[] = [];
      await announceTarget('consume', beside, { write: (text: string) => written.push(text) });
      expect(written).toEqual(['orders consume: talking to http://127.0.0.1:5000, SQS at http://127.0.0.1:9324\n']);
      expect(() => requireRealAwsConsent('provision', beside, false)).not.toThrow();
      expect(awsTargetFrom({ endpoint: 'http://127.0.0.1:4566' }, split).serviceEndpoints).toEqual({});
    });
  });
});

describe('AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: the SDK then talks to AWS itself, and so does the target', () => {
  const emulator = { AWS_ENDPOINT_URL: 'http://127.0.0.1:5000', AWS_REGION: 'us-east-1' };
  /** Shared AWS files by path; every other path is absent. */
  const files =
    (contents: Record<string, string> = {}) =>
    (path: string): string | undefined =>
      contents[path];
  const noFiles = files();
  const identity = async () => ({
    account: '123456789012',
    region: 'us-east-1',
    arn: 'arn:aws:iam::123456789012:user/me',
  });

  it('with the variable true, provision and publish --unchecked ask for consent, naming AWS itself and why', async () => {
    const target = awsTargetFrom({}, { ...emulator, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }, noFiles);
    expect(target).toMatchObject({
      realAws: true,
      endpoint: undefined,
      serviceEndpoints: {},
      clientOptions: {},
      ignoredEndpoints: { variables: ['AWS_ENDPOINT_URL'], by: 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true' },
    });
    for (const command of ['provision', 'publish --unchecked']) {
      expect(() => requireRealAwsConsent(command, target, false)).toThrow(
        `${command} would change resources in AWS itself (AWS_ENDPOINT_URL is ignored: AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true): ` +
          'to use the emulator, remove that setting or pass --endpoint; or pass --i-know-this-is-real-aws.',
      );
      expect(() => requireRealAwsConsent(command, target, true)).not.toThrow();
    }
    const written: string[] = [];
    await announceTarget('provision', target, { write: (text: string) => written.push(text) }, identity);
    expect(written).toEqual([
      'orders provision: talking to AWS account 123456789012 in us-east-1 (AWS_ENDPOINT_URL is ignored: AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true)\n',
    ]);
  });

  it('ignores the per-service variables too, and does not check what it ignores', () => {
    const target = awsTargetFrom(
      {},
      {
        AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:9324',
        AWS_ENDPOINT_URL_SNS: 'not a url',
        AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true',
      },
      noFiles,
    );
    expect(target).toMatchObject({
      realAws: true,
      serviceEndpoints: {},
      ignoredEndpoints: { variables: ['AWS_ENDPOINT_URL_SQS', 'AWS_ENDPOINT_URL_SNS'] },
    });
  });

  it('an explicit --endpoint still wins, as the SDK uses an endpoint given in code whatever the setting', () => {
    const target = awsTargetFrom(
      { endpoint: 'http://127.0.0.1:4566' },
      { ...emulator, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' },
      noFiles,
    );
    expect(target).toMatchObject({ realAws: false, clientOptions: { endpoint: 'http://127.0.0.1:4566' } });
    expect(target.ignoredEndpoints).toBeUndefined();
    expect(() => requireRealAwsConsent('provision', target, false)).not.toThrow();
  });

  it('false, or not set, leaves the emulator in use', () => {
    for (const value of ['false', undefined, '']) {
      const env = value === undefined ? emulator : { ...emulator, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: value };
      expect(awsTargetFrom({}, env, noFiles)).toMatchObject({ realAws: false, endpoint: 'http://127.0.0.1:5000' });
    }
  });

  it('refuses TRUE or 1 while an endpoint is set: the SDK reads only true and false, and would still use the emulator', () => {
    for (const value of ['TRUE', 'True', '1', 'yes']) {
      expect(() => awsTargetFrom({}, { ...emulator, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: value }, noFiles)).toThrow(
        new UsageError(
          `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is "${value}", which the AWS SDK does not read (it takes exactly true or false), ` +
            'so the calls would still go to AWS_ENDPOINT_URL: write true to use AWS itself, or false to use that endpoint.',
        ),
      );
    }
    // Without an endpoint to ignore it changes nothing; with --endpoint neither.
    expect(awsTargetFrom({}, { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'TRUE' }, noFiles).realAws).toBe(true);
    expect(
      awsTargetFrom(
        { endpoint: 'http://127.0.0.1:4566' },
        { ...emulator, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'TRUE' },
        noFiles,
      ).realAws,
    ).toBe(false);
  });

  describe('ignore_configured_endpoint_urls in the shared config file', () => {
    const home = { HOME: '/home/me' };

    it('of the active profile makes the target AWS itself, as in the SDK', () => {
      const config = files({
        '/home/me/.aws/config':
          '[default]\nregion = us-east-1\n\n[profile staging]\nignore_configured_endpoint_urls = true\n',
      });
      const staging = awsTargetFrom({}, { ...emulator, ...home, AWS_PROFILE: 'staging' }, config);
      expect(staging).toMatchObject({
        realAws: true,
        ignoredEndpoints: { by: 'ignore_configured_endpoint_urls in profile staging of /home/me/.aws/config = true' },
      });
      expect(() => requireRealAwsConsent('provision', staging, false)).toThrow(/would change resources in AWS itself/);
      // Another profile's setting is not this one's.
      expect(awsTargetFrom({}, { ...emulator, ...home }, config).realAws).toBe(false);
    });

    it('is read from AWS_CONFIG_FILE, and from the credentials file, the config file winning', () => {
      const setup = files({
        '/etc/aws-config': '[default]\nignore_configured_endpoint_urls = false ; kept\n',
        '/home/me/.aws/credentials':
          '[default]\nignore_configured_endpoint_urls = true\n[ci]\nignore_configured_endpoint_urls=true\n',
      });
      expect(awsTargetFrom({}, { ...emulator, ...home, AWS_CONFIG_FILE: '/etc/aws-config' }, setup).realAws).toBe(
        false,
      );
      expect(
        awsTargetFrom({}, { ...emulator, ...home, AWS_CONFIG_FILE: '/etc/aws-config', AWS_PROFILE: 'ci' }, setup)
          .ignoredEndpoints?.by,
      ).toBe('ignore_configured_endpoint_urls in profile ci of /home/me/.aws/credentials = true');
    });

    it('is passed over when the variable is false, and read when the variable is not understood', () => {
      const config = files({ '/home/me/.aws/config': '[default]\nignore_configured_endpoint_urls = true\n' });
      expect(
        awsTargetFrom({}, { ...emulator, ...home, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'false' }, config).realAws,
      ).toBe(false);
      expect(
        awsTargetFrom({}, { ...emulator, ...home, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'TRUE' }, config).realAws,
      ).toBe(true);
    });

    it('does not count inside a sub-section, nor in a section that is not a profile', () => {
      const config = files({
        '/home/me/.aws/config':
          '[default]\ns3 =\n  ignore_configured_endpoint_urls = true\n[services local]\nignore_configured_endpoint_urls = true\n',
      });
      expect(awsTargetFrom({}, { ...emulator, ...home }, config).realAws).toBe(false);
    });
  });
});
