import type { CfnTemplate } from './cloud-assembly';

/** What a deployed stack would know and a template alone does not: where it runs. */
export interface DeploymentContext {
  readonly region: string;
  /** Emulators answer for any account; moto and LocalStack use 123456789012 and 000000000000. */
  readonly accountId: string;
  readonly partition: string;
}

export type Resolution = { readonly ok: true; readonly value: string } | { readonly ok: false; readonly why: string };

/**
 * The physical name behind `Ref` for the resource types whose name a template fixes. (SQS's Ref is
 * the queue URL, which depends on the endpoint, so it is left out: a variable holding it must be
 * given explicitly.)
 */
const REF_NAME_PROPERTY: Readonly<Record<string, string>> = {
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::Lambda::Function': 'FunctionName',
};

/** `Fn::GetAtt [id, 'Arn']` for the types whose ARN follows from a fixed name. */
const ARN_FORMAT: Readonly<
  Record<string, { service: string; nameProperty: string; resource: (name: string) => string }>
> = {
  'AWS::DynamoDB::Table': { service: 'dynamodb', nameProperty: 'TableName', resource: (n) => `table/${n}` },
  'AWS::SQS::Queue': { service: 'sqs', nameProperty: 'QueueName', resource: (n) => n },
  'AWS::SNS::Topic': { service: 'sns', nameProperty: 'TopicName', resource: (n) => n },
  'AWS::Lambda::Function': { service: 'lambda', nameProperty: 'FunctionName', resource: (n) => `function:${n}` },
};

/**
 * Resolves the intrinsic functions a template's property values commonly hold when the resources
 * they point at have fixed physical names: Ref, Fn::GetAtt …Arn, Fn::Join, Fn::Sub and the pseudo
 * parameters. Anything else is reported as unresolvable, with the reason, never guessed.
 */
export function resolveValue(value: unknown, template: CfnTemplate, context: DeploymentContext): Resolution {
  if (typeof value === 'string') return { ok: true, value };
  if (typeof value === 'number' || typeof value === 'boolean') return { ok: true, value: String(value) };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, why: `unsupported value ${JSON.stringify(value)}` };
  }
  const [fn, argument] = Object.entries(value)[0] ?? [];
  switch (fn) {
    case 'Ref':
      return typeof argument === 'string' ? resolveRef(argument, template, context) : bad(value);
    case 'Fn::GetAtt':
      return Array.isArray(argument) &&
        argument.length === 2 &&
        argument[1] === 'Arn' &&
        typeof argument[0] === 'string'
        ? resolveArn(argument[0], template, context)
        : { ok: false, why: `${JSON.stringify(value)} is not an Arn attribute` };
    case 'Fn::Join': {
      if (!Array.isArray(argument) || typeof argument[0] !== 'string' || !Array.isArray(argument[1])) return bad(value);
      const parts: string[] = [];
      for (const part of argument[1] as unknown[]) {
        const resolved = resolveValue(part, template, context);
        if (!resolved.ok) return resolved;
        parts.push(resolved.value);
      }
      return { ok: true, value: parts.join(argument[0]) };
    }
    case 'Fn::Sub': {
      if (typeof argument !== 'string') return { ok: false, why: 'Fn::Sub with a variable map is not supported' };
      let failure: Resolution | undefined;
      const text = argument.replace(/\$\{([^}!]+)\}/g, (_match, name: string) => {
        const resolved = name.includes('.')
          ? resolveValue({ 'Fn::GetAtt': name.split('.') }, template, context)
          : resolveRef(name, template, context);
        if (!resolved.ok) failure ??= resolved;
        return resolved.ok ? resolved.value : '';
      });
      return failure ?? { ok: true, value: text };
    }
    default:
      return bad(value);
  }
}

function resolveRef(name: string, template: CfnTemplate, context: DeploymentContext): Resolution {
  switch (name) {
    case 'AWS::Region':
      return { ok: true, value: context.region };
    case 'AWS::AccountId':
      return { ok: true, value: context.accountId };
    case 'AWS::Partition':
      return { ok: true, value: context.partition };
    case 'AWS::URLSuffix':
      return { ok: true, value: 'amazonaws.com' };
  }
  const resource = template.Resources?.[name];
  if (resource === undefined) return { ok: false, why: `Ref ${name}: no such resource` };
  if (resource.Type === 'AWS::SNS::Topic') return resolveArn(name, template, context);
  const property = REF_NAME_PROPERTY[resource.Type];
  const physical = property === undefined ? undefined : resource.Properties?.[property];
  return typeof physical === 'string'
    ? { ok: true, value: physical }
    : { ok: false, why: `Ref ${name} (${resource.Type}) has no name fixed in the template` };
}

function resolveArn(logicalId: string, template: CfnTemplate, context: DeploymentContext): Resolution {
  const resource = template.Resources?.[logicalId];
  const format = resource === undefined ? undefined : ARN_FORMAT[resource.Type];
  const name = format === undefined ? undefined : resource?.Properties?.[format.nameProperty];
  if (format === undefined || typeof name !== 'string') {
    return { ok: false, why: `the ARN of ${logicalId} does not follow from the template` };
  }
  return {
    ok: true,
    value: `arn:${context.partition}:${format.service}:${context.region}:${context.accountId}:${format.resource(name)}`,
  };
}

const bad = (value: unknown): Resolution => ({ ok: false, why: `unsupported intrinsic ${JSON.stringify(value)}` });
