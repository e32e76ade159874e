import type { OrderRepository, SaveResult } from '@orders/core';
import type { SqsBatchHandler } from '@orders/lambda-entry';
import { deterministicPart, runSoak, type SoakResult } from '../../src/soak/run-soak';
import { DEFAULT_SOAK_OPTIONS, type SoakOptions } from '../../src/soak/soak-options';

const MESSAGES = 2000;
const soak = (overrides: Partial<SoakOptions>): Promise<SoakResult> =>
  runSoak({ ...DEFAULT_SOAK_OPTIONS, messages: MESSAGES, ...overrides });

// Each soak pushes thousands of messages through the real handler (on a simulated clock): up to a
// second on an idle 2-core machine, 20x that measured on a busy one. A hang bound, not a speed check.
const SOAK_TIMEOUT_MS = 120_000;

describe('the fault-injection soak (in-memory pipeline, real handler)', () => {
  const mixes: [string, Partial<SoakOptions>][] = [
    ['defaults: 10% faults before/after the write, 2% poison', { seed: 1 }],
    ['no faults at all, more poison', { seed: 2, faultRate: 0, poisonRate: 0.05 }],
    [
      'half of all store calls fail, many duplicates and reorders',
      { seed: 3, faultRate: 0.5, duplicateRate: 0.3, reorderRate: 0.6 },
    ],
    [
      'maxReceiveCount 1: one failure is enough for the DLQ (raw delivery, ack lost)',
      { seed: 4, maxReceiveCount: 1, faultRate: 0.3, faultMode: 'after-write', rawDelivery: true },
    ],
    [
      'maxReceiveCount 5, faults before the write, batches of 3',
      { seed: 5, maxReceiveCount: 5, faultRate: 0.5, faultMode: 'before-write', batchSize: 3 },
    ],
    [
      'invocations that crash after the handler ran (whole batches retried)',
      { seed: 6, faultRate: 0.2, crashRate: 0.25 },
    ],
    [
      'every store call fails: all of it goes to the DLQ, the redrive processes it',
      { seed: 7, faultRate: 1, poisonRate: 0.01 },
    ],
  ];

  it.each(mixes)(
    'holds every invariant: %s',
    async (_label, overrides) => {
      const { summary, facts } = await soak(overrides);
      const K = summary.options.max_receive_count;
      expect(summary.violations).toEqual([]);
      expect(summary.ok).toBe(true);
      expect(summary.lost).toBe(0);
      expect(summary.stale_overwrites).toBe(0);
      expect(summary.unexpected_orders).toBe(0);
      expect(summary.published).toBe(MESSAGES);
      expect(summary.valid + summary.poison).toBe(summary.published);
      expect(summary.acknowledged).toBe(summary.valid);
      expect(summary.stored_orders).toBe(summary.orders);
      // After the redrive the DLQ is exactly the poison messages, each moved after exactly K receives.
      expect(summary.dlq_after_redrive).toBe(summary.poison);
      const poisonIds = facts.published
        .filter((m) => m.kind === 'poison')
        .map((m) => m.messageId)
        .sort();
      expect(facts.deadLettersAfterRedrive.map((d) => d.messageId).sort()).toEqual(poisonIds);
      expect(facts.deadLettersAfterRedrive.every((d) => d.receiveCount === K)).toBe(true);
      expect(summary.max_receive_count_seen).toBe(summary.poison > 0 || summary.dlq_after_drain > 0 ? K : 0);
      expect(summary.max_receive_count_delivered).toBeLessThanOrEqual(K);
      // Each poison message was rejected K times per drain, and valid messages that failed K times
      // in the first drain were in the DLQ with them.
      expect(summary.outcomes.invalid).toBe(summary.poison * K * 2);
      expect(summary.dlq_after_drain).toBeGreaterThanOrEqual(summary.poison);
      expect(summary.phases.redrive.outcomes.failed).toBe(0);
      expect(summary.redriven).toBe(summary.dlq_after_drain);
      const options = summary.options;
      if (options.fault_rate > 0) expect(summary.outcomes.failed).toBeGreaterThan(0);
      else
        expect(
          summary.outcomes.failed + summary.faults_injected.before_write + summary.faults_injected.after_write,
        ).toBe(0);
      if (options.fault_mode === 'after-write') expect(summary.faults_injected.before_write).toBe(0);
      if (options.fault_mode === 'before-write') expect(summary.faults_injected.after_write).toBe(0);
      if (options.crash_rate > 0) expect(summary.faults_injected.crashes).toBeGreaterThan(0);
      if (options.fault_rate === 1) expect(summary.dlq_after_drain).toBe(summary.published);
    },
    SOAK_TIMEOUT_MS,
  );

  it(
    'exercises what it claims: duplicates of both kinds, reordered orders, offset timestamps, many poison kinds, stale and duplicate outcomes',
    async () => {
      const { summary } = await soak({ seed: 11, poisonRate: 0.1, duplicateRate: 0.3, reorderRate: 0.5 });
      expect(summary.violations).toEqual([]);
      expect(summary.workload.duplicates_republished).toBeGreaterThan(50);
      expect(summary.workload.duplicates_sns_redelivered).toBeGreaterThan(50);
      expect(summary.workload.reordered_orders).toBeGreaterThan(50);
      expect(summary.workload.offset_timestamps).toBeGreaterThan(50);
      expect(Object.keys(summary.workload.poison_kinds).length).toBeGreaterThan(25);
      expect(summary.outcomes.stale).toBeGreaterThan(0);
      expect(summary.outcomes.duplicate).toBeGreaterThan(0);
      expect(summary.outcomes.updated).toBeGreaterThan(0);
    },
    SOAK_TIMEOUT_MS,
  );

  it(
    'gives the same summary for the same seed (apart from timings), and another for another seed',
    async () => {
      const options: Partial<SoakOptions> = {
        seed: 42,
        faultRate: 0.3,
        crashRate: 0.1,
        duplicateRate: 0.2,
        reorderRate: 0.3,
      };
      const [a, b, c] = [await soak(options), await soak(options), await soak({ ...options, seed: 43 })];
      expect(deterministicPart(b.summary)).toEqual(deterministicPart(a.summary));
      expect(b.summary.digest).toBe(a.summary.digest);
      expect(c.summary.digest).not.toBe(a.summary.digest);
      expect(JSON.stringify(deterministicPart(b.summary))).toBe(JSON.stringify(deterministicPart(a.summary)));
    },
    SOAK_TIMEOUT_MS,
  );

  it('refuses options outside their ranges', async () => {
    await expect(soak({ faultRate: 1.5 })).rejects.toThrow(/faultRate/);
    await expect(soak({ maxReceiveCount: 0 })).rejects.toThrow(/maxReceiveCount/);
    await expect(soak({ messages: 0 })).rejects.toThrow(/messages/);
  });

  describe('catches a deliberately broken system', () => {
    it(
      "the seed's bug (catch, log, answer nothing): poison is acknowledged and lost, the DLQ misses it",
      async () => {
        const { summary } = await runSoak(
          { ...DEFAULT_SOAK_OPTIONS, messages: 600, seed: 3, poisonRate: 0.05 },
          {
            wrapHandler: (handler) => async (event, context) => {
              await handler(event, context);
              return {} as Awaited<ReturnType<SqsBatchHandler>>;
            },
          },
        );
        expect(summary.ok).toBe(false);
        expect(summary.lost).toBeGreaterThan(0);
        expect(summary.lost_detail.poison_acknowledged).toBe(summary.poison);
        expect(summary.violations.join('\n')).toMatch(/^lost = \d+, expected 0/m);
        expect(summary.violations.join('\n')).toMatch(/dlq_after_redrive must hold exactly the poison messages/);
        // Messages that failed on a store fault were acknowledged without their write.
        expect(summary.lost_detail.acknowledged_without_effect).toBeGreaterThan(0);
      },
      SOAK_TIMEOUT_MS,
    );

    it(
      'a store where the first of two events at one instant wins: tables that depend on delivery order',
      async () => {
        // The old rule ("same instant = duplicate"), through the port: a tie keeps whatever came first.
        const firstAtInstantWins = (inner: OrderRepository): OrderRepository => {
          const instants = new Map<string, string>();
          return {
            save: async (event) => {
              const key = `${event.instant.epochSeconds}.${event.instant.nanos}`;
              if (instants.get(event.order.orderId) === key) return { outcome: 'duplicate' };
              const result = await inner.save(event);
              if (result.outcome === 'created' || result.outcome === 'updated') instants.set(event.order.orderId, key);
              return result.outcome === 'conflict' ? { outcome: 'duplicate' } : result;
            },
            findById: (orderId) => inner.findById(orderId),
          };
        };
        const options = { ...DEFAULT_SOAK_OPTIONS, messages: 3000, seed: 12, tieRate: 0.3, faultRate: 0 };
        const planned = await runSoak(options, { wrapRepository: firstAtInstantWins });
        const shuffled = await runSoak({ ...options, deliverySeed: 99 }, { wrapRepository: firstAtInstantWins });
        expect(shuffled.summary.table_digest).not.toBe(planned.summary.table_digest);
        expect(planned.summary.stale_overwrites + shuffled.summary.stale_overwrites).toBeGreaterThan(0);
        expect(planned.summary.ok && shuffled.summary.ok).toBe(false);
      },
      SOAK_TIMEOUT_MS,
    );

    it(
      'a store that lets the last write win, whatever its instant: stale overwrites',
      async () => {
        // Through the port only: an event the store calls stale is written again under a forged,
        // ever later instant, so whatever arrives last wins.
        let forged = 4_000_000_000;
        const lastWriteWins = (inner: OrderRepository): OrderRepository => ({
          save: async (event) => {
            const result: SaveResult = await inner.save(event);
            if (result.outcome !== 'stale' && result.outcome !== 'conflict') return result;
            await inner.save({ order: event.order, instant: { epochSeconds: forged++, nanos: 0 } });
            return { outcome: 'updated' };
          },
          findById: (orderId) => inner.findById(orderId),
        });
        const { summary } = await runSoak(
          { ...DEFAULT_SOAK_OPTIONS, messages: 1500, seed: 8, reorderRate: 0.8, faultRate: 0 },
          { wrapRepository: lastWriteWins },
        );
        expect(summary.stale_overwrites).toBeGreaterThan(0);
        expect(summary.violations.join('\n')).toMatch(/^stale_overwrites = \d+, expected 0/m);
        expect(summary.ok).toBe(false);
      },
      SOAK_TIMEOUT_MS,
    );
  });
});
