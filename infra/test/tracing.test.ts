import * as fs from 'node:fs';
import * as path from 'node:path';
import { contextFromArgs } from '../src/context';
import {
  type CfnProperties,
  type CfnTemplate,
  type Statement,
  asArray,
  cleanUpSynth,
  only,
  requireBundle,
  synth,
} from './support';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:otlp-headers-AbCdEf';

let plain: CfnTemplate;

beforeAll(() => {
  requireBundle();
  plain = synth().json;
});
afterAll(cleanUpSynth);

const fn = (template: CfnTemplate): CfnProperties => only(template, 'AWS::Lambda::Function').props;
const topic = (template: CfnTemplate) => only(template, 'AWS::SNS::Topic');
const xrayPolicies = (template: CfnTemplate) =>
  Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::XRay::ResourcePolicy');

/** Every action the function's role is granted, with its resource, as one sortable line each. */
function grants(template: CfnTemplate): string[] {
  const lines: string[] = [];
  for (const statement of only(template, 'AWS::IAM::Policy').props.PolicyDocument.Statement as Statement[]) {
    for (const action of asArray(statement.Action)) {
      for (const resource of asArray(statement.Resource)) lines.push(`${action} ${JSON.stringify(resource)}`);
    }
  }
  return lines.sort();
}

describe('tracing is off by default', () => {
  it('gives the function no TracingConfig, no X-Ray permission and no OTEL_* variable', () => {
    expect(fn(plain).TracingConfig).toBeUndefined();
    expect(Object.keys(fn(plain).Environment.Variables).filter((name) => name.startsWith('OTEL_'))).toEqual([]);
    expect(grants(plain).filter((grant) => grant.startsWith('xray:'))).toEqual([]);
  });

  it('leaves the topic in pass-through (no TracingConfig) and creates no X-Ray resource policy', () => {
    expect(topic(plain).props.TracingConfig).toBeUndefined();
    expect(xrayPolicies(plain)).toEqual([]);
  });
});

describe('X-Ray active tracing on the function (functionActiveTracing)', () => {
  it('sets TracingConfig Active and grants only the two actions Lambda sends segments with', () => {
    const traced = synth({ functionActiveTracing: 'true' }).json;
    expect(fn(traced).TracingConfig).toEqual({ Mode: 'Active' });
    // X-Ray has no resource-level permissions: its actions are granted on "*", and nothing else changes.
    expect(grants(traced)).toEqual(
      [...grants(plain), 'xray:PutTelemetryRecords "*"', 'xray:PutTraceSegments "*"'].sort(),
    );
    expect(topic(traced).props.TracingConfig).toBeUndefined();
  });

  it('refuses a value that is not true or false', () => {
    expect(() => synth({ functionActiveTracing: 'yes' })).toThrow(
      `Context 'functionActiveTracing' must be true or false (got "yes").`,
    );
  });
});

