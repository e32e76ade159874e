import { CONSUMER_STOP_TIMEOUT_SECONDS, TASK_STOP_TIMEOUT } from '../src/consumer-service/consumer-task';
import { cleanUpAppSynth, resourcesOf, SERVICE_ON, type SynthesizedApp, synthApp } from './consumer-service-support';
import { alarmRunbookProblems, readRunbook, runbookLinkOf, subsections, templateAlarms } from './runbook-links';
import { allStatements, asArray, type CfnTemplate, requireBundle, type Statement } from './support';

// The optional consumer service (`orders consume` on ECS Fargate): off by default; on, a second
// stack that reaches the main stack's queue and table by name, with a role limited to what the
// consumer calls, scaling on the queue's depth and age, and alarms linked to the runbook.

let off: SynthesizedApp;
let on: SynthesizedApp;
let service: CfnTemplate;

beforeAll(() => {
  requireBundle();
  off = synthApp({});
  on = synthApp(SERVICE_ON);
  service = on.templates['OrderConsumerService']!;
});
afterAll(cleanUpAppSynth);

/** The template's one resource of `type`; fails when there are none or several. */
// biome-ignore lint/suspicious/noExplicitAny: test-only view of free-form template JSON.
function one(template: CfnTemplate, type: string): [string, Record<string, any>] {
  const found = resourcesOf(template, type);
  if (found.length !== 1) throw new Error(`Expected one ${type}, found ${found.length}`);
  return found[0]!;
}

/** `arn:${Partition}:<service>:${Region}:${AccountId}:<resource>`, as formatArn writes it. */
const arnOf = (service: string, resource: string) => ({
  'Fn::Join': [
    '',
    [
      'arn:',
      { Ref: 'AWS::Partition' },
      `:${service}:`,
      { Ref: 'AWS::Region' },
      ':',
      { Ref: 'AWS::AccountId' },
      `:${resource}`,
    ],
  ],
});

/** Every (action, resource) an identity policy of the template grants, as one string each. */
function grantsOf(template: CfnTemplate, policyId: string): string[] {
  const policy = template.Resources[policyId]!.Properties as { PolicyDocument: { Statement: Statement[] } };
  return policy.PolicyDocument.Statement.flatMap((statement) => {
    expect(statement.Effect).toBe('Allow');
    return asArray(statement.Action).flatMap((action) =>
      asArray(statement.Resource).map((resource) => `${action} ${JSON.stringify(resource)}`),
    );
  }).sort();
}

describe('off by default', () => {
  it('synthesizes the OrderProcessing stack alone, its function consuming OrderQueue', () => {
    expect(Object.keys(off.templates)).toEqual(['OrderProcessing']);
    expect(off.consumerService).toBeUndefined();
    const [, mapping] = one(off.templates['OrderProcessing']!, 'AWS::Lambda::EventSourceMapping');
    expect(mapping.Enabled).toBeUndefined();
  });
});

