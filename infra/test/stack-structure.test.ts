import { App, Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { FEATURE_FLAGS } from '../src/feature-flags';
import { OrderProcessingStack } from '../src/order-processing-stack';
import { resolveStackSettings } from '../src/stack/settings';
import { cleanUpSynth, only, requireBundle, synth } from './support';

beforeAll(requireBundle);
afterAll(cleanUpSynth);

describe('logical ids', () => {
  // A resource whose logical id changes is replaced: CloudFormation creates a new one and deletes
  // (or, for the retained table and queues, orphans) the old one with its orders and messages.
  // Moving a resource into a construct of its own changes its id, so every id is pinned here: a
  // change must be deliberate, with a migration.
  it('keeps the logical id of every resource and output', () => {
    const { json } = synth();
    expect(Object.keys(json.Resources).sort()).toEqual([
      'Dashboard9E4231ED',
      'DeadLetterQueueMessagesVisibleD3C7847F',
      'FunctionErrors7EFC229D',
      'FunctionThrottles7956ED03',
      'OldestMessageAge9677BEE2',
      'OrderDLQ87642B43',
      'OrderDLQPolicy15689131',
      'OrderProcessor53D1FCB8',
      'OrderProcessorLogsEAC76C0E',
      'OrderProcessorRole2DAE1118',
      'OrderProcessorRoleDefaultPolicyE16E4F8F',
      'OrderProcessorSqsEventSourceOrderProcessingOrderQueue9BC80659CFFC709C',
      'OrderQueue39B99167',
      'OrderQueueOrderProcessingOrderTopicE200FA888225A673',
      'OrderQueuePolicyA27111FC',
      'OrderSubscriptionDLQ8C472DC4',
      'OrderSubscriptionDLQPolicy92A39366',
      'OrderTopic5B3ACBDB',
      'OrderTopicPolicy1B78F261',
      'OrdersA9B65338',
      'SubscriptionDeadLetterQueueMessagesVisible47562912',
      'SystemicFailuresCD5B4CB2',
      'TransientFailures276651EF',
    ]);
    expect(Object.keys(json.Outputs ?? {}).sort()).toEqual([
      'DeadLetterQueueArn',
      'DeadLetterQueueName',
      'DeadLetterQueueUrl',
      'FunctionArn',
      'FunctionName',
      'LogGroupName',
      'QueueArn',
      'QueueName',
      'QueueUrl',
      'SubscriptionDeadLetterQueueUrl',
      'TableArn',
      'TableName',
      'TopicArn',
      'TopicName',
    ]);
  });
});

describe('resolveStackSettings (the validated settings every resource is built from)', () => {
  it('applies the defaults and derives the visibility timeout, the survivable outage and the age threshold', () => {
    const settings = resolveStackSettings({});
    expect(settings.eventSource).toEqual({
      batchSize: 10,
      maxBatchingWindow: expect.any(Duration),
      maxConcurrency: 10,
    });
    expect(settings.queues.maxReceiveCount).toBe(3);
    // 6 x 30 s function timeout + 0 s batching window.
    expect(settings.queues.visibilityTimeout.toSeconds()).toBe(180);
    // Receives 1 and 2 retry after 60 s and 3600 s.
    expect(settings.retry.survivableOutageSeconds).toBe(3660);
    // The smaller of 3 x 180 + 60 s and half the survivable outage.
    expect(settings.alarms.oldestMessageAgeThreshold.toSeconds()).toBe(600);
    expect(settings.alarms.transientFailureThreshold).toBe(25);
    expect(settings.function).toMatchObject({ memorySize: 512, logLevel: 'INFO', sourceMaps: false });
    // Reserved concurrency = maxConcurrency (ADR 6): any throttle alarms at once; a message
    // throttled on every receive has its last one (3 - 1) x 180 s after its first.
    expect(settings.function.reservedConcurrency).toBe(10);
    expect(settings.alarms).toMatchObject({ throttleMinutes: 1, throttledLastReceiveSeconds: 360 });
  });

  it('derives from the props it is given', () => {
    const settings = resolveStackSettings({
      functionTimeout: Duration.seconds(60),
      maxBatchingWindow: Duration.seconds(5),
      batchSize: 50,
      maxReceiveCount: 5,
      retryPacing: { baseDelaySeconds: 10, backoffFactor: 2 },
    });
    expect(settings.queues.visibilityTimeout.toSeconds()).toBe(6 * 60 + 5);
    expect(settings.retry.pacing).toMatchObject({ baseDelaySeconds: 10, backoffFactor: 2 });
    expect(settings.retry.survivableOutageSeconds).toBe(10 + 20 + 40 + 80);
    expect(settings.alarms.oldestMessageAgeThreshold.toSeconds()).toBe(75);
  });

  it('keeps a survivable outage that is not a whole number of seconds (a fractional backoff factor)', () => {
    const retryPacing = { baseDelaySeconds: 61, backoffFactor: 1.5 };
    const settings = resolveStackSettings({ retryPacing });
    expect(settings.retry.survivableOutageSeconds).toBe(61 + 91.5);
    // Half of it, rounded down.
    expect(settings.alarms.oldestMessageAgeThreshold.toSeconds()).toBe(76);
    const app = new App({ postCliContext: FEATURE_FLAGS, analyticsReporting: false });
    const stack = new OrderProcessingStack(app, 'FractionalPacing', { retryPacing });
    expect(stack.survivableOutage.toSeconds({ integral: false })).toBe(152.5);
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'OrderProcessor-SystemicFailures',
      AlarmDescription: Match.stringLikeRegexp('after 152.5 s of this'),
    });
  });

  it('names the prop and the rule of the first one that is wrong', () => {
    expect(() => resolveStackSettings({ memorySize: 64, logLevel: 'TRACE' as 'INFO' })).toThrow(
      'memorySize must be an integer from 128 to 10240 (got 64).',
    );
    expect(() => resolveStackSettings({ transientFailureAlarmThreshold: 0 })).toThrow(
      'transientFailureAlarmThreshold must be an integer from 1 to 1000000 (got 0).',
    );
  });
});

describe('the function and its alarms', () => {
  it('says in the alarm descriptions how long the pacing survives an outage', () => {
    const { json } = synth({ retryBaseDelaySeconds: '30', retryBackoffFactor: '2', maxReceiveCount: '4' });
    const systemic = Object.values(json.Resources).find(
      (r) => r.Properties?.AlarmName === 'OrderProcessor-SystemicFailures',
    );
    expect(systemic?.Properties?.AlarmDescription).toContain(`after ${30 + 60 + 120} s of this`);
    expect(only(json, 'AWS::Lambda::Function').props.Environment.Variables.ORDERS_MAX_RECEIVE_COUNT).toBe('4');
  });
});
