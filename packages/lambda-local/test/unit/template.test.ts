import { loadSynthesizedStack, readFunctionDefinition, readSqsEventSource, TemplateError } from '@orders/lambda-local';
import { resolveValue } from '../../src/template/intrinsics';
import { fixtureAssembly, orderProcessingResources, type FixtureAssembly } from './support/fixture-assembly';

const deployment = { region: 'eu-west-1', accountId: '123456789012', partition: 'aws' };
const fixtures: FixtureAssembly[] = [];
const assembly = (...args: Parameters<typeof fixtureAssembly>): FixtureAssembly => {
  const created = fixtureAssembly(...args);
  fixtures.push(created);
  return created;
};
afterAll(() => {
  for (const fixture of fixtures) fixture.remove();
});

describe('reading the function from a synthesized stack', () => {
  it('reads handler, runtime, memory, timeout, architecture, log format, environment and the code asset', () => {
    const fixture = assembly(orderProcessingResources());
    const fn = readFunctionDefinition(loadSynthesizedStack({ cdkOut: fixture.directory }), { deployment });
    expect(fn).toEqual({
      logicalId: 'Fn',
      functionName: 'OrderProcessor',
      handler: 'index.handler',
      runtime: 'nodejs24.x',
      memorySizeMb: 512,
      timeoutSeconds: 30,
      architecture: 'arm64',
      environment: { ORDERS_TABLE_NAME: 'Orders', LOG_LEVEL: 'INFO' },
      logFormat: 'JSON',
      applicationLogLevel: 'INFO',
      logGroupName: '/aws/lambda/OrderProcessor',
      codeDirectory: fixture.assetDirectory,
    });
  });

  it("fills in CloudFormation's defaults for what the template leaves out", () => {
    const fixture = assembly(
      orderProcessingResources({
        MemorySize: undefined,
        Timeout: undefined,
        Architectures: undefined,
        LoggingConfig: undefined,
        Environment: undefined,
        FunctionName: undefined,
      }),
    );
    const fn = readFunctionDefinition(loadSynthesizedStack({ cdkOut: fixture.directory }), { deployment });
    expect(fn).toMatchObject({
      functionName: 'Fn',
      memorySizeMb: 128,
      timeoutSeconds: 3,
      architecture: 'x86_64',
      logFormat: 'Text',
      logGroupName: '/aws/lambda/Fn',
      environment: {},
    });
    expect(fn.applicationLogLevel).toBeUndefined();
  });

  it('lets overrides replace template values, and names a variable it cannot resolve', () => {
    const fixture = assembly(
      orderProcessingResources({
        Environment: { Variables: { QUEUE_URL: { Ref: 'Queue' }, ORDERS_TABLE_NAME: { Ref: 'Table' } } },
      }),
    );
    const stack = loadSynthesizedStack({ cdkOut: fixture.directory });
    expect(() => readFunctionDefinition(stack, { deployment })).toThrow(/QUEUE_URL \(Ref Queue/);
    const fn = readFunctionDefinition(stack, {
      deployment,
      environmentOverrides: { QUEUE_URL: 'http://localhost/q', ORDERS_TABLE_NAME: 'Other' },
    });
    expect(fn.environment).toEqual({ QUEUE_URL: 'http://localhost/q', ORDERS_TABLE_NAME: 'Other' });
  });

  it('refuses a template whose code asset is not in the assembly, and says to synthesize again', () => {
    const fixture = assembly(orderProcessingResources(), { objectKey: 'other.zip' });
    const stack = loadSynthesizedStack({ cdkOut: fixture.directory });
    expect(() => readFunctionDefinition(stack, { deployment })).toThrow(/pnpm synth/);
    try {
      readFunctionDefinition(stack, { deployment });
    } catch (error) {
      expect(error).toBeInstanceOf(TemplateError);
      expect((error as TemplateError).code).toBe('code_asset_missing');
    }
  });

  it('says to synthesize when there is no assembly, and which function to name when there are several', () => {
    expect(() => loadSynthesizedStack({ cdkOut: '/nonexistent/cdk.out' })).toThrow(
      new TemplateError(
        'cloud_assembly_missing',
        'no cloud assembly at /nonexistent/cdk.out: synthesize the stack first (pnpm synth)',
      ),
    );
    const resources = orderProcessingResources();
    const fixture = assembly({ ...resources, Other: { ...(resources['Fn'] as object) } });
    const stack = loadSynthesizedStack({ cdkOut: fixture.directory });
    expect(() => readFunctionDefinition(stack, { deployment })).toThrow(/2 functions/);
    expect(readFunctionDefinition(stack, { deployment, function: 'Other' }).logicalId).toBe('Other');
  });
});

describe('finding the stack in the assembly', () => {
  it('takes a file where the assembly should be for no assembly at all', () => {
    const fixture = assembly(orderProcessingResources());
    const file = `${fixture.directory}/Fixture.template.json`;
    expect(() => loadSynthesizedStack({ cdkOut: file })).toThrow(`no cloud assembly at ${file}`);
  });

  it('names the stacks there when the one asked for is not among them, instead of saying to synthesize', () => {
    const fixture = assembly(orderProcessingResources(), { stackName: 'OrderProcessing' });
    let error: unknown;
    try {
      loadSynthesizedStack({ cdkOut: fixture.directory, stackName: 'OrderProcesing' });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(TemplateError);
    expect(error).toMatchObject({
      code: 'stack_missing',
      message: `${fixture.directory} holds no stack named "OrderProcesing", only "OrderProcessing"`,
    });
  });
});

describe('reading the SQS event source mapping', () => {
  it('reads batch size, window, ReportBatchItemFailures, concurrency and the queue with its redrive policy', () => {
    const fixture = assembly(orderProcessingResources());
    const stack = loadSynthesizedStack({ cdkOut: fixture.directory });
    const source = readSqsEventSource(stack, readFunctionDefinition(stack, { deployment }));
    expect(source).toEqual({
      logicalId: 'Mapping',
      queue: {
        logicalId: 'Queue',
        queueName: 'OrderQueue',
        visibilityTimeoutSeconds: 180,
        maxReceiveCount: 3,
        deadLetterQueueName: 'OrderDLQ',
      },
      batchSize: 10,
      maximumBatchingWindowSeconds: 0,
      reportBatchItemFailures: true,
      maximumConcurrency: 10,
      enabled: true,
    });
  });

  it('uses Lambda defaults (batch 10, no window, no partial responses) and refuses a function without one', () => {
    const resources = orderProcessingResources();
    const mapping = resources['Mapping'] as { Properties: Record<string, unknown> };
    const bare = {
      ...resources,
      Mapping: {
        ...mapping,
        Properties: { FunctionName: 'OrderProcessor', EventSourceArn: mapping.Properties['EventSourceArn'] },
      },
    };
    const stack = loadSynthesizedStack({ cdkOut: assembly(bare).directory });
    expect(readSqsEventSource(stack, readFunctionDefinition(stack, { deployment }))).toMatchObject({
      batchSize: 10,
      maximumBatchingWindowSeconds: 0,
      reportBatchItemFailures: false,
    });
    const { Mapping: _dropped, ...withoutMapping } = resources;
    const lonely = loadSynthesizedStack({ cdkOut: assembly(withoutMapping).directory });
    expect(() => readSqsEventSource(lonely, readFunctionDefinition(lonely, { deployment }))).toThrow(
      /0 SQS event source mappings/,
    );
  });
});

describe('resolving intrinsic functions', () => {
  const template = { Resources: orderProcessingResources() as never };

  it.each([
    [{ Ref: 'Table' }, 'Orders'],
    [{ 'Fn::GetAtt': ['Queue', 'Arn'] }, 'arn:aws:sqs:eu-west-1:123456789012:OrderQueue'],
    [{ 'Fn::GetAtt': ['Table', 'Arn'] }, 'arn:aws:dynamodb:eu-west-1:123456789012:table/Orders'],
    [{ 'Fn::Join': ['-', ['a', { Ref: 'AWS::Region' }]] }, 'a-eu-west-1'],
    [
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax.
      { 'Fn::Sub': '${AWS::Partition}:${Table}:${Queue.Arn}' },
      'aws:Orders:arn:aws:sqs:eu-west-1:123456789012:OrderQueue',
    ],
    [42, '42'],
  ])('%j → %s', (value, expected) => {
    expect(resolveValue(value, template, deployment)).toEqual({ ok: true, value: expected });
  });

  it.each([
    [{ Ref: 'Queue' }],
    [{ Ref: 'Missing' }],
    [{ 'Fn::ImportValue': 'x' }],
    [{ 'Fn::GetAtt': ['Queue', 'Url'] }],
  ])('%j cannot be resolved from the template alone', (value) => {
    expect(resolveValue(value, template, deployment)).toMatchObject({ ok: false, why: expect.any(String) });
  });
});