describe('with -c consumerService=fargate', () => {
  it('adds the OrderConsumerService stack after the main one, sharing no export, and builds no image', () => {
    expect(Object.keys(on.templates).sort()).toEqual(['OrderConsumerService', 'OrderProcessing']);
    expect(on.dependencies['OrderConsumerService']).toEqual(['OrderProcessing']);
    for (const template of Object.values(on.templates)) {
      const text = JSON.stringify(template);
      expect(text).not.toContain('Fn::ImportValue');
      expect(Object.values(template.Outputs ?? {}).some((o) => 'Export' in (o as object))).toBe(false);
    }
    expect(on.imageAssets).toBe(0);
  });

  it('leaves the function consuming beside the service, so a service stack that rolls back leaves OrderQueue consumed', () => {
    // `cdk deploy --all` deploys the main stack first: the same deploy must not stop the function.
    expect(on.templates['OrderProcessing']).toEqual(off.templates['OrderProcessing']);
    const [, mapping] = one(on.templates['OrderProcessing']!, 'AWS::Lambda::EventSourceMapping');
    expect(mapping.Enabled).toBeUndefined();
  });

  it('hands OrderQueue to the service with -c lambdaConsumer=off: the function’s mapping disabled, nothing else changed', () => {
    const handedOver = synthApp({ ...SERVICE_ON, lambdaConsumer: 'off' });
    const [, mapping] = one(handedOver.templates['OrderProcessing']!, 'AWS::Lambda::EventSourceMapping');
    expect(mapping.Enabled).toBe(false);
    // The rest of the main stack, and the service's stack, are as they are with the function on.
    const withoutMapping = (template: CfnTemplate) =>
      Object.fromEntries(
        Object.entries(template.Resources).filter(([, r]) => r.Type !== 'AWS::Lambda::EventSourceMapping'),
      );
    expect(withoutMapping(handedOver.templates['OrderProcessing']!)).toEqual(
      withoutMapping(off.templates['OrderProcessing']!),
    );
    expect(handedOver.templates['OrderConsumerService']).toEqual(service);
  });

  it('runs the image as `orders consume` on the main stack’s queue and table, with a stop timeout inside ECS’s', () => {
    const [, task] = one(service, 'AWS::ECS::TaskDefinition');
    expect(task).toMatchObject({
      Cpu: '512',
      Memory: '1024',
      RequiresCompatibilities: ['FARGATE'],
      Family: 'OrderConsumer',
    });
    const [container] = task.ContainerDefinitions;
    expect(container.Image['Fn::Join'][1]).toEqual([
      '123456789012.dkr.ecr.eu-west-1.',
      { Ref: 'AWS::URLSuffix' },
      '/orders-consumer:1.0.0',
    ]);
    expect(container.Command).toEqual([
      '--queue',
      'OrderQueue',
      '--table',
      'Orders',
      '--dlq',
      'OrderDLQ',
      '--stop-timeout',
      '25',
    ]);
    expect(container.StopTimeout).toBe(30);
    // The graceful stop (plus its 2 s hand-back bound, 1 s for the last spans and the exit) fits
    // in what ECS waits.
    expect(CONSUMER_STOP_TIMEOUT_SECONDS + 2 + 1).toBeLessThan(TASK_STOP_TIMEOUT.toSeconds());
    expect(container.ReadonlyRootFilesystem).toBe(true);
    expect(container.Environment).toEqual(
      expect.arrayContaining([
        { Name: 'AWS_REGION', Value: { Ref: 'AWS::Region' } },
        { Name: 'ORDERS_RETRY_BASE_DELAY_SECONDS', Value: '60' },
      ]),
    );
    expect(container.LogConfiguration.Options).toMatchObject({
      mode: 'non-blocking',
      'awslogs-stream-prefix': 'consumer',
    });
    const [logGroupId, logGroup] = one(service, 'AWS::Logs::LogGroup');
    expect(container.LogConfiguration.Options['awslogs-group']).toEqual({ Ref: logGroupId });
    expect(logGroup).toEqual({ LogGroupName: '/ecs/OrderConsumer', RetentionInDays: 30 });
  });

  it('runs the service in public subnets with no inbound rule and no NAT gateway, and rolls a failed deploy back', () => {
    const [, ecsService] = one(service, 'AWS::ECS::Service');
    expect(ecsService).toMatchObject({
      ServiceName: 'OrderConsumer',
      LaunchType: 'FARGATE',
      DeploymentConfiguration: {
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
        MinimumHealthyPercent: 100,
      },
      NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: 'ENABLED' } },
    });
    // The scaling policies own the count: a deploy must not reset it.
    expect(ecsService.DesiredCount).toBeUndefined();
    const [, group] = one(service, 'AWS::EC2::SecurityGroup');
    expect(group.SecurityGroupIngress).toBeUndefined();
    expect(resourcesOf(service, 'AWS::EC2::NatGateway')).toEqual([]);
  });

  describe('least privilege', () => {
    it('gives the task role only what orders consume calls, on OrderQueue and Orders, to ECS tasks of this account', () => {
      const [roleId, role] = resourcesOf(service, 'AWS::IAM::Role').find(([id]) => id.startsWith('TaskRole'))!;
      expect(role.ManagedPolicyArns).toBeUndefined();
      expect(role.Policies).toBeUndefined();
      expect(role.AssumeRolePolicyDocument.Statement).toEqual([
        expect.objectContaining({
          Principal: { Service: 'ecs-tasks.amazonaws.com' },
          Condition: expect.objectContaining({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }),
        }),
      ]);
      const [policyId] = resourcesOf(service, 'AWS::IAM::Policy').find(
        ([, p]) => JSON.stringify(p.Roles) === JSON.stringify([{ Ref: roleId }]),
      )!;
      const queue = JSON.stringify(arnOf('sqs', 'OrderQueue'));
      expect(grantsOf(service, policyId)).toEqual(
        [
          `dynamodb:PutItem ${JSON.stringify(arnOf('dynamodb', 'table/Orders'))}`,
          `sqs:ChangeMessageVisibility ${queue}`,
          `sqs:DeleteMessage ${queue}`,
          `sqs:GetQueueAttributes ${queue}`,
          `sqs:GetQueueUrl ${queue}`,
          `sqs:ReceiveMessage ${queue}`,
        ].sort(),
      );
    });

    it('gives the execution role the image’s repository and the log group only (ECR’s token call has no resource)', () => {
      const [roleId] = resourcesOf(service, 'AWS::IAM::Role').find(([id]) =>
        id.startsWith('TaskDefinitionExecutionRole'),
      )!;
      const [policyId] = resourcesOf(service, 'AWS::IAM::Policy').find(
        ([, p]) => JSON.stringify(p.Roles) === JSON.stringify([{ Ref: roleId }]),
      )!;
      const repository = JSON.stringify('arn:aws:ecr:eu-west-1:123456789012:repository/orders-consumer');
      const [logGroupId] = one(service, 'AWS::Logs::LogGroup');
      const logGroup = JSON.stringify({ 'Fn::GetAtt': [logGroupId, 'Arn'] });
      expect(grantsOf(service, policyId)).toEqual(
        [
          `ecr:BatchCheckLayerAvailability ${repository}`,
          `ecr:BatchGetImage ${repository}`,
          `ecr:GetDownloadUrlForLayer ${repository}`,
          'ecr:GetAuthorizationToken "*"',
          `logs:CreateLogStream ${logGroup}`,
          `logs:PutLogEvents ${logGroup}`,
        ].sort(),
      );
    });

    it('writes no other wildcard resource and no wildcard action anywhere in the template', () => {
      const wildcards = allStatements(service)
        .filter(({ statement }) => statement.Effect === 'Allow' && statement.Resource !== undefined)
        .filter(({ statement }) => asArray(statement.Resource).some((r) => typeof r === 'string' && r.includes('*')))
        .map(({ statement }) => asArray(statement.Action).join(','));
      expect(wildcards).toEqual(['ecr:GetAuthorizationToken']);
      const actions = allStatements(service).flatMap(({ statement }) => asArray(statement.Action));
      expect(actions.filter((a) => a.includes('*'))).toEqual([]);
    });

    it('grants nothing on an image from another registry (a public one: nothing to pull with)', () => {
      const publicImage = synthApp({ ...SERVICE_ON, consumerImage: 'registry.example.com/orders/consumer:1.0.0' });
      const statements = allStatements(publicImage.templates['OrderConsumerService']!).flatMap(({ statement }) =>
        asArray(statement.Action),
      );
      expect(statements.filter((a) => a.startsWith('ecr:'))).toEqual([]);
    });
  });

  describe('scaling', () => {
    /** The step policy whose logical id starts with `name`, with the alarm that triggers it. */
    function stepPolicy(template: CfnTemplate, name: string) {
      const [policyId, policy] = resourcesOf(template, 'AWS::ApplicationAutoScaling::ScalingPolicy').find(([id]) =>
        id.startsWith(`ServiceTaskCountTarget${name}`),
      )!;
      const [, alarm] = resourcesOf(template, 'AWS::CloudWatch::Alarm').find(
        ([, a]) => JSON.stringify(a.AlarmActions) === JSON.stringify([{ Ref: policyId }]),
      )!;
      return { steps: policy.StepScalingPolicyConfiguration, alarm };
    }

    it('keeps 1 to 10 tasks by default, and the bounds the context sets', () => {
      expect(one(service, 'AWS::ApplicationAutoScaling::ScalableTarget')[1]).toMatchObject({
        MinCapacity: 1,
        MaxCapacity: 10,
      });
      const sized = synthApp({ ...SERVICE_ON, consumerMinTasks: '2', consumerMaxTasks: '40' }).templates[
        'OrderConsumerService'
      ]!;
      expect(one(sized, 'AWS::ApplicationAutoScaling::ScalableTarget')[1]).toMatchObject({
        MinCapacity: 2,
        MaxCapacity: 40,
      });
    });

    it('adds 1 task from 100 messages waiting and 3 from 1,000', () => {
      const { steps, alarm } = stepPolicy(service, 'QueueDepthScaleOut');
      expect(alarm).toMatchObject({
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: 'OrderQueue' }],
        Statistic: 'Maximum',
        Period: 60,
        Threshold: 100,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
      expect(steps.StepAdjustments).toEqual([
        { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 900, ScalingAdjustment: 1 },
        { MetricIntervalLowerBound: 900, ScalingAdjustment: 3 },
      ]);
    });

    it('adds 1 task when the oldest message reaches a quarter of the age alarm’s threshold, 2 at half', () => {
      const { steps, alarm } = stepPolicy(service, 'OldestMessageAgeScaleOut');
      expect(alarm).toMatchObject({ MetricName: 'ApproximateAgeOfOldestMessage', Threshold: 150 });
      expect(steps.StepAdjustments).toEqual([
        { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 150, ScalingAdjustment: 1 },
        { MetricIntervalLowerBound: 150, ScalingAdjustment: 2 },
      ]);
      // Follows the main stack's threshold.
      const sooner = synthApp({ ...SERVICE_ON, oldestMessageAgeAlarmSeconds: '400' }).templates[
        'OrderConsumerService'
      ]!;
      expect(stepPolicy(sooner, 'OldestMessageAgeScaleOut').alarm.Threshold).toBe(100);
    });

    it('removes one task after 5 minutes with nothing visible and nothing in flight', () => {
      const { steps, alarm } = stepPolicy(service, 'IdleQueueScaleIn');
      expect(steps.StepAdjustments).toEqual([{ MetricIntervalUpperBound: 0, ScalingAdjustment: -1 }]);
      expect(alarm).toMatchObject({
        Threshold: 0,
        EvaluationPeriods: 5,
        DatapointsToAlarm: 5,
        ComparisonOperator: 'LessThanOrEqualToThreshold',
      });
      expect(alarm.Metrics[0].Expression).toBe('visible + inFlight');
      expect(
        alarm.Metrics.slice(1).map(
          (m: { MetricStat: { Metric: { MetricName: string } } }) => m.MetricStat.Metric.MetricName,
        ),
      ).toEqual(['ApproximateNumberOfMessagesVisible', 'ApproximateNumberOfMessagesNotVisible']);
    });

    it('tracks 70 % CPU, and starts a task from zero only when it may scale to zero', () => {
      const [, cpu] = resourcesOf(service, 'AWS::ApplicationAutoScaling::ScalingPolicy').find(
        ([, p]) => p.PolicyType === 'TargetTrackingScaling',
      )!;
      expect(cpu.TargetTrackingScalingPolicyConfiguration).toMatchObject({
        TargetValue: 70,
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
      });
      const policies = (t: CfnTemplate) =>
        resourcesOf(t, 'AWS::ApplicationAutoScaling::ScalingPolicy').map(([id]) => id);
      expect(policies(service).some((id) => id.includes('ScaleOutFromZero'))).toBe(false);
      const toZero = synthApp({ ...SERVICE_ON, consumerMinTasks: '0' }).templates['OrderConsumerService']!;
      const { steps, alarm } = stepPolicy(toZero, 'ScaleOutFromZero');
      expect(steps.StepAdjustments).toEqual([{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }]);
      expect(alarm.Threshold).toBe(1);
    });
  });

  describe('alarms', () => {
    /** The alarms a person is told about (not the ones that drive the scaling policies). */
    const operatorAlarms = (template: CfnTemplate) =>
      templateAlarms(template).filter((alarm) => {
        const actions = (template.Resources[alarm.logicalId]!.Properties?.AlarmActions ?? []) as unknown[];
        return !actions.some((action) => {
          const ref = (action as { Ref?: string }).Ref;
          return ref !== undefined && template.Resources[ref]?.Type === 'AWS::ApplicationAutoScaling::ScalingPolicy';
        });
      });

    it('has its own, named after the service, each linked to its section of the runbook', () => {
      const alarms = operatorAlarms(service);
      expect(alarms.map((a) => a.name).sort()).toEqual([
        'OrderConsumer-NoRunningTask',
        'OrderConsumer-SystemicFailures',
        'OrderConsumer-TransientFailures',
      ]);
      const runbook = readRunbook();
      const onlyOperatorAlarms: CfnTemplate = {
        Resources: Object.fromEntries(alarms.map((a) => [a.logicalId, service.Resources[a.logicalId]!])),
      };
      expect(alarmRunbookProblems(onlyOperatorAlarms, runbook, 'docs/runbook.md')).toEqual([]);
      expect(
        subsections(runbook, 'Consumer service (ECS)')
          .map((h) => h.anchor)
          .sort(),
      ).toEqual(alarms.map((a) => runbookLinkOf(a.description)?.anchor).sort());
    });

    it('fires NoRunningTask after 5 minutes of messages waiting with no task (no CPU sample)', () => {
      const [, alarm] = resourcesOf(service, 'AWS::CloudWatch::Alarm').find(
        ([, a]) => a.AlarmName === 'OrderConsumer-NoRunningTask',
      )!;
      expect(alarm).toMatchObject({
        EvaluationPeriods: 5,
        DatapointsToAlarm: 5,
        Threshold: 1,
        TreatMissingData: 'notBreaching',
      });
      expect(alarm.Metrics[0].Expression).toBe('IF(FILL(visible, 0) > 0 AND FILL(tasks, 0) == 0, 1, 0)');
      expect(alarm.Metrics[2].MetricStat).toMatchObject({
        Metric: { Namespace: 'AWS/ECS', MetricName: 'CPUUtilization' },
        Stat: 'SampleCount',
      });
    });

    it('counts the consumer’s failed records by class from its log lines, as the function’s alarms count them', () => {
      const filters = resourcesOf(service, 'AWS::Logs::MetricFilter').map(([, f]) => [
        f.FilterPattern,
        f.MetricTransformations[0].MetricName,
      ]);
      expect(filters.sort()).toEqual([
        ['{ $.failureClass = "systemic" }', 'OrderConsumer-systemic'],
        ['{ $.failureClass = "transient" }', 'OrderConsumer-transient'],
      ]);
      const [, transient] = resourcesOf(service, 'AWS::CloudWatch::Alarm').find(
        ([, a]) => a.AlarmName === 'OrderConsumer-TransientFailures',
      )!;
      expect(transient).toMatchObject({
        MetricName: 'OrderConsumer-transient',
        Period: 300,
        Statistic: 'Sum',
        Threshold: 25,
      });
    });

    it('notifies the alarm topic on firing and recovery when one is set', () => {
      const topic = 'arn:aws:sns:eu-west-1:123456789012:ops-alarms';
      const notified = synthApp({ ...SERVICE_ON, alarmTopicArn: topic }).templates['OrderConsumerService']!;
      for (const alarm of operatorAlarms(notified)) {
        expect(notified.Resources[alarm.logicalId]!.Properties).toMatchObject({
          AlarmActions: [topic],
          OKActions: [topic],
        });
      }
    });
  });

  it('follows the main stack’s prefix and suffix: its own names, that copy’s queue and table', () => {
    const copy = synthApp({ ...SERVICE_ON, namePrefix: 'dev-', nameSuffix: '-2' });
    expect(Object.keys(copy.templates).sort()).toEqual(['dev-OrderConsumerService-2', 'dev-OrderProcessing-2']);
    const template = copy.templates['dev-OrderConsumerService-2']!;
    const [, task] = one(template, 'AWS::ECS::TaskDefinition');
    expect(task.ContainerDefinitions[0].Command.slice(0, 6)).toEqual([
      '--queue',
      'dev-OrderQueue-2',
      '--table',
      'dev-Orders-2',
      '--dlq',
      'dev-OrderDLQ-2',
    ]);
    expect(one(template, 'AWS::ECS::Service')[1].ServiceName).toBe('dev-OrderConsumer-2');
    expect(JSON.stringify(template)).toContain(':dev-OrderQueue-2');
  });
});
