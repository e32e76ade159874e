import { InMemoryOrderRepository } from '@orders/adapters-memory';
import type { ValidationProblem } from '@orders/core';
import { lambdaContext } from '@orders/lambda-local';
import { rawBody, sampleOrder, snsEnvelopeBody, sqsEvent, sqsRecord } from '@orders/testkit';
import { loadHostileCorpus } from '../../../core/test/fixtures/load-hostile-corpus';
import { handlerWith } from './support';

// The hostile corpus (packages/core/test/fixtures/hostile, one file per case) through the real
// handler, all in one batch beside valid records: each bad case must be logged with its code,
// field and reason, reported as a failure, and must not stop, slow or pollute anything else.
describe('OrderProcessor handler on the hostile corpus', () => {
  const corpus = loadHostileCorpus();
  const invalidCases = corpus.filter((c) => c.expect.valid === false);

  it('has a corpus to run', () => {
    expect(invalidCases.length).toBeGreaterThan(100);
  });

  it('reports exactly the invalid cases, logs each with its code and field, and stores the valid records beside them', async () => {
    const repository = new InMemoryOrderRepository();
    const { handler, logger } = handlerWith(repository);
    const valid = Array.from({ length: 20 }, (_, i) => sampleOrder({ orderId: `VALID-${i}` }));
    const records = [
      ...valid.slice(0, 10).map((o, i) => sqsRecord(snsEnvelopeBody(o), { messageId: `valid-${i}` })),
      ...corpus.map((c) => sqsRecord(c.body, { messageId: `hostile:${c.name}` })),
      ...valid.slice(10).map((o, i) => sqsRecord(rawBody(o), { messageId: `valid-${i + 10}` })),
    ];
    const before = Object.getOwnPropertyNames(Object.prototype).sort();

    const response = await handler(sqsEvent(records), lambdaContext());

    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(
      invalidCases.map((c) => `hostile:${c.name}`).sort(),
    );
    for (const order of valid) await expect(repository.findById(order.orderId)).resolves.toEqual(order);

    const lineFor = new Map(
      logger.calls.filter((l) => typeof l.fields['messageId'] === 'string').map((l) => [l.fields['messageId'], l]),
    );
    const mismatches: string[] = [];
    for (const hostile of invalidCases) {
      const line = lineFor.get(`hostile:${hostile.name}`);
      const expected = hostile.expect as { code: string; field: string };
      const problems = (line?.fields['problems'] ?? []) as unknown as ValidationProblem[];
      const matches = problems.some(
        (p) => p.code === expected.code && p.field === expected.field && p.reason.length > 0,
      );
      if (line?.fields['outcome'] !== 'invalid' || !matches || typeof line.fields['errorCode'] !== 'string') {
        mismatches.push(
          `${hostile.name}: expected ${expected.field}/${expected.code}, logged ${JSON.stringify(line?.fields)}`,
        );
      }
      const text = JSON.stringify(line);
      for (const secret of hostile.sensitiveValues)
        if (secret.length > 3 && text.includes(secret)) mismatches.push(`${hostile.name}: log line leaks "${secret}"`);
    }
    expect(mismatches).toEqual([]);
  });
});
