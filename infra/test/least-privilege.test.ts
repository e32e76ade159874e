import {
  type CfnTemplate,
  type Statement,
  allStatements,
  asArray,
  cleanUpSynth,
  logicalId,
  only,
  requireBundle,
  synth,
} from './support';

/**
 * "No wildcard resources in any policy statement the stack writes", checked on the synthesized
 * template: every statement of every resource (IAM policies, queue and topic policies, and any
 * key policy a future change might add) is walked, and every Resource must be either a reference
 * to a resource of this stack or a literal/joined ARN without `*`.
 *
 * One form is allowed, explicitly: Fn::GetAtt <AWS::Logs::LogGroup>.Arn, which CloudFormation
 * resolves to `arn:...:log-group:<name>:*`, i.e. the log streams of that single log group, for
 * the two stream-level actions a function needs (CreateLogStream, PutLogEvents).
 */

type Problem = string;

const LOG_STREAM_ACTIONS = new Set(['logs:CreateLogStream', 'logs:PutLogEvents']);

function resourceProblems(template: CfnTemplate, statement: Statement): Problem[] {
  const problems: Problem[] = [];
  if (statement.NotResource !== undefined) problems.push('uses NotResource');
  if (statement.Resource === undefined) {
    // Trust policies (AssumeRolePolicyDocument) have no Resource; nothing else may omit it.
    if (!asArray(statement.Action).every((a) => a.startsWith('sts:AssumeRole'))) problems.push('has no Resource');
    return problems;
  }
  const check = (value: unknown): void => {
    if (typeof value === 'string') {
      if (value.includes('*')) problems.push(`resource ${JSON.stringify(value)} contains a wildcard`);
      return;
    }
    if (value === null || typeof value !== 'object') {
      problems.push(`resource ${JSON.stringify(value)} is not an ARN`);
      return;
    }
    const intrinsic = value as Record<string, unknown>;
    const [fn] = Object.keys(intrinsic);
    if (Object.keys(intrinsic).length !== 1 || fn === undefined) {
      problems.push(`resource ${JSON.stringify(value)} is not an ARN`);
    } else if (fn === 'Ref') {
      const id = intrinsic.Ref as string;
      if (template.Resources[id] === undefined && !id.startsWith('AWS::')) {
        problems.push(`resource Ref ${id} is not a resource of this stack`);
      }
    } else if (fn === 'Fn::GetAtt') {
      const [id, attribute] = intrinsic['Fn::GetAtt'] as [string, string];
      const target = template.Resources[id];
      if (target === undefined) {
        problems.push(`resource GetAtt ${id} is not a resource of this stack`);
      } else if (target.Type === 'AWS::Logs::LogGroup' && attribute === 'Arn') {
        const actions = asArray(statement.Action);
        if (!actions.every((a) => LOG_STREAM_ACTIONS.has(a))) {
          problems.push(
            `log group ARN (…:log-group:<name>:*) granted for ${actions.join(', ')}, not only for stream writes`,
          );
        }
      }
    } else if (fn === 'Fn::Join') {
      const [, parts] = intrinsic['Fn::Join'] as [string, unknown[]];
      parts.forEach((part) => {
        if (typeof part === 'string') {
          if (part.includes('*')) problems.push(`resource part ${JSON.stringify(part)} contains a wildcard`);
        } else if (!isPseudoParameter(part)) {
          check(part);
        }
      });
    } else if (fn === 'Fn::Sub') {
      const body = intrinsic['Fn::Sub'];
      const text = typeof body === 'string' ? body : (body as [string])[0];
      if (text.includes('*')) problems.push(`resource ${JSON.stringify(text)} contains a wildcard`);
    } else {
      problems.push(`resource uses ${fn}, which this check cannot verify`);
    }
  };
  asArray(statement.Resource).forEach(check);
  return problems;
}

function isPseudoParameter(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { Ref?: unknown }).Ref === 'string' &&
    (value as { Ref: string }).Ref.startsWith('AWS::')
  );
}

function isEveryone(principal: unknown): boolean {
  return principal === '*' || JSON.stringify(principal) === JSON.stringify({ AWS: '*' });
}

/** All problems of a template: wildcard resources anywhere, and over-broad Allow statements. */
function leastPrivilegeProblems(template: CfnTemplate): string[] {
  const problems: string[] = [];
  for (const { where, statement } of allStatements(template)) {
    for (const problem of resourceProblems(template, statement)) problems.push(`${where}: ${problem}`);
    if (statement.Effect === 'Allow') {
      if (statement.NotAction !== undefined) problems.push(`${where}: Allow with NotAction`);
      if (statement.NotPrincipal !== undefined) problems.push(`${where}: Allow with NotPrincipal`);
      for (const action of asArray(statement.Action)) {
        if (action.includes('*') && !action.startsWith('sts:'))
          problems.push(`${where}: Allow of wildcard action ${action}`);
      }
      if (isEveryone(statement.Principal)) problems.push(`${where}: Allow to every principal`);
    }
  }
  return problems;
}

