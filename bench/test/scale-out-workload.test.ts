import { compareOrderEvents, decodeOrderMessage, type TimedOrder } from '@orders/core';
import { buildScaleOutWorkload, type ScaleOutMessage } from '../src/scale-out/scale-out-workload';

// The scale-out run's traffic must be a race worth judging: several events per order, out of order
// and duplicated, poison the consumer must dead-letter, and an expected end state computed with
// core's ordering.

const workload = buildScaleOutWorkload({ orders: 200, seed: 7 });
const valid = workload.messages.filter((m): m is Extract<ScaleOutMessage, { kind: 'valid' }> => m.kind === 'valid');
const poison = workload.messages.filter((m) => m.kind === 'poison');

it('is the same for the same seed, and another for another seed (bodies aside: their SNS ids are fresh)', () => {
  const again = buildScaleOutWorkload({ orders: 200, seed: 7 });
  const events = (w: typeof workload) => w.messages.map((m) => (m.kind === 'valid' ? m.event.order : m.label));
  expect(events(again)).toEqual(events(workload));
  expect(again.expected).toEqual(workload.expected);
  expect(events(buildScaleOutWorkload({ orders: 200, seed: 8 }))).not.toEqual(events(workload));
});

it('publishes every order with 2 or more events, as SNS delivers them, each body decoding to its event', () => {
  expect(workload.stats.orders).toBe(200);
  expect(workload.expected.size).toBe(200);
  const perOrder = new Map<string, number>();
  for (const message of valid) {
    const decoded = decodeOrderMessage(message.body);
    expect(decoded).toMatchObject({ ok: true, delivery: 'sns-envelope' });
    if (decoded.ok) expect(compareOrderEvents(decoded.value, message.event)).toBe(0);
    perOrder.set(message.event.order.orderId, (perOrder.get(message.event.order.orderId) ?? 0) + 1);
  }
  expect(Math.min(...perOrder.values())).toBeGreaterThanOrEqual(2);
  expect(workload.stats.validMessages).toBe(valid.length);
});

it('duplicates, reorders and ties events, so that processes racing on one order can store a wrong state', () => {
  const { stats } = workload;
  expect(stats.duplicates).toBeGreaterThan(0);
  expect(stats.ties).toBeGreaterThan(0);
  expect(stats.reorderedOrders).toBeGreaterThan(stats.orders / 4);
  // Each duplicate repeats an event: SNS redelivering one notification (the same body), or a
  // producer publishing the event again (a new body).
  const seen = new Set<string>();
  let repeatedEvents = 0;
  for (const m of valid) {
    const key = JSON.stringify(m.event.order);
    if (seen.has(key)) repeatedEvents++;
    seen.add(key);
  }
  expect(repeatedEvents).toBe(stats.duplicates);
  const sameBody = valid.length - new Set(valid.map((m) => m.body)).size;
  expect(sameBody).toBeGreaterThan(0);
  expect(sameBody).toBeLessThan(stats.duplicates);
});

it("expects each order's greatest event under core's ordering, ties included", () => {
  const byOrder = new Map<string, TimedOrder[]>();
  for (const m of valid) byOrder.set(m.event.order.orderId, [...(byOrder.get(m.event.order.orderId) ?? []), m.event]);
  for (const [orderId, events] of byOrder) {
    const expected = workload.expected.get(orderId);
    const greatest = events.find((e) => e.order === expected) as TimedOrder;
    expect(greatest).toBeDefined();
    for (const event of events) expect(compareOrderEvents(event, greatest)).toBeLessThanOrEqual(0);
  }
});

it('adds poison that no consumer can decode, each body unique, some newer than any event of a real order', () => {
  expect(poison.length).toBe(workload.stats.poisonMessages);
  expect(poison.length).toBeGreaterThan(0);
  expect(new Set(poison.map((m) => m.body)).size).toBe(poison.length);
  for (const message of poison) expect(decodeOrderMessage(message.body).ok).toBe(false);
  // Stored by mistake, these would beat the real order's greatest event: a wrong state the verdict sees.
  const tampered = poison.filter((m) => m.kind === 'poison' && m.label.endsWith('newer'));
  expect(tampered.length).toBeGreaterThan(0);
  for (const message of tampered) {
    const order = JSON.parse((JSON.parse(message.body) as { Message: string }).Message) as {
      orderId: string;
      timestamp: string;
    };
    const real = workload.expected.get(order.orderId);
    expect(real).toBeDefined();
    expect(Date.parse(order.timestamp)).toBeGreaterThan(Date.parse(real?.timestamp ?? ''));
  }
});
