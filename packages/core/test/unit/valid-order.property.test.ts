import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  decodeOrderMessage,
  parseRfc3339Instant,
  serializeOrder,
  validateOrder,
  wrapInSnsNotification,
  type Order,
} from '../../src';
import { validOrder } from '../support/arbitraries';

const envelopeOf = (message: string, messageId: string): string =>
  JSON.stringify(
    wrapInSnsNotification(message, {
      messageId,
      topicArn: 'arn:aws:sns:us-east-1:000000000000:OrderTopic',
      timestamp: '2025-05-03T12:00:01.000Z',
    }),
  );

const instantOf = (order: Order) => {
  const parsed = parseRfc3339Instant(order.timestamp);
  if (!parsed.ok) throw new Error(parsed.problem.reason);
  return parsed.instant;
};

describe('generated valid orders', () => {
  it('are accepted by validateOrder, unchanged', () => {
    fc.assert(
      fc.property(validOrder, (order) => {
        assert.deepEqual(validateOrder({ ...order }), { ok: true, value: { order, instant: instantOf(order) } });
      }),
      { numRuns: 200 },
    );
  });

  it('round-trip raw: serializeOrder → decodeOrderMessage gives the same order', () => {
    fc.assert(
      fc.property(validOrder, (order) => {
        const result = decodeOrderMessage(serializeOrder(order));
        assert.deepEqual(result, { ok: true, delivery: 'raw', value: { order, instant: instantOf(order) } });
      }),
      { numRuns: 200 },
    );
  });

  it('round-trip inside an SNS envelope, keeping the SNS MessageId', () => {
    fc.assert(
      fc.property(validOrder, fc.uuid(), (order, messageId) => {
        const result = decodeOrderMessage(envelopeOf(serializeOrder(order), messageId));
        assert.deepEqual(result, {
          ok: true,
          delivery: 'sns-envelope',
          snsMessageId: messageId,
          value: { order, instant: instantOf(order) },
        });
      }),
      { numRuns: 200 },
    );
  });

  it('stay valid, and unchanged, whatever unknown fields and key order come with them', () => {
    const extra = fc.dictionary(
      fc
        .string({ maxLength: 10 })
        .filter((k) => !['orderId', 'userId', 'itemName', 'quantity', 'status', 'timestamp'].includes(k)),
      fc.jsonValue({ maxDepth: 3 }),
      { maxKeys: 5 },
    );
    fc.assert(
      fc.property(validOrder, extra, fc.boolean(), (order, unknown, extraFirst) => {
        const body = JSON.stringify(extraFirst ? { ...unknown, ...order } : { ...order, ...unknown });
        const result = decodeOrderMessage(body);
        assert.ok(result.ok, 'rejected');
        assert.deepEqual(result.value.order, order);
        assert.deepEqual(Object.keys(result.value.order).sort(), [
          'itemName',
          'orderId',
          'quantity',
          'status',
          'timestamp',
          'userId',
        ]);
      }),
      { numRuns: 200 },
    );
  });

  it('are idempotent through a second serialize/decode cycle', () => {
    fc.assert(
      fc.property(validOrder, (order) => {
        const once = decodeOrderMessage(serializeOrder(order));
        if (!once.ok) throw new Error('valid order rejected');
        assert.equal(serializeOrder(once.value.order), serializeOrder(order));
      }),
      { numRuns: 100 },
    );
  });
});
