import { rawBody, snsEnvelopeBody } from '@orders/testkit';
import { createOrderGenerator } from '@orders/simulation';
import { ProcessOrderBatch, type InboundMessage, type InvalidOutcome } from '../../src';
import { loadHostileCorpus } from '../fixtures/load-hostile-corpus';
import { FakeOrderRepository } from '../support/fake-order-repository';
import { RecordingLogger } from '@orders/testkit';
import { RecordingMetrics } from '../support/recording-metrics';

const corpus = loadHostileCorpus();
const VALID_COUNT = 50;

describe('hostile corpus: one batch with every case and valid records beside them', () => {
  const generator = createOrderGenerator(5);
  const validOrders = Array.from({ length: VALID_COUNT }, () => generator.next());
  const messages: InboundMessage[] = [];
  // Interleave: a generated valid record after every few hostile ones, enveloped and raw alternately.
  corpus.forEach((hostile, i) => {
    messages.push({ messageId: `hostile:${hostile.name}`, body: hostile.body });
    const order = i % 4 === 0 ? validOrders[i / 4] : undefined;
    if (order)
      messages.push({
        messageId: `valid:${order.orderId}`,
        body: i % 8 === 0 ? snsEnvelopeBody(order) : rawBody(order),
      });
  });
  for (const order of validOrders.slice(Math.ceil(corpus.length / 4))) {
    messages.push({ messageId: `valid:${order.orderId}`, body: rawBody(order) });
  }

  let result: Awaited<ReturnType<ProcessOrderBatch['execute']>>;
  const repository = new FakeOrderRepository();
  const logger = new RecordingLogger();
  const metrics = new RecordingMetrics();

  beforeAll(async () => {
    result = await new ProcessOrderBatch({ repository, logger, metrics }, { concurrency: 8 }).execute(messages);
  });

  it('reports exactly the invalid hostile cases as failed', () => {
    const expected = corpus.filter((c) => !c.expect.valid).map((c) => `hostile:${c.name}`);
    expect([...result.failedMessageIds].sort()).toEqual(expected.sort());
    expect(result.outcomes.filter((o) => o.status === 'failed')).toEqual([]);
  });

  it('stores every valid record, generated or from the corpus', () => {
    expect(messages).toHaveLength(corpus.length + VALID_COUNT);
    for (const order of validOrders) expect(repository.stored.get(order.orderId)?.order).toEqual(order);
    const validCases = corpus.filter((c) => c.expect.valid);
    for (const hostile of validCases) {
      const outcome = result.outcomes.find((o) => o.messageId === `hostile:${hostile.name}`);
      expect([hostile.name, outcome?.status]).toEqual([
        hostile.name,
        expect.stringMatching(/^(created|updated|duplicate|stale)$/),
      ]);
    }
  });

  it("gives each invalid case's log line the expected code, field and a reason, without the case's values", () => {
    expect(logger.calls).toHaveLength(messages.length);
    for (const hostile of corpus) {
      if (hostile.expect.valid) continue;
      const line = logger.calls.find((c) => c.fields['messageId'] === `hostile:${hostile.name}`);
      expect(line?.fields['outcome']).toBe('invalid');
      const problems = (line?.fields['problems'] ?? []) as unknown as InvalidOutcome['problems'];
      expect(problems).toContainEqual({
        field: hostile.expect.field,
        code: hostile.expect.code,
        reason: expect.stringMatching(/\S/),
      });
      const serialized = JSON.stringify(line);
      for (const value of hostile.sensitiveValues) expect(serialized.includes(value)).toBe(false);
    }
  });

  it('never logs a userId or itemName of any record, hostile or valid', () => {
    const logged = logger.serialized();
    const values = [...corpus.flatMap((c) => c.sensitiveValues), ...validOrders.flatMap((o) => [o.userId, o.itemName])];
    expect(values.length).toBeGreaterThan(100);
    expect(values.filter((value) => logged.includes(value))).toEqual([]);
  });

  it('records the batch once with matching counts', () => {
    const invalid = corpus.filter((c) => !c.expect.valid).length;
    expect(metrics.batches).toHaveLength(1);
    expect(metrics.batches[0]?.batchSize).toBe(messages.length);
    expect(metrics.batches[0]?.counts.invalid).toBe(invalid);
    const c = metrics.batches[0]!.counts;
    expect(c.created + c.updated + c.duplicate + c.stale).toBe(messages.length - invalid);
  });

  it('leaves every prototype clean', () => {
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.hasOwn(Object.prototype, 'polluted')).toBe(false);
  });
});
