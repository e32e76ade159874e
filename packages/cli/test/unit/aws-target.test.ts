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
