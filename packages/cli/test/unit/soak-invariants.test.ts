import { evaluateSoak, type SoakFacts } from '../../src/soak/soak-invariants';
import { runSoak } from '../../src/soak/run-soak';
import { DEFAULT_SOAK_OPTIONS } from '../../src/soak/soak-options';

// Each soak pushes hundreds to thousands of messages through the real handler (on a simulated
// clock): about a second on an idle 2-core machine, 10x that measured on a busy one. A hang bound,
// not a speed check.
const SOAK_TIMEOUT_MS = 120_000;

/** The checker must fail when it is fed a doctored result: each case breaks one invariant. */
describe('the soak invariant checker', () => {
  let facts: SoakFacts;
  beforeAll(async () => {
    ({ facts } = await runSoak({ ...DEFAULT_SOAK_OPTIONS, messages: 800, seed: 21, poisonRate: 0.05, faultRate: 0.3 }));
  }, SOAK_TIMEOUT_MS);

  const valid = () => facts.published.filter((m) => m.kind === 'valid');
  const poison = () => facts.published.filter((m) => m.kind === 'poison');
  const without = <T>(set: ReadonlySet<T>, item: T): Set<T> => new Set([...set].filter((x) => x !== item));

  it('passes the real run', () => {
    const verdict = evaluateSoak(facts);
    expect(verdict.violations).toEqual([]);
    expect(verdict).toMatchObject({ lost: 0, staleOverwrites: 0, unexpectedOrders: 0, maxReceiveCountSeen: 3 });
    expect(poison().length).toBeGreaterThan(10);
  });

  it('counts a message neither acknowledged nor dead-lettered as lost', () => {
    const victim = valid()[5]!.messageId;
    const verdict = evaluateSoak({ ...facts, acknowledged: without(facts.acknowledged, victim) });
    expect(verdict.lost).toBe(1);
    expect(verdict.lostDetail.unaccounted).toBe(1);
    expect(verdict.violations).toEqual([expect.stringMatching(new RegExp(`^lost = 1, expected 0: .*${victim}`))]);
  });

  it('counts a poison message that was deleted as if processed as lost, and the DLQ then misses it', () => {
    const victim = poison()[0]!.messageId;
    const verdict = evaluateSoak({
      ...facts,
      acknowledged: new Set([...facts.acknowledged, victim]),
      deadLettersAfterRedrive: facts.deadLettersAfterRedrive.filter((d) => d.messageId !== victim),
    });
    expect(verdict.lostDetail.poison_acknowledged).toBe(1);
    expect(verdict.lost).toBe(1);
    expect(verdict.violations).toEqual([
      expect.stringMatching(/^lost = 1/),
      expect.stringMatching(/^dlq_after_redrive must hold exactly the poison messages: 1 poison missing/),
    ]);
  });

  it('counts a message deleted without the handler reporting it processed as lost', () => {
    const victim = valid()[0]!.messageId;
    const verdict = evaluateSoak({
      ...facts,
      acknowledged: without(facts.acknowledged, victim),
      deletedWithoutSuccess: new Set([victim]),
    });
    expect(verdict.lostDetail).toMatchObject({ deleted_without_success: 1, unaccounted: 1 });
    expect(verdict.lost).toBe(1);
  });

  it('counts an acknowledged event whose write is missing as lost, and its order as a stale overwrite', () => {
    const newest = [...facts.expectedOrders.values()].find((o) => o.status !== 'new')!;
    const stored = new Map(facts.storedOrders);
    stored.delete(newest.orderId);
    const verdict = evaluateSoak({ ...facts, storedOrders: stored });
    expect(verdict.lostDetail.acknowledged_without_effect).toBeGreaterThan(0);
    expect(verdict.staleOverwrites).toBe(1);
    expect(verdict.violations.map((v) => v.split(' ')[0])).toEqual(['lost', 'stale_overwrites']);
  });

  it('reports an order stored at an older event than its newest as a stale overwrite', () => {
    const [orderId, newest] = [...facts.expectedOrders].find(([, o]) => o.status !== 'new')!;
    const older = {
      ...newest,
      status: 'new' as const,
      timestamp: new Date(Date.parse(newest.timestamp) - 60_000).toISOString(),
    };
    const verdict = evaluateSoak({ ...facts, storedOrders: new Map(facts.storedOrders).set(orderId, older) });
    expect(verdict.staleOverwrites).toBe(1);
    expect(verdict.violations).toContainEqual(
      expect.stringMatching(new RegExp(`^stale_overwrites = 1, expected 0: .*${orderId}`)),
    );
  });

  it('reports a stored order that no valid message carried (a poison message was stored)', () => {
    const intruder = { ...facts.storedOrders.values().next().value!, orderId: 'O-FROM-POISON' };
    const verdict = evaluateSoak({
      ...facts,
      storedOrders: new Map(facts.storedOrders).set(intruder.orderId, intruder),
    });
    expect(verdict.unexpectedOrders).toBe(1);
    expect(verdict.violations).toEqual([expect.stringMatching(/^unexpected_orders = 1/)]);
  });

  it('reports a valid message left in the DLQ after the redrive', () => {
    const victim = valid()[3]!.messageId;
    const verdict = evaluateSoak({
      ...facts,
      acknowledged: without(facts.acknowledged, victim),
      deadLettersAfterRedrive: [...facts.deadLettersAfterRedrive, { messageId: victim, receiveCount: 3 }],
    });
    expect(verdict.lost).toBe(0);
    expect(verdict.violations).toEqual([
      expect.stringMatching(/^dlq_after_redrive must hold exactly the poison messages: 0 poison missing, 1 other/),
    ]);
  });

  it.each([2, 4])('reports a message that moved to the DLQ after %i receives instead of 3', (count) => {
    const [first, ...rest] = facts.deadLettersAfterRedrive;
    const verdict = evaluateSoak({ ...facts, deadLettersAfterRedrive: [{ ...first!, receiveCount: count }, ...rest] });
    expect(verdict.violations).toEqual([
      expect.stringMatching(
        new RegExp(
          `^receive count at the move to OrderDLQ must be exactly 3: 1 messages moved after ${count} receives`,
        ),
      ),
    ]);
    expect(verdict.maxReceiveCountSeen).toBe(Math.max(3, count));
  });

  it('checks the moves of the first drain too', () => {
    const [first, ...rest] = facts.deadLettersAfterDrain;
    const verdict = evaluateSoak({ ...facts, deadLettersAfterDrain: [{ ...first!, receiveCount: 1 }, ...rest] });
    expect(verdict.violations).toEqual([expect.stringMatching(/^receive count at the move/)]);
  });

  it('reports a drain that did not empty the queue', () => {
    const verdict = evaluateSoak({ ...facts, leftOnQueue: { afterDrain: 0, afterRedrive: 2 }, drainsFinished: false });
    expect(verdict.violations).toEqual([
      expect.stringMatching(/^drained: .*2 after the redrive \(a drain hit its invocation bound\)/),
    ]);
  });

  it('flags valid messages an outage shorter than the pacing window dead-lettered, and only then', () => {
    const victim = valid()[2]!.messageId;
    const outage = {
      durationSeconds: 600,
      survivableSeconds: 3660,
      refusedCalls: 10,
      validDeadLetteredByOutage: [victim],
    };
    expect(evaluateSoak({ ...facts, outage }).violations).toEqual([
      expect.stringMatching(
        new RegExp(
          `^outage: 1 valid messages reached OrderDLQ during a 600 s outage, shorter than the 3660 s .*${victim}`,
        ),
      ),
    ]);
    // An outage longer than the window may dead-letter: that is what the DLQ and its alarm are for.
    expect(evaluateSoak({ ...facts, outage: { ...outage, durationSeconds: 4000 } }).violations).toEqual([]);
  });
});

