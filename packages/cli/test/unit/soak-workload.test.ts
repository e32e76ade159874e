import {
  compareInstants,
  decodeOrderMessage,
  differingContentFields,
  type Order,
  parseRfc3339Instant,
  wrapInSnsNotification,
} from '@orders/core';
import { sampleOrder } from '@orders/testkit';
import { POISON_KINDS } from '../../src/soak/poison-messages';
import { buildSoakWorkload, type PlannedMessage, type ValidPlanned, withOffset } from '../../src/soak/soak-workload';

const instant = (text: string) => {
  const parsed = parseRfc3339Instant(text);
  if (!parsed.ok) throw new Error(`${text}: ${parsed.problem.reason}`);
  return parsed.instant;
};

describe('the soak workload', () => {
  it.each(POISON_KINDS.map((k) => [k.label, k] as const))(
    'poison "%s" is rejected raw and inside an SNS envelope',
    (_label, kind) => {
      const body = kind.body({ n: 7, victim: sampleOrder() });
      const envelope = JSON.stringify(
        wrapInSnsNotification(body, {
          messageId: 'm-1',
          topicArn: 'arn:aws:sns:us-east-1:000000000000:OrderTopic',
          timestamp: '2025-05-03T12:00:00.000Z',
        }),
      );
      expect(decodeOrderMessage(body).ok).toBe(false);
      expect(decodeOrderMessage(envelope).ok).toBe(false);
    },
  );

  it('writes an instant with a UTC offset without changing it', () => {
    expect(withOffset('2025-05-03T12:00:00.250Z', -300)).toBe('2025-05-03T07:00:00.250-05:00');
    expect(withOffset('2025-05-03T23:30:00.000Z', 330)).toBe('2025-05-04T05:00:00.000+05:30');
    for (const offset of [120, -300, 330, 540, -210]) {
      expect(
        compareInstants(instant(withOffset('2025-05-03T12:00:01.000Z', offset)), instant('2025-05-03T12:00:01Z')),
      ).toBe(0);
    }
  });

  it('is deterministic for a seed and publishes exactly the requested number of messages', () => {
    const options = { messages: 3000, poisonRate: 0.05, duplicateRate: 0.2, reorderRate: 0.3, tieRate: 0.1, seed: 9 };
    const a = buildSoakWorkload(options);
    expect(a.messages).toHaveLength(3000);
    expect(JSON.stringify(buildSoakWorkload(options).messages)).toBe(JSON.stringify(a.messages));
    expect(JSON.stringify(buildSoakWorkload({ ...options, seed: 10 }).messages)).not.toBe(JSON.stringify(a.messages));
  });

  it('sends a duplicate after its original, delivers some orders out of order, and without ties never gives two events of an order one instant', () => {
    const { messages, stats } = buildSoakWorkload({
      messages: 5000,
      poisonRate: 0.02,
      duplicateRate: 0.2,
      reorderRate: 0.5,
      tieRate: 0,
      seed: 3,
    });
    const position = new Map(messages.map((m, i) => [m, i]));
    const valid = messages.filter((m): m is ValidPlanned => m.kind === 'valid');
    const copies = valid.filter((m) => m.duplicate);
    expect(copies.length).toBeGreaterThan(200);
    for (const copy of copies) {
      expect(position.get(copy.duplicate!.of)).toBeLessThan(position.get(copy)!);
      expect(copy.order).toBe(copy.duplicate!.of.order);
    }
    expect(stats.reorderedOrders).toBeGreaterThan(100);
    // Out of order on the wire: some event arrives after a newer one of the same order.
    const newestSoFar = new Map<string, ReturnType<typeof instant>>();
    let overtaken = 0;
    const seen = new Map<string, Set<string>>();
    for (const m of valid) {
      const at = instant(m.order.timestamp);
      const newest = newestSoFar.get(m.order.orderId);
      if (newest && compareInstants(at, newest) < 0) overtaken++;
      if (!newest || compareInstants(at, newest) > 0) newestSoFar.set(m.order.orderId, at);
      if (!m.duplicate) {
        const key = `${at.epochSeconds}.${at.nanos}`;
        const instants = seen.get(m.order.orderId) ?? new Set<string>();
        expect(instants.has(key)).toBe(false);
        seen.set(m.order.orderId, instants.add(key));
      }
    }
    expect(overtaken).toBeGreaterThan(100);
  });

  it('adds twins at one instant: different content to decide, and the same content re-spelled', () => {
    const { messages, stats } = buildSoakWorkload({
      messages: 5000,
      poisonRate: 0,
      duplicateRate: 0,
      reorderRate: 0,
      tieRate: 0.2,
      seed: 4,
    });
    const byInstant = new Map<string, Order[]>();
    for (const m of messages) {
      if (m.kind !== 'valid') continue;
      const at = instant(m.order.timestamp);
      const key = `${m.order.orderId}@${at.epochSeconds}.${at.nanos}`;
      byInstant.set(key, [...(byInstant.get(key) ?? []), m.order]);
    }
    const twins = [...byInstant.values()].filter((events) => events.length > 1);
    const differentContent = twins.filter(([a, b]) => differingContentFields(a!, b!).length > 0);
    const respelled = twins.filter(([a, b]) => differingContentFields(a!, b!).length === 0);
    expect(differentContent.length).toBeGreaterThan(100);
    expect(respelled.length).toBeGreaterThan(100);
    for (const [a, b] of respelled) expect(a!.timestamp).not.toBe(b!.timestamp);
    // The summary counts the twins published (the message budget may cut an order's last events off).
    const marked = messages.filter((m): m is ValidPlanned => m.kind === 'valid' && m.twin !== undefined);
    expect(stats.ties.differentContent).toBe(marked.filter((m) => m.twin === 'different-content').length);
    expect(stats.ties.sameContentRespelled).toBe(marked.filter((m) => m.twin === 'respelled').length);
    expect(stats.ties.differentContent).toBeGreaterThanOrEqual(differentContent.length);
  });

  it('publishes the same messages in another order for a delivery seed, SNS redeliveries after their original', () => {
    const options = { messages: 4000, poisonRate: 0.02, duplicateRate: 0.3, reorderRate: 0.2, tieRate: 0.1, seed: 5 };
    const planned = buildSoakWorkload(options).messages;
    const delivered = buildSoakWorkload({ ...options, deliverySeed: 77 }).messages;
    const bodies = (list: readonly PlannedMessage[]): string[] =>
      list.map((m) => (m.kind === 'poison' ? m.body : JSON.stringify(m.order))).sort();
    expect(bodies(delivered)).toEqual(bodies(planned));
    expect(delivered.map((m) => (m.kind === 'poison' ? m.body : JSON.stringify(m.order)))).not.toEqual(
      planned.map((m) => (m.kind === 'poison' ? m.body : JSON.stringify(m.order))),
    );
    const position = new Map(delivered.map((m, i) => [m, i]));
    const redeliveries = delivered.filter(
      (m): m is ValidPlanned => m.kind === 'valid' && m.duplicate?.kind === 'sns-redelivery',
    );
    expect(redeliveries.length).toBeGreaterThan(50);
    for (const copy of redeliveries) expect(position.get(copy.duplicate!.of)).toBeLessThan(position.get(copy)!);
  });
});
