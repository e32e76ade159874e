import { App, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { FEATURE_FLAGS } from '../src/feature-flags';
import { OrderProcessingStack } from '../src/order-processing-stack';
import {
  type CfnTemplate,
  cleanUpSynth,
  logicalId,
  only,
  requireBundle,
  type StackResourceIds,
  type Synthesized,
  stackResourceIds,
  synth,
} from './support';

let synthesized: Synthesized;
let json: CfnTemplate;
let ids: StackResourceIds;

beforeAll(() => {
  requireBundle();
  synthesized = synth();
  json = synthesized.json;
  ids = stackResourceIds(json);
});
afterAll(cleanUpSynth);

const getAtt = (id: string, attribute = 'Arn') => ({ 'Fn::GetAtt': [id, attribute] });
const ref = (id: string) => ({ Ref: id });

describe('the stack as a whole', () => {
  it('has exactly the resources of the design, nothing else', () => {
    const counts: Record<string, number> = {};
    for (const resource of Object.values(json.Resources)) {
      counts[resource.Type] = (counts[resource.Type] ?? 0) + 1;
    }
    // No custom resources, no helper functions (e.g. a log-retention Lambda), no CDK metadata.
    expect(counts).toEqual({
      'AWS::DynamoDB::Table': 1,
      'AWS::SNS::Topic': 1,
      'AWS::SNS::TopicPolicy': 1,
      'AWS::SNS::Subscription': 1,
      'AWS::SQS::Queue': 3,
      'AWS::SQS::QueuePolicy': 3,
      'AWS::Logs::LogGroup': 1,
      'AWS::IAM::Role': 1,
      'AWS::IAM::Policy': 1,
      'AWS::Lambda::Function': 1,
      'AWS::Lambda::EventSourceMapping': 1,
      'AWS::CloudWatch::Alarm': 7,
      'AWS::CloudWatch::Dashboard': 1,
    });
  });

  it('has no CloudFormation parameters besides the CDK bootstrap version (deploy-time settings are synth-time props)', () => {
    expect(Object.keys(json.Parameters ?? {})).toEqual(['BootstrapVersion']);
  });

  it('is named OrderProcessing and is environment-agnostic', () => {
    expect(synthesized.stack.stackName).toBe('OrderProcessing');
    expect(Token.isUnresolved(synthesized.stack.account)).toBe(true);
    expect(Token.isUnresolved(synthesized.stack.region)).toBe(true);
  });

  it('outputs the names and ARNs', () => {
    expect(json.Outputs).toEqual({
      TableName: expect.objectContaining({ Value: ref(ids.table) }),
      TableArn: expect.objectContaining({ Value: getAtt(ids.table) }),
      TopicName: expect.objectContaining({ Value: getAtt(ids.topic, 'TopicName') }),
      TopicArn: expect.objectContaining({ Value: ref(ids.topic) }),
      QueueName: expect.objectContaining({ Value: getAtt(ids.queue, 'QueueName') }),
      QueueUrl: expect.objectContaining({ Value: ref(ids.queue) }),
      QueueArn: expect.objectContaining({ Value: getAtt(ids.queue) }),
      DeadLetterQueueName: expect.objectContaining({ Value: getAtt(ids.dlq, 'QueueName') }),
      DeadLetterQueueUrl: expect.objectContaining({ Value: ref(ids.dlq) }),
      DeadLetterQueueArn: expect.objectContaining({ Value: getAtt(ids.dlq) }),
      SubscriptionDeadLetterQueueUrl: expect.objectContaining({ Value: ref(ids.subscriptionDlq) }),
      FunctionName: expect.objectContaining({ Value: ref(ids.fn) }),
      FunctionArn: expect.objectContaining({ Value: getAtt(ids.fn) }),
      LogGroupName: expect.objectContaining({ Value: ref(ids.logGroup) }),
    });
  });
});

describe('Orders table', () => {
  it('is keyed by orderId (S), on demand, with point-in-time recovery and KMS encryption', () => {
    const { props } = only(json, 'AWS::DynamoDB::Table');
    expect(props).toEqual({
      TableName: 'Orders',
      KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'orderId', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      // SSEEnabled true without a key = the AWS managed key aws/dynamodb (SSE-KMS).
      SSESpecification: { SSEEnabled: true },
      DeletionProtectionEnabled: true,
    });
  });

  it('is retained when the stack is deleted or the resource replaced', () => {
    const { resource } = only(json, 'AWS::DynamoDB::Table');
    expect(resource.DeletionPolicy).toBe('Retain');
    expect(resource.UpdateReplacePolicy).toBe('Retain');
  });
});

describe('OrderTopic, OrderQueue, OrderDLQ', () => {
  it('encrypts the topic with SSE-KMS (AWS managed key alias/aws/sns by default)', () => {
    const { props } = only(json, 'AWS::SNS::Topic');
    expect(props.TopicName).toBe('OrderTopic');
    // The alias name (SNS creates the managed key on first use), not an alias ARN.
    expect(props.KmsMasterKeyId).toBe('alias/aws/sns');
  });

  it('takes a customer-managed topic key instead, for publishers the AWS managed key cannot admit', () => {
    const app = new App({ postCliContext: FEATURE_FLAGS, analyticsReporting: false });
    // The key is imported by ARN: it needs a stack to live in, but not in this app, whose synth
    // would otherwise warn about an empty stack.
    const keys = new Stack(new App({ analyticsReporting: false }), 'Keys');
    const keyArn = 'arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555';
    const stack = new OrderProcessingStack(app, 'WithKey', {
      topicEncryptionKey: kms.Key.fromKeyArn(keys, 'Key', keyArn),
    });
    Template.fromStack(stack).hasResourceProperties('AWS::SNS::Topic', {
      TopicName: 'OrderTopic',
      KmsMasterKeyId: keyArn,
    });
  });

  it('encrypts both queues with SSE-SQS (no KMS key SNS would need access to)', () => {
    for (const id of [ids.queue, ids.dlq]) {
      const props = json.Resources[id]!.Properties!;
      expect(props.SqsManagedSseEnabled).toBe(true);
      expect(props.KmsMasterKeyId).toBeUndefined();
    }
  });

  it('keeps dead letters 14 days and redrives after 3 receives', () => {
    expect(json.Resources[ids.dlq]!.Properties!.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    expect(json.Resources[ids.queue]!.Properties!.RedrivePolicy).toEqual({
      deadLetterTargetArn: getAtt(ids.dlq),
      maxReceiveCount: 3,
    });
  });

  it('keeps OrderQueue messages 4 days, less than the DLQ (moved messages keep their enqueue time)', () => {
    const queueRetention = json.Resources[ids.queue]!.Properties!.MessageRetentionPeriod as number;
    expect(queueRetention).toBe(4 * 24 * 3600);
    expect(json.Resources[ids.dlq]!.Properties!.MessageRetentionPeriod).toBeGreaterThan(queueRetention);
  });

  it('lets only OrderQueue use OrderDLQ as its dead-letter queue', () => {
    expect(json.Resources[ids.dlq]!.Properties!.RedriveAllowPolicy).toEqual({
      redrivePermission: 'byQueue',
      sourceQueueArns: [
        {
          'Fn::Join': [
            '',
            ['arn:', ref('AWS::Partition'), ':sqs:', ref('AWS::Region'), ':', ref('AWS::AccountId'), ':OrderQueue'],
          ],
        },
      ],
    });
  });

  it('takes maxReceiveCount as a parameter', () => {
    const { json: other } = synth({ maxReceiveCount: '5' });
    const queue = other.Resources[logicalId(other, 'AWS::SQS::Queue', 'QueueName', 'OrderQueue')]!;
    expect(queue.Properties!.RedrivePolicy).toMatchObject({ maxReceiveCount: 5 });
  });

  it('subscribes OrderQueue to OrderTopic with raw message delivery off', () => {
    const { props, resource } = only(json, 'AWS::SNS::Subscription');
    expect(props).toEqual({
      Protocol: 'sqs',
      TopicArn: ref(ids.topic),
      Endpoint: getAtt(ids.queue),
      RawMessageDelivery: false,
      // What SNS cannot deliver (a broken queue policy or key) goes here instead of being dropped.
      RedrivePolicy: { deadLetterTargetArn: getAtt(ids.subscriptionDlq) },
    });
    // The queue policy must exist before SNS delivers (CloudFormation ordering).
    expect(resource.DependsOn).toEqual([expect.stringMatching(/^OrderQueuePolicy/)]);
  });

  it('admits only OrderTopic to OrderQueue (aws:SourceArn), and nothing into OrderDLQ', () => {
    const policies = Object.values(json.Resources).filter((r) => r.Type === 'AWS::SQS::QueuePolicy');
    const forQueue = (id: string) =>
      policies.find((p) => JSON.stringify(p.Properties!.Queues) === JSON.stringify([ref(id)]))!;

    const allows = (id: string) =>
      (forQueue(id).Properties!.PolicyDocument as { Statement: Array<Record<string, unknown>> }).Statement.filter(
        (s) => s.Effect === 'Allow',
      );
    expect(allows(ids.queue)).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: getAtt(ids.queue),
        Condition: { ArnEquals: { 'aws:SourceArn': ref(ids.topic) } },
      },
    ]);
    expect(allows(ids.dlq)).toEqual([]);
    expect(allows(ids.subscriptionDlq)).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: getAtt(ids.subscriptionDlq),
        Condition: { ArnEquals: { 'aws:SourceArn': ref(ids.topic) } },
      },
    ]);
  });

  it('retains OrderQueue and both dead-letter queues when the stack is deleted, like the table', () => {
    for (const id of [ids.queue, ids.dlq, ids.subscriptionDlq]) {
      expect(json.Resources[id]).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    }
    expect(json.Resources[ids.subscriptionDlq]!.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1_209_600,
    });
  });

  it('denies any non-TLS request to the topic and the queues', () => {
    const denyInsecure = (resource: unknown) =>
      Match.objectLike({
        PolicyDocument: Match.objectLike({
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              Resource: resource,
            }),
          ]),
        }),
      });
    synthesized.template.hasResourceProperties('AWS::SNS::TopicPolicy', denyInsecure(ref(ids.topic)));
    synthesized.template.hasResourceProperties('AWS::SQS::QueuePolicy', denyInsecure(getAtt(ids.queue)));
    synthesized.template.hasResourceProperties('AWS::SQS::QueuePolicy', denyInsecure(getAtt(ids.dlq)));
  });

  it('gives the topic no Allow statement (publishers are granted sns:Publish in their own IAM policies)', () => {
    const { props } = only(json, 'AWS::SNS::TopicPolicy');
    const statements = (props.PolicyDocument as { Statement: Array<{ Effect: string }> }).Statement;
    expect(statements.filter((s) => s.Effect !== 'Deny')).toEqual([]);
  });
});

