import { serializeOrder, wrapInSnsNotification } from '@orders/core';
import { sampleOrder } from '@orders/testkit';
import { reachesRealAws } from '../../src/soak/aws/aws-endpoint';
import { MessageIdentities, unwrapSnsEnvelope } from '../../src/soak/aws/message-identities';
import type { PlannedMessage, ValidPlanned } from '../../src/soak/soak-workload';

const TOPIC = 'arn:aws:sns:us-east-1:000000000000:OrderTopic';
const envelope = (body: string, snsId: string): string =>
  JSON.stringify(
    wrapInSnsNotification(body, { messageId: snsId, topicArn: TOPIC, timestamp: '2025-05-03T12:00:00.000Z' }),
  );

const first: ValidPlanned = { kind: 'valid', order: sampleOrder({ orderId: 'A' }) };
const second: ValidPlanned = {
  kind: 'valid',
  order: sampleOrder({ orderId: 'A', status: 'paid', timestamp: '2025-05-03T13:00:00Z' }),
};
const copy: ValidPlanned = { kind: 'valid', order: first.order, duplicate: { kind: 'sns-redelivery', of: first } };
const poison: PlannedMessage = { kind: 'poison', label: 'JSON null', body: 'null' };
const plan: readonly PlannedMessage[] = [first, second, copy, poison, poison];

const delivered = (messageId: string, body: string, receiveCount = 1) => ({ messageId, body, receiveCount });
const none = {
  acknowledged: new Set<string>(),
  deletedWithoutSuccess: new Set<string>(),
  deadLettersAfterDrain: [],
  deadLettersAfterRedrive: [],
};

describe('MessageIdentities (which published message an SQS message is)', () => {
  it('matches first receives to planned messages by the body inside the envelope, whatever the delivery order', () => {
    const identities = new MessageIdentities(plan, unwrapSnsEnvelope);
    identities.seen(delivered('q-5', envelope('null', 'sns-5')));
    identities.seen(delivered('q-2', envelope(serializeOrder(second.order), 'sns-2')));
    identities.seen(delivered('q-1', envelope(serializeOrder(first.order), 'sns-1')));
    // The redelivered notification: same SNS MessageId, new SQS message.
    identities.seen(delivered('q-3', envelope(serializeOrder(first.order), 'sns-1')));
    identities.seen(delivered('q-4', envelope('null', 'sns-4')));
    identities.seen(delivered('q-1', envelope(serializeOrder(first.order), 'sns-1'), 2));

    const { published } = identities.identify(none);
    expect(published.map((m) => [m.messageId, m.kind, m.orderId])).toEqual([
      ['q-1', 'valid', 'A'],
      ['q-2', 'valid', 'A'],
      ['q-3', 'valid', 'A'],
      ['q-5', 'poison', undefined],
      ['q-4', 'poison', undefined],
    ]);
    expect(published[1]?.event?.instant).toEqual({ epochSeconds: Date.parse('2025-05-03T13:00:00Z') / 1000, nanos: 0 });
    expect(identities.highestReceiveCount('q-1')).toBe(2);
    expect([identities.extraDeliveries, identities.neverDelivered, identities.expectedMessages]).toEqual([0, 0, 5]);
  });

  it('gives a planned message never received a placeholder id, and keeps an extra delivery as one more message to account for', () => {
    const identities = new MessageIdentities([first, poison], (body) => body);
    identities.seen(delivered('q-1', serializeOrder(first.order)));
    identities.seen(delivered('q-2', serializeOrder(first.order))); // SNS delivered it twice
    identities.seen(delivered('q-3', 'a stranger'));
    const { published } = identities.identify(none);
    expect(published.map((m) => [m.messageId, m.kind])).toEqual([
      ['q-1', 'valid'],
      ['never-delivered-1', 'poison'],
      ['q-2', 'valid'],
      ['q-3', 'poison'],
    ]);
    expect([identities.extraDeliveries, identities.neverDelivered]).toEqual([2, 1]);
  });

  it('maps a redriven copy (new SQS id, same body) back to the dead letter it copies, in every observed set', () => {
    const identities = new MessageIdentities([first, poison], (body) => body);
    identities.seen(delivered('q-1', serializeOrder(first.order), 3));
    identities.seen(delivered('q-2', 'null', 3));
    identities.expectRedriveOf(['q-1', 'q-2']);
    identities.seen(delivered('r-2', 'null'));
    identities.seen(delivered('r-1', serializeOrder(first.order)));

    expect(identities.canonical('r-1')).toBe('q-1');
    const identified = identities.identify({
      acknowledged: new Set(['r-1']),
      deletedWithoutSuccess: new Set<string>(),
      deadLettersAfterDrain: [
        { messageId: 'q-1', receiveCount: 3 },
        { messageId: 'q-2', receiveCount: 3 },
      ],
      deadLettersAfterRedrive: [{ messageId: 'r-2', receiveCount: 3 }],
    });
    expect([...identified.acknowledged]).toEqual(['q-1']);
    expect(identified.deadLettersAfterRedrive).toEqual([{ messageId: 'q-2', receiveCount: 3 }]);
    expect(identified.published.map((m) => m.messageId)).toEqual(['q-1', 'q-2']);
    expect(identities.extraDeliveries).toBe(0);
  });
});

describe('unwrapSnsEnvelope', () => {
  it.each([
    ['a notification: its Message', envelope('{"orderId":"A"}', 'sns-1'), '{"orderId":"A"}'],
    [
      'a notification whose Message is not a string: as it is',
      '{"Type":"Notification","Message":{"orderId":"A"}}',
      '{"Type":"Notification","Message":{"orderId":"A"}}',
    ],
    [
      'a subscription confirmation: as it is',
      '{"Type":"SubscriptionConfirmation","Message":"confirm"}',
      '{"Type":"SubscriptionConfirmation","Message":"confirm"}',
    ],
    ['not JSON: as it is', 'this is not an order', 'this is not an order'],
    ['a JSON array: as it is', '[1,2]', '[1,2]'],
  ])('%s', (_label, body, expected) => {
    expect(unwrapSnsEnvelope(body)).toBe(expected);
  });
});

describe('reachesRealAws', () => {
  it.each([
    [undefined, true],
    ['', true],
    ['https://sqs.us-east-1.amazonaws.com', true],
    ['https://dynamodb.eu-west-1.api.aws', true],
    ['https://sns.cn-north-1.amazonaws.com.cn', true],
    ['http://127.0.0.1:5000', false],
    ['http://localhost:4566', false],
    ['http://localstack:4566', false],
  ])('%s → %s', (endpoint, expected) => {
    expect(reachesRealAws(endpoint)).toBe(expected);
  });
});