const variants: Array<[string, Record<string, string>]> = [
  ['default', {}],
  [
    'every option set',
    {
      namePrefix: 'dev-',
      batchSize: '100',
      maxBatchingWindowSeconds: '5',
      reservedConcurrency: '20',
      sourceMaps: 'true',
      alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:ops-alarms',
    },
  ],
];

beforeAll(requireBundle);
afterAll(cleanUpSynth);

describe.each(variants)('least privilege (%s)', (_, context) => {
  let template: CfnTemplate;
  beforeAll(() => {
    template = synth(context).json;
  });

  it('walks a non-trivial number of policy statements', () => {
    // Guards the walker itself: trust policy, role policy, queue and topic policies.
    expect(allStatements(template).length).toBeGreaterThanOrEqual(7);
  });

  it('writes no wildcard resource, wildcard action, or Allow-to-everyone in any policy statement', () => {
    expect(leastPrivilegeProblems(template)).toEqual([]);
  });

  it('gives the function role no managed policies and no other inline policy', () => {
    const role = only(template, 'AWS::IAM::Role').props;
    expect(role.ManagedPolicyArns).toBeUndefined();
    expect(role.Policies).toBeUndefined();
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
    ]);
  });

  it('lets the function write its own logs, PutItem on the table, and consume OrderQueue: nothing else', () => {
    const { props: policy } = only(template, 'AWS::IAM::Policy');
    expect(policy.Roles).toEqual([{ Ref: only(template, 'AWS::IAM::Role').id }]);
    const grants = new Set<string>();
    for (const statement of policy.PolicyDocument.Statement as Statement[]) {
      expect(statement.Effect).toBe('Allow');
      expect(statement.Condition).toBeUndefined();
      for (const action of asArray(statement.Action)) {
        for (const resource of asArray(statement.Resource)) grants.add(`${action} ${JSON.stringify(resource)}`);
      }
    }
    const queueName = `${context.namePrefix ?? ''}OrderQueue`;
    const att = (id: string) => JSON.stringify({ 'Fn::GetAtt': [id, 'Arn'] });
    const logGroup = att(only(template, 'AWS::Logs::LogGroup').id);
    const table = att(only(template, 'AWS::DynamoDB::Table').id);
    const queue = att(logicalId(template, 'AWS::SQS::Queue', 'QueueName', queueName));
    expect([...grants].sort()).toEqual(
      [
        `dynamodb:PutItem ${table}`,
        `logs:CreateLogStream ${logGroup}`,
        `logs:PutLogEvents ${logGroup}`,
        `sqs:ChangeMessageVisibility ${queue}`,
        `sqs:DeleteMessage ${queue}`,
        `sqs:GetQueueAttributes ${queue}`,
        `sqs:GetQueueUrl ${queue}`,
        `sqs:ReceiveMessage ${queue}`,
      ].sort(),
    );
  });
});

describe('the least-privilege check itself', () => {
  const templateWith = (statement: Statement): CfnTemplate => ({
    Resources: {
      Table: { Type: 'AWS::DynamoDB::Table' },
      Logs: { Type: 'AWS::Logs::LogGroup' },
      Policy: { Type: 'AWS::IAM::Policy', Properties: { PolicyDocument: { Statement: [statement] } } },
    },
  });

  it.each<[string, Statement]>([
    ['Resource "*"', { Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: '*' }],
    [
      'a wildcard ARN',
      { Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: 'arn:aws:dynamodb:eu-west-1:123456789012:table/*' },
    ],
    [
      'a wildcard in a joined ARN',
      {
        Effect: 'Allow',
        Action: 'dynamodb:PutItem',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':dynamodb:*:*:table/Orders']] },
      },
    ],
    [
      'a wildcard in a list',
      { Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: [{ 'Fn::GetAtt': ['Table', 'Arn'] }, '*'] },
    ],
    [
      'the log group ARN for other actions',
      { Effect: 'Allow', Action: 'logs:*', Resource: { 'Fn::GetAtt': ['Logs', 'Arn'] } },
    ],
    ['a wildcard action', { Effect: 'Allow', Action: 'dynamodb:*', Resource: { 'Fn::GetAtt': ['Table', 'Arn'] } }],
    ['NotResource', { Effect: 'Allow', Action: 'dynamodb:PutItem', NotResource: { 'Fn::GetAtt': ['Table', 'Arn'] } }],
    [
      'an Allow to everyone',
      {
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: 'dynamodb:PutItem',
        Resource: { 'Fn::GetAtt': ['Table', 'Arn'] },
      },
    ],
    [
      'a reference outside the stack',
      { Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: { 'Fn::ImportValue': 'x' } },
    ],
  ])('catches %s', (_, statement) => {
    expect(leastPrivilegeProblems(templateWith(statement))).not.toEqual([]);
  });

  it('accepts a statement scoped to a resource of the stack', () => {
    const ok: Statement = { Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: { 'Fn::GetAtt': ['Table', 'Arn'] } };
    expect(leastPrivilegeProblems(templateWith(ok))).toEqual([]);
  });
});
