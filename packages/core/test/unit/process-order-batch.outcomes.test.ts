import { RecordingLogger, rawBody, sampleOrder, snsEnvelopeBody } from '@orders/testkit';
import {
  type ErrorDescription,
  ProcessOrderBatch,
  RepositoryUnavailableError,
  type InboundMessage,
  type OrderRepository,
} from '../../src';
import { FakeOrderRepository } from '../support/fake-order-repository';
import { RecordingMetrics } from '../support/recording-metrics';

const message = (messageId: string, body: string): InboundMessage => ({ messageId, body });

describe('ProcessOrderBatch: one outcome per message', () => {
  it('returns an empty result for an empty batch', async () => {
    const repository = new FakeOrderRepository();
    await expect(new ProcessOrderBatch({ repository }).execute([])).resolves.toEqual({
      outcomes: [],
      failedMessageIds: [],
      throttledSaves: 0,
      writeConcurrency: 100,
    });
    expect(repository.saveCalls).toEqual([]);
  });

  it('reports created, updated, duplicate, conflict, stale and invalid in input order, failing only the invalid', async () => {
    const repository = new FakeOrderRepository();
    const useCase = new ProcessOrderBatch({ repository }, { concurrency: 1 });
    await useCase.execute([message('seed', rawBody(sampleOrder({ orderId: 'A', timestamp: '2025-05-03T12:00:00Z' })))]);

    const result = await useCase.execute([
      message('m-new', snsEnvelopeBody(sampleOrder({ orderId: 'B' }))),
      message('m-newer', rawBody(sampleOrder({ orderId: 'A', status: 'paid', timestamp: '2025-05-03T12:00:01Z' }))),
      // The same event as m-newer, in another zone: a duplicate.
      message(
        'm-same-event',
        rawBody(sampleOrder({ orderId: 'A', status: 'paid', timestamp: '2025-05-03T14:00:01+02:00' })),
      ),
      // The same instant with different content that loses the tie (new < paid): a conflict.
      message('m-same-instant', rawBody(sampleOrder({ orderId: 'A', timestamp: '2025-05-03T14:00:01+02:00' }))),
      message(
        'm-older',
        rawBody(sampleOrder({ orderId: 'A', status: 'cancelled', timestamp: '2025-05-03T13:00:00+02:00' })),
      ),
      message('m-bad', '{"orderId":"C","quantity":"1"}'),
      message('m-garbage', 'not json'),
    ]);

    expect(result.outcomes.map((o) => [o.messageId, o.status])).toEqual([
      ['m-new', 'created'],
      ['m-newer', 'updated'],
      ['m-same-event', 'duplicate'],
      ['m-same-instant', 'conflict'],
      ['m-older', 'stale'],
      ['m-bad', 'invalid'],
      ['m-garbage', 'invalid'],
    ]);
    expect(result.failedMessageIds).toEqual(['m-bad', 'm-garbage']);
    expect(repository.stored.get('A')?.order.status).toBe('paid');
    expect(result.outcomes[3]).toEqual(expect.objectContaining({ status: 'conflict', differingFields: ['status'] }));
    expect(result.outcomes[5]).toEqual(
      expect.objectContaining({
        orderId: 'C',
        problems: expect.arrayContaining([expect.objectContaining({ field: 'quantity', code: 'wrong_type' })]),
      }),
    );
    expect(result.outcomes[6]).not.toHaveProperty('orderId');
  });

  it('carries the SNS MessageId of an enveloped message into its outcome', async () => {
    const body = snsEnvelopeBody(sampleOrder());
    const result = await new ProcessOrderBatch({ repository: new FakeOrderRepository() }).execute([
      message('m1', body),
    ]);
    expect(result.outcomes[0]).toEqual(
      expect.objectContaining({ status: 'created', orderId: 'O1234', snsMessageId: JSON.parse(body).MessageId }),
    );
  });

  it('turns a storage error into a failed outcome with its code, leaving the other records alone', async () => {
    const repository = new FakeOrderRepository({
      failures: new Map([
        ['BROKEN', new RepositoryUnavailableError('table unreachable', { cause: new Error('ECONNRESET') })],
      ]),
    });
    const result = await new ProcessOrderBatch({ repository }, { concurrency: 4 }).execute([
      message('m1', rawBody(sampleOrder({ orderId: 'OK-1' }))),
      message('m2', rawBody(sampleOrder({ orderId: 'BROKEN' }))),
      message('m3', rawBody(sampleOrder({ orderId: 'OK-2' }))),
    ]);
    expect(result.outcomes[1]).toEqual({
      status: 'failed',
      messageId: 'm2',
      orderId: 'BROKEN',
      error: {
        name: 'RepositoryUnavailableError',
        code: 'repository_unavailable',
        message: 'table unreachable',
        failureClass: 'transient',
      },
    });
    expect(result.failedMessageIds).toEqual(['m2']);
    expect([...repository.stored.keys()].sort()).toEqual(['OK-1', 'OK-2']);
  });

  it('keeps the code of a plain Error that has one, and names the rest unexpected_error', async () => {
    const throttled = Object.assign(new Error('slow down'), { name: 'ThrottlingException', code: 'throttled' });
    const repository = new FakeOrderRepository({
      failures: new Map<string, unknown>([
        ['T', throttled],
        ['E', new TypeError('boom')],
      ]),
    });
    const result = await new ProcessOrderBatch({ repository }).execute([
      message('m1', rawBody(sampleOrder({ orderId: 'T' }))),
      message('m2', rawBody(sampleOrder({ orderId: 'E' }))),
    ]);
    expect(result.outcomes.map((o) => (o.status === 'failed' ? [o.error.name, o.error.code] : o.status))).toEqual([
      ['ThrottlingException', 'throttled'],
      ['TypeError', 'unexpected_error'],
    ]);
  });

  it.each([
    ['a string', 'database on fire'],
    ['undefined', undefined],
    ['null', null],
    ['a plain object', { code: 'sneaky', payload: 'U-SECRET' }],
    ['a number', 503],
  ])('survives a repository that throws %s', async (_label, thrown) => {
    const repository = new FakeOrderRepository({ failures: new Map([['X', thrown]]) });
    const result = await new ProcessOrderBatch({ repository }).execute([
      message('m1', rawBody(sampleOrder({ orderId: 'X' }))),
      message('m2', rawBody(sampleOrder({ orderId: 'Y' }))),
    ]);
    expect(result.outcomes[0]).toEqual(
      expect.objectContaining({
        status: 'failed',
        error: { name: 'NonError', code: 'unexpected_error', message: expect.any(String), failureClass: 'systemic' },
      }),
    );
    expect(JSON.stringify(result.outcomes)).not.toContain('U-SECRET');
    expect(result.outcomes[1]?.status).toBe('created');
    expect(result.failedMessageIds).toEqual(['m1']);
  });

  it('survives a repository whose save throws synchronously instead of rejecting', async () => {
    const repository: OrderRepository = {
      save: () => {
        throw new RepositoryUnavailableError('sync failure');
      },
      findById: async () => undefined,
    };
    const result = await new ProcessOrderBatch({ repository }).execute([message('m1', rawBody(sampleOrder()))]);
    expect(result.outcomes[0]).toEqual(
      expect.objectContaining({ status: 'failed', error: expect.objectContaining({ code: 'repository_unavailable' }) }),
    );
  });

  it('lists a failed messageId once even when the batch repeats it', async () => {
    const repository = new FakeOrderRepository({
      failures: new Map([['BROKEN', new RepositoryUnavailableError('down')]]),
    });
    const result = await new ProcessOrderBatch({ repository }).execute([
      message('dup', 'not json'),
      message('dup', 'still not json'),
      message('twice-failed', rawBody(sampleOrder({ orderId: 'BROKEN' }))),
      message('twice-failed', rawBody(sampleOrder({ orderId: 'BROKEN' }))),
      message('ok', rawBody(sampleOrder())),
      message('dup', rawBody(sampleOrder({ orderId: 'O2' }))),
    ]);
    expect(result.outcomes).toHaveLength(6);
    expect(result.failedMessageIds).toEqual(['dup', 'twice-failed']);
  });

  it('refuses a concurrency that is not a positive integer', () => {
    const repository = new FakeOrderRepository();
    for (const concurrency of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new ProcessOrderBatch({ repository }, { concurrency })).toThrow(RangeError);
    }
  });
});

