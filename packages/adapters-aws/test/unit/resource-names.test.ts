import { DEFAULT_RESOURCE_NAMES, resolveResourceNames, suffixedResourceNames } from '../../src';

describe('resource names', () => {
  it("default to the seed's, and the subscription's DLQ follows a renamed queue", () => {
    expect(resolveResourceNames()).toEqual(DEFAULT_RESOURCE_NAMES);
    expect(resolveResourceNames({ queueName: 'Q' }).subscriptionDlqName).toBe('Q-SubscriptionDLQ');
    expect(resolveResourceNames({ queueName: 'Q', subscriptionDlqName: 'S' }).subscriptionDlqName).toBe('S');
  });

  it('with a suffix, name every resource apart from any other run', () => {
    expect(suffixedResourceNames('soak-1')).toEqual({
      tableName: 'Orders-soak-1',
      topicName: 'OrderTopic-soak-1',
      queueName: 'OrderQueue-soak-1',
      dlqName: 'OrderDLQ-soak-1',
      subscriptionDlqName: 'OrderSubscriptionDLQ-soak-1',
    });
  });
});
