import type { Order } from '@orders/core';
import { judgeScaleOut, type ScaleOutEnd } from '../src/scale-out/scale-out-verdict';
import { buildScaleOutWorkload, type ScaleOutMessage } from '../src/scale-out/scale-out-workload';

// What a scale-out run must end with, whatever N: the verdict that fails `pnpm bench` (and CI's
// smoke run) when processes racing on one queue lose an order or store a wrong state.

const workload = buildScaleOutWorkload({ orders: 40, seed: 3 });
const poisonBodies = workload.messages.filter((m) => m.kind === 'poison').map((m) => m.body);
const valid = workload.messages.filter((m): m is Extract<ScaleOutMessage, { kind: 'valid' }> => m.kind === 'valid');

/** The end a correct run leaves: each order as its greatest event, the DLQ exactly the poison. */
const clean = (): ScaleOutEnd => ({
  stored: new Map(workload.expected),
  unreadable: [],
  deadLetterBodies: [...poisonBodies],
  leftOnQueue: 0,
});

/** An order with two or more distinct events, and its event just below the greatest. */
function orderWithAnEarlierEvent(): { orderId: string; earlier: Order } {
  for (const [orderId, greatest] of workload.expected) {
    const earlier = valid.find(
      (m) => m.event.order.orderId === orderId && JSON.stringify(m.event.order) !== JSON.stringify(greatest),
    );
    if (earlier) return { orderId, earlier: earlier.event.order };
  }
  throw new Error('the workload has no order with two events');
}

it('finds nothing wrong with the end a correct run leaves', () => {
  expect(poisonBodies.length).toBeGreaterThan(0);
  expect(judgeScaleOut(workload, clean())).toEqual({
    lost: 0,
    wrongState: 0,
    deadLettered: { poison: poisonBodies.length, other: 0 },
    leftOnQueue: 0,
    violations: [],
  });
});

it('counts a missing order as lost (each of its messages) and as a wrong state', () => {
  const end = clean();
  const [orderId] = [...workload.expected.keys()] as [string];
  (end.stored as Map<string, Order>).delete(orderId);
  const verdict = judgeScaleOut(workload, end);
  expect(verdict.lost).toBe(valid.filter((m) => m.event.order.orderId === orderId).length);
  expect(verdict.wrongState).toBe(1);
  expect(verdict.violations).toHaveLength(2);
  expect(verdict.violations[0]).toMatch(/^lost = \d+, expected 0: .*\(e\.g\. O-3-/);
});

it('calls an order stored at an earlier event a wrong state, and the later messages lost', () => {
  const end = clean();
  const { orderId, earlier } = orderWithAnEarlierEvent();
  (end.stored as Map<string, Order>).set(orderId, earlier);
  const verdict = judgeScaleOut(workload, end);
  expect(verdict.wrongState).toBe(1);
  expect(verdict.lost).toBeGreaterThan(0);
});

it('calls a stored poison message (a newer timestamp on a real order) a wrong state, though nothing is lost', () => {
  const end = clean();
  const [orderId, greatest] = [...workload.expected][0] as [string, Order];
  // The poison's trick: a newer timestamp on a real order. Stored, every valid event is "covered".
  const newer = {
    ...greatest,
    quantity: 0,
    timestamp: new Date(Date.parse(greatest.timestamp) + 3_600_000).toISOString(),
  };
  (end.stored as Map<string, Order>).set(orderId, newer);
  const verdict = judgeScaleOut(workload, end);
  expect(verdict).toMatchObject({ lost: 0, wrongState: 1 });
  expect(verdict.violations).toEqual([expect.stringMatching(/^wrong state = 1, expected 0: 1 orders not stored/)]);
});

it("calls the loser of a tie (same instant, other content) a wrong state, and the winner's messages lost", () => {
  const loser = valid.find((m) => {
    const greatest = workload.expected.get(m.event.order.orderId) as Order;
    return m.event.order.timestamp === greatest.timestamp && JSON.stringify(m.event.order) !== JSON.stringify(greatest);
  });
  if (loser === undefined) throw new Error('the workload has no tie on a greatest event');
  const end = clean();
  (end.stored as Map<string, Order>).set(loser.event.order.orderId, loser.event.order);
  const verdict = judgeScaleOut(workload, end);
  expect(verdict.wrongState).toBe(1);
  expect(verdict.lost).toBeGreaterThan(0);
});

it('calls an order no valid message carried, or an item it cannot read, a wrong state', () => {
  const end = clean();
  (end.stored as Map<string, Order>).set('P-1', {
    ...(workload.expected.values().next().value as Order),
    orderId: 'P-1',
  });
  expect(judgeScaleOut(workload, end).wrongState).toBe(1);
  const [orderId] = [...workload.expected.keys()] as [string];
  expect(judgeScaleOut(workload, { ...clean(), unreadable: [orderId] })).toMatchObject({ wrongState: 1 });
});

it('wants the DLQ to hold exactly the poison: a valid message there, a copy, or poison deleted as processed', () => {
  const withValid = judgeScaleOut(workload, { ...clean(), deadLetterBodies: [...poisonBodies, valid[0]?.body ?? ''] });
  expect(withValid).toMatchObject({ lost: 0, deadLettered: { other: 1 } });
  expect(withValid.violations).toEqual([expect.stringContaining('and 1 other messages')]);
  const copied = judgeScaleOut(workload, { ...clean(), deadLetterBodies: [...poisonBodies, poisonBodies[0] ?? ''] });
  expect(copied.violations).toEqual([expect.stringContaining(', 1 copies and 0 other')]);
  const missing = judgeScaleOut(workload, { ...clean(), deadLetterBodies: poisonBodies.slice(1) });
  expect(missing.lost).toBe(1);
});

it('reports messages left on the queue, which may be the poison the DLQ lacks (not counted lost twice)', () => {
  const verdict = judgeScaleOut(workload, { ...clean(), deadLetterBodies: poisonBodies.slice(1), leftOnQueue: 1 });
  expect(verdict.lost).toBe(0);
  expect(verdict.violations).toContain('the queue still holds 1 messages');
});