describe('ProcessOrderBatch with a repository that answers nonsense', () => {
  it('fails the message (so it is retried) instead of acknowledging an unknown outcome', async () => {
    const broken = { save: async () => 'weird' as never, findById: async () => undefined };
    const result = await new ProcessOrderBatch({ repository: broken }).execute([
      {
        messageId: 'm1',
        body: JSON.stringify({
          orderId: 'O1',
          userId: 'U',
          itemName: 'I',
          quantity: 1,
          status: 'new',
          timestamp: '2025-05-03T12:00:00Z',
        }),
      },
    ]);
    expect(result.failedMessageIds).toEqual(['m1']);
    expect(result.outcomes[0]).toMatchObject({ status: 'failed', error: { code: 'invalid_save_outcome' } });
  });

  it('hands back the records a context says to, in order at concurrency 1, telling each outcome as it is known', async () => {
    const repository = new FakeOrderRepository();
    const seen: string[] = [];
    let blocked = false;
    const result = await new ProcessOrderBatch({ repository }).execute(
      [message('m1', 'bad'), message('m2', rawBody(sampleOrder({ orderId: 'X2' })))],
      {
        concurrency: 1,
        handBack: () =>
          blocked
            ? { name: 'Blocked', code: 'blocked', message: 'an earlier record failed', failureClass: 'transient' }
            : undefined,
        onOutcome: (m, outcome) => {
          seen.push(`${m.messageId}:${outcome.status}`);
          if (outcome.status !== 'created') blocked = true;
        },
      },
    );
    expect(seen).toEqual(['m1:invalid', 'm2:failed']);
    expect(result.outcomes[1]).toMatchObject({
      status: 'failed',
      error: { code: 'blocked', failureClass: 'transient' },
    });
    expect(repository.saveCalls).toEqual([]);
  });

  it('defers the records a context says to: untried, reported, but logged and counted apart from the failures', async () => {
    const repository = new FakeOrderRepository({
      failures: new Map([['X1', new RepositoryUnavailableError('throttled', { code: 'throttled' })]]),
    });
    const metrics = new RecordingMetrics();
    const logger = new RecordingLogger();
    const blocked: ErrorDescription = {
      name: 'Blocked',
      code: 'blocked',
      message: 'an earlier record failed',
      failureClass: 'transient',
    };
    let m1Done = false;
    const result = await new ProcessOrderBatch({ repository, metrics, logger }).execute(
      [
        message('m1', rawBody(sampleOrder({ orderId: 'X1' }))),
        message('m2', rawBody(sampleOrder({ orderId: 'X2' }))),
        message('m3', rawBody(sampleOrder({ orderId: 'X3' }))),
      ],
      {
        concurrency: 1,
        deferBehind: (m) => (m.messageId === 'm2' && m1Done ? { behind: 'm1', reason: blocked } : undefined),
        // The deadline passes after m1: m2 is still deferred (its order, not the clock, decides), m3 is not started.
        shouldStop: () => m1Done,
        onOutcome: (m) => {
          if (m.messageId === 'm1') m1Done = true;
        },
      },
    );
    expect(result.outcomes[1]).toEqual({ status: 'failed', messageId: 'm2', error: blocked, deferredBehind: 'm1' });
    expect(result.outcomes[2]).toMatchObject({ status: 'failed', error: { code: 'deadline_exceeded' } });
    expect(result.outcomes[2]).not.toHaveProperty('deferredBehind');
    // Reported like any record handed back, so the queue keeps it...
    expect(result.failedMessageIds).toEqual(['m1', 'm2', 'm3']);
    expect(repository.saveCalls).toEqual(['X1']);
    // ...but not counted as a failure of its own: its own count, outside `failed` and the tallies.
    expect(metrics.batches).toEqual([
      {
        counts: { created: 0, updated: 0, duplicate: 0, conflict: 0, stale: 0, invalid: 0, failed: 2 },
        failures: [
          { failureClass: 'transient', code: 'throttled', count: 1 },
          { failureClass: 'transient', code: 'deadline_exceeded', count: 1 },
        ],
        deferred: 1,
        // m1's save was throttled: a pressure signal too (adaptive-concurrency.test.ts).
        throttledSaves: 1,
        batchSize: 3,
        durationMs: expect.any(Number),
      },
    ]);
    const line = logger.calls.find((l) => l.fields['messageId'] === 'm2');
    expect(line).toMatchObject({
      level: 'warn',
      fields: { outcome: 'failed', errorCode: 'blocked', deferredBehind: 'm1', failureClass: undefined },
    });
  });
});
