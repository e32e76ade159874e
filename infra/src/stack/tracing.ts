import { SecretValue, Stack } from 'aws-cdk-lib';
import * as xray from 'aws-cdk-lib/aws-xray';
import type { Construct } from 'constructs';
import type { ResourceNames } from '../naming';

/**
 * Tracing, off by default: X-Ray active tracing on the function and/or the topic, and the OTLP
 * settings the function's OpenTelemetry SDK reads (the standard OTEL_* variables: the code turns
 * tracing on when OTEL_EXPORTER_OTLP_ENDPOINT is set). Each is independent of the others.
 */
export interface TracingProps {
  /** X-Ray active tracing on the function (Lambda samples and sends segments). @default false */
  readonly functionActiveTracing?: boolean;
  /**
   * SNS active tracing on OrderTopic, with the account's X-Ray resource policy that lets SNS send
   * segments for this topic. @default false (SNS passes trace headers through)
   */
  readonly topicActiveTracing?: boolean;
  /** Where the function exports spans over OTLP. @default none (the SDK never loads) */
  readonly otlp?: OtlpExportProps;
}

/** The OTLP protocols the function's exporter speaks. */
export const OTLP_PROTOCOLS = ['http/protobuf', 'http/json'] as const;
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];

export interface OtlpExportProps {
  /** OTEL_EXPORTER_OTLP_ENDPOINT: the collector's base URL (http or https, no credentials in it). */
  readonly endpoint: string;
  /** OTEL_EXPORTER_OTLP_PROTOCOL. @default 'http/protobuf' */
  readonly protocol?: OtlpProtocol;
  /** OTEL_SERVICE_NAME. @default the service name of the logs and metrics ('OrderProcessor') */
  readonly serviceName?: string;
  /**
   * OTEL_EXPORTER_OTLP_HEADERS (`key=value,key2=value2`, e.g. an API key) from a Secrets Manager
   * secret, never from context or the template: CloudFormation resolves the reference at deploy
   * time. `jsonField` picks one key of a JSON secret; without it the whole secret string is used.
   * @default no headers
   */
  readonly headersSecret?: { readonly secretArn: string; readonly jsonField?: string };
}

/** OTLP export with its defaults applied. */
export interface OtlpExportSettings {
  readonly endpoint: string;
  readonly protocol: OtlpProtocol;
  readonly serviceName: string;
  readonly headersSecret: OtlpExportProps['headersSecret'];
}

/** The validated tracing settings the resources are built from. */
export interface TracingSettings {
  readonly functionActiveTracing: boolean;
  readonly topicActiveTracing: boolean;
  /** Undefined: no OTEL_* variables, the function's SDK stays unloaded. */
  readonly otlp: OtlpExportSettings | undefined;
}

/** AWS::XRay::ResourcePolicy's PolicyName limit. */
const XRAY_POLICY_NAME_MAX_LENGTH = 128;

/** Secrets Manager secret ARN (a partial ARN, without the random suffix, is accepted by CloudFormation too). */
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;

/** Checks the tracing props and applies their defaults; throws naming the prop and the rule. */
export function resolveTracing(props: TracingProps | undefined, defaultServiceName: string): TracingSettings {
  const otlp = props?.otlp;
  return {
    functionActiveTracing: props?.functionActiveTracing ?? false,
    topicActiveTracing: props?.topicActiveTracing ?? false,
    otlp: otlp === undefined ? undefined : resolveOtlp(otlp, defaultServiceName),
  };
}