describe('X-Ray active tracing on the topic (topicActiveTracing)', () => {
  let traced: CfnTemplate;
  beforeAll(() => {
    traced = synth({ topicActiveTracing: 'true', namePrefix: 'dev-' }).json;
  });

  it('sets the topic’s TracingConfig to Active (L2 property), after the policy that lets SNS send segments', () => {
    const { props, resource } = topic(traced);
    expect(props.TracingConfig).toBe('Active');
    expect(resource.DependsOn).toContain(only(traced, 'AWS::XRay::ResourcePolicy').id);
  });

  it('lets SNS send segments for this topic of this account only (the X-Ray resource policy)', () => {
    const policy = only(traced, 'AWS::XRay::ResourcePolicy').props;
    expect(policy.PolicyName).toBe('dev-OrderTopic-ActiveTracing');
    // The document is a JSON string with the account, partition and Region joined in.
    const [, parts] = policy.PolicyDocument['Fn::Join'] as [string, unknown[]];
    const document = JSON.parse(
      parts.map((part) => (typeof part === 'string' ? part : `<${(part as { Ref: string }).Ref}>`)).join(''),
    );
    expect(document.Statement).toEqual([
      {
        Sid: 'SnsActiveTracing',
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: ['xray:PutTraceSegments', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
        Resource: '*',
        Condition: {
          StringEquals: { 'aws:SourceAccount': '<AWS::AccountId>' },
          ArnLike: { 'aws:SourceArn': 'arn:<AWS::Partition>:sns:<AWS::Region>:<AWS::AccountId>:dev-OrderTopic' },
        },
      },
    ]);
    expect(fn(traced).TracingConfig).toBeUndefined();
  });
});

describe('OTLP export settings for the function', () => {
  it('ships the endpoint, the protocol (http/protobuf by default) and the service name of the logs', () => {
    const variables = fn(synth({ otlpEndpoint: 'https://otlp.example.com:4318' }).json).Environment.Variables;
    expect(variables).toMatchObject({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otlp.example.com:4318',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_SERVICE_NAME: variables.POWERTOOLS_SERVICE_NAME,
    });
    expect(variables.OTEL_EXPORTER_OTLP_HEADERS).toBeUndefined();
  });

  it('takes http/json and another service name', () => {
    const variables = fn(
      synth({ otlpEndpoint: 'http://collector:4318', otlpProtocol: 'http/json', otelServiceName: 'orders-eu' }).json,
    ).Environment.Variables;
    expect(variables).toMatchObject({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_SERVICE_NAME: 'orders-eu' });
  });

  it('takes the headers from a Secrets Manager secret: the template holds a dynamic reference, never a value', () => {
    const { json, assemblyDir } = synth({
      otlpEndpoint: 'https://otlp.example.com',
      otlpHeadersSecretArn: SECRET_ARN,
      otlpHeadersSecretField: 'headers',
    });
    expect(fn(json).Environment.Variables.OTEL_EXPORTER_OTLP_HEADERS).toBe(
      `{{resolve:secretsmanager:${SECRET_ARN}:SecretString:headers::}}`,
    );
    const whole = fn(synth({ otlpEndpoint: 'https://otlp.example.com', otlpHeadersSecretArn: SECRET_ARN }).json);
    expect(whole.Environment.Variables.OTEL_EXPORTER_OTLP_HEADERS).toBe(
      `{{resolve:secretsmanager:${SECRET_ARN}:SecretString:::}}`,
    );
    // The role is not granted the secret: CloudFormation resolves it with the deployer's rights.
    expect(grants(json)).toEqual(grants(plain));
    // What `pnpm synth` writes holds the reference once, where the function reads it, and nothing else of it.
    const written = fs.readFileSync(path.join(assemblyDir, 'OrderProcessing.template.json'), 'utf8');
    expect(written.split('{{resolve:secretsmanager:').length - 1).toBe(1);
  });

  it('never echoes what was given as the secret ARN (it may be the headers themselves)', () => {
    const headers = 'x-api-key=s3cr3t-value';
    let message = '';
    try {
      synth({ otlpEndpoint: 'https://otlp.example.com', otlpHeadersSecretArn: headers });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('is not a Secrets Manager secret ARN');
    expect(message).not.toContain('s3cr3t');
  });

  it.each<[string, Record<string, string>, string | RegExp]>([
    ['an endpoint that is not a URL', { otlpEndpoint: 'collector:4318' }, /otlp.endpoint must use http or https/],
    ['a relative endpoint', { otlpEndpoint: '/v1/traces' }, /otlp.endpoint must be an absolute http\(s\) URL/],
    [
      'credentials in the endpoint',
      { otlpEndpoint: 'https://user:key@otlp.example.com' },
      /otlp.endpoint must not carry credentials/,
    ],
    [
      'gRPC',
      { otlpEndpoint: 'https://otlp.example.com', otlpProtocol: 'grpc' },
      /otlp.protocol must be one of http\/protobuf, http\/json \(got 'grpc'\)/,
    ],
    [
      'a headers secret that is not a secret ARN',
      { otlpEndpoint: 'https://otlp.example.com', otlpHeadersSecretArn: 'x-api-key=abc' },
      /otlp.headersSecret.secretArn is not a Secrets Manager secret ARN \(.*got 13 characters, not shown\)/,
    ],
    [
      'OTLP settings without an endpoint',
      { otlpHeadersSecretArn: SECRET_ARN },
      "Context 'otlpHeadersSecretArn' needs 'otlpEndpoint'",
    ],
    [
      'a secret field without a secret',
      { otlpEndpoint: 'https://otlp.example.com', otlpHeadersSecretField: 'headers' },
      "Context 'otlpHeadersSecretField' needs 'otlpHeadersSecretArn'",
    ],
    [
      'a blank service name',
      { otlpEndpoint: 'https://otlp.example.com', otelServiceName: ' ' },
      /serviceName must not be blank/,
    ],
  ])('refuses %s, saying why', (_, context, message) => {
    expect(() => synth(context)).toThrow(message);
  });
});

describe('tracing from the command line (pnpm synth -- -c key=value)', () => {
  it('accepts the tracing keys, and the runbook URL', () => {
    const args = [
      ['functionActiveTracing', 'true'],
      ['topicActiveTracing', 'true'],
      ['otlpEndpoint', 'https://otlp.example.com'],
      ['otlpProtocol', 'http/json'],
      ['otelServiceName', 'orders'],
      ['otlpHeadersSecretArn', SECRET_ARN],
      ['otlpHeadersSecretField', 'headers'],
      ['runbookUrl', 'https://example.com/runbook.md'],
    ];
    expect(contextFromArgs(args.flatMap(([key, value]) => ['-c', `${key}=${value}`]))).toEqual(
      Object.fromEntries(args),
    );
  });
});
