import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A cloud assembly as `cdk synth` writes it: template, assets manifest, one code asset directory. */
export interface FixtureAssembly {
  readonly directory: string;
  readonly assetDirectory: string;
  remove(): void;
}

export function fixtureAssembly(
  resources: Record<string, unknown>,
  options: { stackName?: string; objectKey?: string; code?: Record<string, string> } = {},
): FixtureAssembly {
  const directory = mkdtempSync(join(tmpdir(), 'lambda-local-fixture-'));
  const stackName = options.stackName ?? 'Fixture';
  const objectKey = options.objectKey ?? 'abc123.zip';
  const assetDirectory = join(directory, 'asset.abc123');
  mkdirSync(assetDirectory);
  for (const [file, text] of Object.entries(
    options.code ?? { 'index.mjs': 'export const handler = async () => null;' },
  ))
    writeFileSync(join(assetDirectory, file), text);
  writeFileSync(join(directory, `${stackName}.template.json`), JSON.stringify({ Resources: resources }));
  writeFileSync(
    join(directory, `${stackName}.assets.json`),
    JSON.stringify({
      version: '55.0.0',
      files: {
        abc123: {
          source: { path: 'asset.abc123', packaging: 'zip' },
          destinations: { current: { bucketName: 'b', objectKey } },
        },
      },
    }),
  );
  return { directory, assetDirectory, remove: () => rmSync(directory, { recursive: true, force: true }) };
}

/** The shape of the OrderProcessing stack's function, event source and queues. */
export function orderProcessingResources(functionOverrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    Table: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'Orders' } },
    Dlq: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'OrderDLQ' } },
    Queue: {
      Type: 'AWS::SQS::Queue',
      Properties: {
        QueueName: 'OrderQueue',
        VisibilityTimeout: 180,
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['Dlq', 'Arn'] }, maxReceiveCount: 3 },
      },
    },
    Logs: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/aws/lambda/OrderProcessor' } },
    Fn: {
      Type: 'AWS::Lambda::Function',
      Properties: {
        FunctionName: 'OrderProcessor',
        Handler: 'index.handler',
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        MemorySize: 512,
        Timeout: 30,
        // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax, not a template literal.
        Code: { S3Bucket: { 'Fn::Sub': 'cdk-assets-${AWS::AccountId}-${AWS::Region}' }, S3Key: 'abc123.zip' },
        Environment: { Variables: { ORDERS_TABLE_NAME: { Ref: 'Table' }, LOG_LEVEL: 'INFO' } },
        LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'INFO', LogGroup: { Ref: 'Logs' } },
        ...functionOverrides,
      },
    },
    Mapping: {
      Type: 'AWS::Lambda::EventSourceMapping',
      Properties: {
        FunctionName: { Ref: 'Fn' },
        EventSourceArn: { 'Fn::GetAtt': ['Queue', 'Arn'] },
        BatchSize: 10,
        MaximumBatchingWindowInSeconds: 0,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: 10 },
      },
    },
  };
}