function resolveOtlp(otlp: OtlpExportProps, defaultServiceName: string): OtlpExportSettings {
  const problems: string[] = [];
  let url: URL | undefined;
  try {
    url = new URL(otlp.endpoint);
  } catch {
    problems.push(`otlp.endpoint must be an absolute http(s) URL (got ${JSON.stringify(otlp.endpoint)})`);
  }
  if (url !== undefined) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      problems.push(`otlp.endpoint must use http or https (got '${url.protocol}')`);
    }
    // The template, cdk.out and the function's configuration are not the place for a credential.
    if (url.username !== '' || url.password !== '') {
      problems.push('otlp.endpoint must not carry credentials: put them in the headers secret (otlpHeadersSecretArn)');
    }
  }
  const protocol = otlp.protocol ?? 'http/protobuf';
  if (!OTLP_PROTOCOLS.includes(protocol)) {
    problems.push(`otlp.protocol must be one of ${OTLP_PROTOCOLS.join(', ')} (got '${String(protocol)}')`);
  }
  const serviceName = otlp.serviceName ?? defaultServiceName;
  if (serviceName.trim() === '') problems.push('otlp.serviceName must not be blank');
  const secret = otlp.headersSecret;
  if (secret !== undefined) {
    if (!SECRET_ARN.test(secret.secretArn)) {
      // Not echoed: a value pasted here by mistake may be the headers (an API key) themselves.
      problems.push(
        `otlp.headersSecret.secretArn is not a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>; got ${secret.secretArn.length} characters, not shown)`,
      );
    }
    if (secret.jsonField !== undefined && !/^[A-Za-z0-9_.-]+$/.test(secret.jsonField)) {
      problems.push(
        `otlp.headersSecret.jsonField must be letters, digits, '_', '.' or '-' (got '${secret.jsonField}')`,
      );
    }
  }
  if (problems.length > 0) throw new Error(`Tracing settings are invalid: ${problems.join('; ')}.`);
  return { endpoint: otlp.endpoint, protocol, serviceName, headersSecret: secret };
}

/**
 * The OTEL_* variables for the function: none when OTLP export is off, so the default template
 * (and the function's cold start) is what it was without tracing.
 */
export function otlpEnvironment(otlp: OtlpExportSettings | undefined): Record<string, string> {
  if (otlp === undefined) return {};
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: otlp.protocol,
    OTEL_SERVICE_NAME: otlp.serviceName,
    ...(otlp.headersSecret === undefined ? {} : { OTEL_EXPORTER_OTLP_HEADERS: headersReference(otlp.headersSecret) }),
  };
}

/**
 * A CloudFormation dynamic reference (`{{resolve:secretsmanager:…}}`): the template and cdk.out hold
 * only the secret's ARN; CloudFormation reads the value when it creates or updates the function.
 * The value then sits in the function's configuration (encrypted at rest, readable by whoever may
 * call lambda:GetFunctionConfiguration), and a rotated secret reaches the function at the next
 * deploy that updates it. `unsafeUnwrap` is CDK's explicit way to place a SecretValue in a
 * property that is not marked secret; what it places is the reference, not the secret.
 */
function headersReference(secret: NonNullable<OtlpExportProps['headersSecret']>): string {
  return SecretValue.secretsManager(
    secret.secretArn,
    secret.jsonField === undefined ? {} : { jsonField: secret.jsonField },
  ).unsafeUnwrap();
}

/**
 * The account's X-Ray resource policy that lets SNS send segments for OrderTopic (what the SNS
 * console creates by itself when active tracing is turned on there; through CloudFormation it must
 * be declared). Scoped to this account and this topic. X-Ray has no resource-level permissions, so
 * its Resource is `*`. An account holds at most 5 X-Ray resource policies per Region, each with a
 * name unique in the account: the name follows the topic's.
 */
export function addTopicTracingPolicy(scope: Construct, names: ResourceNames): xray.CfnResourcePolicy {
  const stack = Stack.of(scope);
  // The topic's ARN from its name, not a reference to the topic: the topic waits for this policy.
  const topicArn = stack.formatArn({ service: 'sns', resource: names.topic });
  const policyName = `${names.topic}-ActiveTracing`;
  if (policyName.length > XRAY_POLICY_NAME_MAX_LENGTH) {
    throw new Error(
      `The X-Ray resource policy name '${policyName}' is longer than ${XRAY_POLICY_NAME_MAX_LENGTH} characters: shorten the name prefix/suffix.`,
    );
  }
  return new xray.CfnResourcePolicy(scope, 'OrderTopicTracingPolicy', {
    policyName,
    policyDocument: stack.toJsonString({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'SnsActiveTracing',
          Effect: 'Allow',
          Principal: { Service: 'sns.amazonaws.com' },
          Action: ['xray:PutTraceSegments', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
          Resource: '*',
          Condition: {
            StringEquals: { 'aws:SourceAccount': stack.account },
            ArnLike: { 'aws:SourceArn': topicArn },
          },
        },
      ],
    }),
  });
}