describe('OrderProcessor function', () => {
  it('runs the bundle on nodejs24.x, arm64, handler index.handler', () => {
    const { props } = only(json, 'AWS::Lambda::Function');
    expect(props).toMatchObject({
      FunctionName: 'OrderProcessor',
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 512,
      Timeout: 30,
      Role: getAtt(only(json, 'AWS::IAM::Role').id),
    });
    expect(props.Code).toEqual({
      S3Bucket: expect.anything(),
      S3Key: expect.stringMatching(/^[0-9a-f]{64}\.zip$/),
    });
  });

  it('logs JSON into its own log group with a retention', () => {
    expect(only(json, 'AWS::Lambda::Function').props.LoggingConfig).toEqual({
      LogFormat: 'JSON',
      LogGroup: ref(ids.logGroup),
      ApplicationLogLevel: 'INFO',
      SystemLogLevel: 'INFO',
    });
    expect(only(json, 'AWS::Logs::LogGroup').props).toEqual({
      LogGroupName: '/aws/lambda/OrderProcessor',
      RetentionInDays: 30,
    });
  });

  it('gets the table name, log level and Powertools settings; no NODE_OPTIONS by default', () => {
    expect(only(json, 'AWS::Lambda::Function').props.Environment).toEqual({
      Variables: {
        ORDERS_TABLE_NAME: ref(ids.table),
        LOG_LEVEL: 'INFO',
        POWERTOOLS_SERVICE_NAME: 'OrderProcessor',
        POWERTOOLS_METRICS_NAMESPACE: 'OrderProcessing',
        ORDERS_MAX_RECEIVE_COUNT: '3',
        ORDERS_RETRY_BASE_DELAY_SECONDS: '60',
        ORDERS_RETRY_BACKOFF_FACTOR: '60',
        ORDERS_RETRY_MAX_DELAY_SECONDS: '42000',
        ORDERS_RETRY_JITTER: '0.2',
      },
    });
  });

  it('takes the retry pacing from context, and the function gets exactly what was set', () => {
    const { json: other, stack } = synth({
      retryBaseDelaySeconds: '30',
      retryBackoffFactor: '100',
      retryJitterPercent: '10',
      maxReceiveCount: '4',
    });
    expect(only(other, 'AWS::Lambda::Function').props.Environment.Variables).toMatchObject({
      ORDERS_MAX_RECEIVE_COUNT: '4',
      ORDERS_RETRY_BASE_DELAY_SECONDS: '30',
      ORDERS_RETRY_BACKOFF_FACTOR: '100',
      ORDERS_RETRY_JITTER: '0.1',
    });
    // Receives 1, 2, 3 retry after 30 s, 3000 s and the 42000 s cap.
    expect(stack.survivableOutage.toSeconds()).toBe(30 + 3000 + 42_000);
  });

  it('reserves exactly what the event source polls for by default, follows maxConcurrency, and can reserve more', () => {
    expect(only(json, 'AWS::Lambda::Function').props.ReservedConcurrentExecutions).toBe(10);
    const follows = synth({ maxConcurrency: '40' }).json;
    expect(only(follows, 'AWS::Lambda::Function').props.ReservedConcurrentExecutions).toBe(40);
    const more = synth({ reservedConcurrency: '20', maxConcurrency: '10' }).json;
    expect(only(more, 'AWS::Lambda::Function').props.ReservedConcurrentExecutions).toBe(20);
  });

  it('takes log level, memory, timeout and log retention as parameters', () => {
    const { json: other } = synth({
      logLevel: 'DEBUG',
      memorySize: '1024',
      functionTimeoutSeconds: '45',
      logRetentionDays: '7',
    });
    const fn = only(other, 'AWS::Lambda::Function').props;
    expect(fn).toMatchObject({ MemorySize: 1024, Timeout: 45 });
    expect(fn.LoggingConfig.ApplicationLogLevel).toBe('DEBUG');
    expect(fn.Environment.Variables.LOG_LEVEL).toBe('DEBUG');
    expect(only(other, 'AWS::Logs::LogGroup').props.RetentionInDays).toBe(7);
  });
});