describe('the soak with an injected store outage (in memory, on the simulated clock)', () => {
  const soak = (outage: { startSeconds: number; durationSeconds: number }) =>
    runSoak({
      ...DEFAULT_SOAK_OPTIONS,
      messages: 1500,
      seed: 4,
      faultRate: 0,
      outage: { ...outage, failureClass: 'systemic' },
    });

  it(
    'dead-letters no valid message during an outage of almost an hour, then stores everything',
    async () => {
      const { summary } = await soak({ startSeconds: 0, durationSeconds: 3600 });
      expect(summary.ok).toBe(true);
      expect(summary.outage).toMatchObject({ survivable_s: 3660, valid_dead_lettered: 0 });
      expect(summary.outage?.refused_calls).toBeGreaterThan(1000);
      // Only poison in OrderDLQ after the drain: every valid event waited the outage out.
      expect(summary.dlq_after_drain).toBe(summary.poison);
      expect(summary.lost).toBe(0);
      expect(summary.stale_overwrites).toBe(0);
    },
    SOAK_TIMEOUT_MS,
  );

  it(
    'does not blame the outage for receives that crashed invocations used up',
    async () => {
      // A crash after the outage loses a response that stored the order: Lambda retries the batch,
      // and a message already at its last receive goes to OrderDLQ. That is the crash's doing.
      const { summary } = await runSoak({
        ...DEFAULT_SOAK_OPTIONS,
        messages: 3000,
        seed: 5,
        crashRate: 0.1,
        outage: { startSeconds: 0, durationSeconds: 3600, failureClass: 'systemic' },
      });
      expect(summary.faults_injected.crashes).toBeGreaterThan(0);
      expect(summary.dlq_after_drain).toBeGreaterThan(summary.poison);
      expect(summary.outage?.valid_dead_lettered).toBe(0);
      expect(summary.violations).toEqual([]);
      expect(summary.lost).toBe(0);
    },
    SOAK_TIMEOUT_MS,
  );

  it(
    'dead-letters valid messages once the outage outlasts the pacing, without calling it a violation',
    async () => {
      const { summary } = await soak({ startSeconds: 0, durationSeconds: 5000 });
      expect(summary.outage?.valid_dead_lettered).toBeGreaterThan(0);
      expect(summary.violations).toEqual([]);
      // The redrive after recovery still brings every valid message home.
      expect(summary.dlq_after_redrive).toBe(summary.poison);
    },
    SOAK_TIMEOUT_MS,
  );
});