describe('SQS event source', () => {
  it('consumes OrderQueue with partial batch responses, batch 10, no batching window, at most 10 concurrent', () => {
    const { props } = only(json, 'AWS::Lambda::EventSourceMapping');
    expect(props).toEqual({
      EventSourceArn: getAtt(ids.queue),
      FunctionName: ref(ids.fn),
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 0,
      ScalingConfig: { MaximumConcurrency: 10 },
    });
  });

  it('takes batch size, batching window and maximum concurrency as parameters', () => {
    const { json: other } = synth({ batchSize: '100', maxBatchingWindowSeconds: '5', maxConcurrency: '3' });
    expect(only(other, 'AWS::Lambda::EventSourceMapping').props).toMatchObject({
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 5,
      ScalingConfig: { MaximumConcurrency: 3 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });
});

describe('visibility timeout of OrderQueue', () => {
  // Read every number from the synthesized template itself, not from the code that wrote it.
  const check = (template: CfnTemplate) => {
    const fn = only(template, 'AWS::Lambda::Function').props;
    const esm = only(template, 'AWS::Lambda::EventSourceMapping').props;
    const queue =
      template.Resources[(esm.EventSourceArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0]]!.Properties!;
    const minimum = 6 * (fn.Timeout as number) + ((esm.MaximumBatchingWindowInSeconds as number | undefined) ?? 0);
    expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(minimum);
    return { visibility: queue.VisibilityTimeout, minimum };
  };

  it('is 6 x the function timeout + the batching window (180 s by default)', () => {
    expect(check(json)).toEqual({ visibility: 180, minimum: 180 });
  });

  it.each([
    [{ functionTimeoutSeconds: '60', maxBatchingWindowSeconds: '20' }, 380],
    [{ functionTimeoutSeconds: '1', maxBatchingWindowSeconds: '0' }, 6],
    [{ functionTimeoutSeconds: '900', maxBatchingWindowSeconds: '300', batchSize: '10000' }, 5700],
  ])('follows the parameters %j', (context, expected) => {
    expect(check(synth(context).json)).toEqual({ visibility: expected, minimum: expected });
  });
});

describe('alarms', () => {
  const alarm = (template: CfnTemplate, metricName: string) =>
    Object.values(template.Resources).find(
      (r) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties!.MetricName === metricName,
    )!.Properties!;

  it('fires when any message is visible in OrderDLQ', () => {
    expect(alarm(json, 'ApproximateNumberOfMessagesVisible')).toMatchObject({
      AlarmName: 'OrderDLQ-MessagesVisible',
      Namespace: 'AWS/SQS',
      Dimensions: [{ Name: 'QueueName', Value: getAtt(ids.dlq, 'QueueName') }],
      Statistic: 'Maximum',
      Period: 60,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      TreatMissingData: 'notBreaching',
    });
  });

  it('fires when the oldest message in OrderQueue is older than a poison message can get before the DLQ', () => {
    const props = alarm(json, 'ApproximateAgeOfOldestMessage');
    const visibility = json.Resources[ids.queue]!.Properties!.VisibilityTimeout as number;
    expect(props).toMatchObject({
      AlarmName: 'OrderQueue-OldestMessageAge',
      Namespace: 'AWS/SQS',
      Dimensions: [{ Name: 'QueueName', Value: getAtt(ids.queue, 'QueueName') }],
      Statistic: 'Maximum',
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 3 * visibility + 60,
      TreatMissingData: 'notBreaching',
    });
    expect(props.Threshold).toBe(600);
  });

  it('fires on the first systemic failure and on sustained transient ones, long before the DLQ', () => {
    const byName = (name: string) =>
      Object.values(json.Resources).find((r) => r.Properties?.AlarmName === name)!.Properties!;
    expect(byName('OrderProcessor-SystemicFailures')).toMatchObject({
      Namespace: 'OrderProcessing',
      MetricName: 'systemic',
      Dimensions: [{ Name: 'service', Value: 'OrderProcessor' }],
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(byName('OrderProcessor-TransientFailures')).toMatchObject({
      MetricName: 'transient',
      Period: 300,
      Threshold: 25,
    });
    // A valid message needs at least 61 min of failed receives to reach the DLQ; these fire in minutes.
    expect(synthesized.stack.survivableOutage.toSeconds()).toBe(3660);
    expect(byName('OrderSubscriptionDLQ-MessagesVisible')).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: getAtt(ids.subscriptionDlq, 'QueueName') }],
      Threshold: 0,
    });
  });

  it('refuses an age threshold the retry pacing would let a valid message outlive into the DLQ', () => {
    expect(() => synth({ oldestMessageAgeAlarmSeconds: '3660' })).toThrow(
      /oldestMessageAgeAlarmThreshold \(3660 s\) must be shorter than the 3660 s outage the retry pacing survives/,
    );
    // With short pacing the default threshold shrinks with it instead (half the survivable outage).
    const { stack } = synth({ retryBaseDelaySeconds: '60', retryBackoffFactor: '2' });
    expect(stack.survivableOutage.toSeconds()).toBe(180);
    expect(stack.oldestMessageAgeAlarmThreshold.toSeconds()).toBe(90);
  });

  it('takes the age threshold as a parameter', () => {
    expect(alarm(synth({ oldestMessageAgeAlarmSeconds: '900' }).json, 'ApproximateAgeOfOldestMessage').Threshold).toBe(
      900,
    );
  });

  it.each([
    ['Errors', 'OrderProcessor-Errors'],
    ['Throttles', 'OrderProcessor-Throttles'],
  ])('fires on any function %s', (metricName, alarmName) => {
    expect(alarm(json, metricName)).toMatchObject({
      AlarmName: alarmName,
      Namespace: 'AWS/Lambda',
      Dimensions: [{ Name: 'FunctionName', Value: ref(ids.fn) }],
      Statistic: 'Sum',
      Period: 60,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      TreatMissingData: 'notBreaching',
    });
  });

  it('notifies nobody by default, and an alarm topic on alarm and recovery when given', () => {
    for (const r of Object.values(json.Resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm')) {
      expect(r.Properties!.AlarmActions).toBeUndefined();
    }
    const arn = 'arn:aws:sns:eu-west-1:123456789012:ops-alarms';
    const { json: other } = synth({ alarmTopicArn: arn });
    const alarms = Object.values(other.Resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
    expect(alarms).toHaveLength(7);
    for (const r of alarms) {
      expect(r.Properties).toMatchObject({ AlarmActions: [arn], OKActions: [arn] });
    }
  });
});

describe('names', () => {
  it('take a prefix and a suffix, so that a second copy can live in the same account', () => {
    const { json: other, stack } = synth({ namePrefix: 'dev-', nameSuffix: '-b' });
    expect(stack.stackName).toBe('dev-OrderProcessing-b');
    expect(only(other, 'AWS::DynamoDB::Table').props.TableName).toBe('dev-Orders-b');
    expect(only(other, 'AWS::SNS::Topic').props.TopicName).toBe('dev-OrderTopic-b');
    const queues = Object.values(other.Resources).filter((r) => r.Type === 'AWS::SQS::Queue');
    expect(queues.map((q) => q.Properties!.QueueName).sort()).toEqual([
      'dev-OrderDLQ-b',
      'dev-OrderQueue-b',
      'dev-OrderSubscriptionDLQ-b',
    ]);
    expect(only(other, 'AWS::Lambda::Function').props.FunctionName).toBe('dev-OrderProcessor-b');
    expect(only(other, 'AWS::Logs::LogGroup').props.LogGroupName).toBe('/aws/lambda/dev-OrderProcessor-b');
    const alarmNames = Object.values(other.Resources)
      .filter((r) => r.Type === 'AWS::CloudWatch::Alarm')
      .map((r) => r.Properties!.AlarmName);
    expect(alarmNames.sort()).toEqual([
      'dev-OrderDLQ-b-MessagesVisible',
      'dev-OrderProcessor-b-Errors',
      'dev-OrderProcessor-b-SystemicFailures',
      'dev-OrderProcessor-b-Throttles',
      'dev-OrderProcessor-b-TransientFailures',
      'dev-OrderQueue-b-OldestMessageAge',
      'dev-OrderSubscriptionDLQ-b-MessagesVisible',
    ]);
    const dlq = queues.find((q) => q.Properties!.QueueName === 'dev-OrderDLQ-b')!;
    expect(JSON.stringify(dlq.Properties!.RedriveAllowPolicy)).toContain(':dev-OrderQueue-b"');
  });
});

describe('synth-time validation', () => {
  it.each([
    [{ batchSize: '20' }, /batchSize 20 > 10 requires a maxBatchingWindow of at least 1 second/],
    [{ batchSize: '0' }, /batchSize must be an integer from 1 to 10000/],
    [{ maxBatchingWindowSeconds: '301' }, /maxBatchingWindow must be a whole number of seconds from 0 to 300/],
    [{ maxConcurrency: '1' }, /maxConcurrency must be an integer from 2 to 1000/],
    [{ maxReceiveCount: '0' }, /maxReceiveCount must be an integer from 1 to 1000/],
    [{ retryBackoffFactor: '0' }, /retryPacing is invalid: backoffFactor must be a number from 1 to 1000/],
    [
      { retryMaxDelaySeconds: '43000', functionTimeoutSeconds: '300' },
      /maxDelaySeconds \+ functionTimeout \+ maxBatchingWindow must stay within SQS's 43200 s/,
    ],
    [{ functionTimeoutSeconds: '901' }, /functionTimeout must be a whole number of seconds from 1 to 900/],
    [{ memorySize: '64' }, /memorySize must be an integer from 128 to 10240/],
    [{ reservedConcurrency: '5' }, /reservedConcurrency \(5\) must be at least maxConcurrency \(10\)/],
    [{ reservedConcurrency: 'lots' }, /Context 'reservedConcurrency' must be an integer or 'none'/],
    [{ maxConcurrency: '901' }, /reservedConcurrency \(901\) must be at most 900/],
    [{ queueRetentionSeconds: String(14 * 86400) }, /deadLetterQueueRetention .* must be longer than queueRetention/],
    [
      { oldestMessageAgeAlarmSeconds: '30' },
      /oldestMessageAgeAlarmThreshold must be a whole number of seconds from 60/,
    ],
    [{ logLevel: 'TRACE' }, /logLevel' must be one of DEBUG, INFO, WARN, ERROR/],
    [{ logRetentionDays: '31' }, /logRetentionDays' must be one of CloudWatch's values/],
    [{ batchSize: 'ten' }, /Context 'batchSize' must be an integer/],
    [{ sourceMaps: 'yes' }, /Context 'sourceMaps' must be true or false/],
    [{ alarmTopicArn: 'ops-alarms' }, /Context 'alarmTopicArn' is not an SNS topic ARN/],
    [{ namePrefix: 'dev_' }, /Name prefix 'dev_' is invalid/],
    [{ namePrefix: '1dev-' }, /must start with a letter/],
    [{ nameSuffix: `-${'x'.repeat(60)}` }, /is longer than 64 characters/],
  ])('rejects %j', (context, message) => {
    expect(() => synth(context)).toThrow(message);
  });
});

describe('throttle-safe concurrency (ADR 6)', () => {
  const fnOf = (template: CfnTemplate) => only(template, 'AWS::Lambda::Function').props;
  const throttlesAlarm = (template: CfnTemplate) =>
    Object.values(template.Resources).find(
      (r) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties!.MetricName === 'Throttles',
    )!.Properties!;
  // Read from the template: what a throttled message has, and when the alarm fires.
  const timeline = (template: CfnTemplate) => {
    const queue = Object.values(template.Resources).find(
      (r) => r.Type === 'AWS::SQS::Queue' && r.Properties!.RedrivePolicy !== undefined,
    )!.Properties!;
    const visibility = queue.VisibilityTimeout as number;
    const receives = (queue.RedrivePolicy as { maxReceiveCount: number }).maxReceiveCount;
    const alarm = throttlesAlarm(template);
    return {
      lastReceiveSeconds: (receives - 1) * visibility,
      alarmSeconds: (alarm.EvaluationPeriods as number) * (alarm.Period as number),
    };
  };

  it('by default reserves MaximumConcurrency, so neither other functions nor the mapping can throttle it, and alarms on any throttle', () => {
    const esm = only(json, 'AWS::Lambda::EventSourceMapping').props;
    expect(fnOf(json).ReservedConcurrentExecutions).toBe(esm.ScalingConfig.MaximumConcurrency);
    expect(throttlesAlarm(json)).toMatchObject({ EvaluationPeriods: 1, Threshold: 1 });
    expect(throttlesAlarm(json).DatapointsToAlarm).toBeUndefined();
    expect(throttlesAlarm(json).AlarmDescription).toMatch(
      /reserved concurrency \(10\) covers the event source's MaximumConcurrency \(10\)/,
    );
    Annotations.fromStack(synthesized.stack).hasNoWarning('*', Match.anyValue());
  });

  it('refuses a reservation below maxConcurrency, saying which and why', () => {
    expect(() => synth({ reservedConcurrency: '8', maxConcurrency: '10' })).toThrow(
      'reservedConcurrency (8) must be at least maxConcurrency (10), because the event source polls for up to 10 batches at once, ' +
        'Lambda throttles every invocation above 8, and each throttled batch comes back after the 180 s visibility timeout with a receive spent, ' +
        'so valid orders reach OrderDLQ after 3 throttled receives',
    );
  });

  it("refuses a reservation beyond what Lambda leaves reservable (100 stay unreserved), unless the account's quota is given", () => {
    expect(() => synth({ maxConcurrency: '1000' })).toThrow(
      /reservedConcurrency \(1000\) must be at most 900, because Lambda keeps 100 of the account's 1000 concurrent executions unreserved/,
    );
    const raised = synth({ maxConcurrency: '1000', accountConcurrency: '2000' }).json;
    expect(fnOf(raised).ReservedConcurrentExecutions).toBe(1000);
  });

  it('opts out with reservedConcurrency=none: no reservation, a warning naming the risk, and a Throttles alarm that fires before a throttled message reaches its last receive', () => {
    const { json: optedOut, stack } = synth({ reservedConcurrency: 'none' });
    expect(fnOf(optedOut).ReservedConcurrentExecutions).toBeUndefined();
    Annotations.fromStack(stack).hasWarning(
      '/OrderProcessing/OrderProcessor',
      Match.stringLikeRegexp(
        "reservedConcurrency is none: OrderProcessor shares the account's unreserved concurrency.*valid orders reach OrderDLQ after about 540 s of throttling",
      ),
    );
    // (3 - 1) receives x 180 s = 360 s from a throttled message's first receive to its last; the
    // alarm needs 2 consecutive throttled minutes: 120 s < 360 s, 4 minutes left to act.
    expect(throttlesAlarm(optedOut)).toMatchObject({
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      Period: 60,
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    expect(timeline(optedOut)).toEqual({ lastReceiveSeconds: 360, alarmSeconds: 120 });
    expect(throttlesAlarm(optedOut).AlarmDescription).toMatch(/no reserved concurrency \(reservedConcurrency none\)/);
  });

  it.each([
    [{ functionTimeoutSeconds: '6' }],
    [{ maxReceiveCount: '5' }],
    [{ functionTimeoutSeconds: '900', maxReceiveCount: '10' }],
  ])('keeps the opted-out Throttles alarm before the last receive for %j', (context) => {
    const { lastReceiveSeconds, alarmSeconds } = timeline(synth({ ...context, reservedConcurrency: 'none' }).json);
    expect(alarmSeconds).toBeGreaterThanOrEqual(60);
    expect(alarmSeconds).toBeLessThan(lastReceiveSeconds);
  });

  it('refuses to opt out where no alarm could fire before a throttled message is past its last receive', () => {
    expect(() => synth({ reservedConcurrency: 'none', maxReceiveCount: '1' })).toThrow(
      /reservedConcurrency none needs \(maxReceiveCount - 1\) x visibility timeout above 60 s \(got \(1 - 1\) x 180 s = 0 s\)/,
    );
  });
});
