import { rawBody, sampleOrder, snsEnvelopeBody } from '@orders/testkit';
import { ProcessOrderBatch, RepositoryUnavailableError, type InboundMessage, type OrderRepository } from '../../src';
import { FakeOrderRepository } from '../support/fake-order-repository';
import { RecordingLogger } from '@orders/testkit';
import { ManualClock, RecordingMetrics } from '../support/recording-metrics';

const USER = 'U-PRIVATE-4242';
const ITEM = 'Confidential Widget ☂';
const OTHER_ITEM = 'Another Secret Gadget';
const secretOrder = (orderId: string, timestamp = '2025-05-03T12:00:00Z') =>
  sampleOrder({ orderId, userId: USER, itemName: ITEM, timestamp });

/** Every kind of outcome, each record carrying the private userId and itemName. */
function mixedBatch(): InboundMessage[] {
  return [
    { messageId: 'm-created', body: snsEnvelopeBody(secretOrder('A')), receiveCount: 1 },
    { messageId: 'm-updated', body: rawBody(secretOrder('P', '2025-05-03T12:00:05Z')), receiveCount: 2 },
    { messageId: 'm-duplicate', body: rawBody(secretOrder('P', '2025-05-03T14:00:05+02:00')) },
    // Same instant as m-updated, another private itemName that loses the tie ('A…' < 'C…').
    { messageId: 'm-conflict', body: rawBody({ ...secretOrder('P', '2025-05-03T12:00:05Z'), itemName: OTHER_ITEM }) },
    { messageId: 'm-stale', body: rawBody(secretOrder('P', '2025-05-03T11:00:00Z')) },
    { messageId: 'm-invalid', body: JSON.stringify({ ...secretOrder('I'), quantity: 0, status: 'lost' }) },
    {
      messageId: 'm-invalid-in-envelope',
      body: snsEnvelopeBody(JSON.stringify({ ...secretOrder('J'), itemName: `${ITEM}\u0000` })),
    },
    { messageId: 'm-failed', body: rawBody(secretOrder('BROKEN')) },
    { messageId: 'm-not-json', body: `{"userId":"${USER}","itemName":"${ITEM}"` },
  ];
}

async function run(options: { logger?: RecordingLogger; contextLogger?: RecordingLogger } = {}) {
  const logger = options.logger ?? new RecordingLogger();
  const metrics = new RecordingMetrics();
  const clock = new ManualClock();
  const inner = new FakeOrderRepository({
    failures: new Map([['BROKEN', new RepositoryUnavailableError('table unreachable')]]),
  });
  // The stored 'P' is at 12:00:00 (first created by a seed write below); each save takes 7 ms of clock time.
  await inner.save({ order: secretOrder('P'), instant: { epochSeconds: 1_746_273_600, nanos: 0 } });
  const repository: OrderRepository = {
    save: async (event) => {
      clock.current += 7;
      return inner.save(event);
    },
    findById: (id) => inner.findById(id),
  };
  const useCase = new ProcessOrderBatch({ repository, logger, metrics, clock }, { concurrency: 1 });
  const messages = mixedBatch();
  const result = await useCase.execute(messages, options.contextLogger ? { logger: options.contextLogger } : {});
  return { logger, metrics, result, messages };
}

describe('ProcessOrderBatch: logs', () => {
  it('writes exactly one line per record, at a level that matches its outcome', async () => {
    const { logger, result } = await run();
    expect(result.outcomes.map((o) => o.status)).toEqual([
      'created',
      'updated',
      'duplicate',
      'conflict',
      'stale',
      'invalid',
      'invalid',
      'failed',
      'invalid',
    ]);
    expect(logger.calls.map((c) => [c.level, c.fields['messageId'], c.fields['outcome']])).toEqual([
      ['info', 'm-created', 'created'],
      ['info', 'm-updated', 'updated'],
      ['info', 'm-duplicate', 'duplicate'],
      ['warn', 'm-conflict', 'conflict'],
      ['info', 'm-stale', 'stale'],
      ['warn', 'm-invalid', 'invalid'],
      ['warn', 'm-invalid-in-envelope', 'invalid'],
      ['error', 'm-failed', 'failed'],
      ['warn', 'm-not-json', 'invalid'],
    ]);
  });

  it('names the order, the error code and every problem of a rejected record', async () => {
    const { logger } = await run();
    const invalid = logger.calls.find((c) => c.fields['messageId'] === 'm-invalid');
    expect(invalid?.fields).toEqual(
      expect.objectContaining({
        orderId: 'I',
        errorCode: 'out_of_range',
        error: { field: 'quantity', code: 'out_of_range', reason: expect.any(String) },
        problems: [
          { field: 'quantity', code: 'out_of_range', reason: expect.any(String) },
          { field: 'status', code: 'not_allowed', reason: expect.any(String) },
        ],
      }),
    );
    const failed = logger.calls.find((c) => c.fields['messageId'] === 'm-failed');
    expect(failed?.fields).toEqual(
      expect.objectContaining({ orderId: 'BROKEN', errorCode: 'repository_unavailable', failureClass: 'transient' }),
    );
    expect(invalid?.fields).toEqual(expect.objectContaining({ failureClass: 'invalid' }));
    const conflict = logger.calls.find((c) => c.fields['messageId'] === 'm-conflict');
    expect(conflict?.fields).toEqual(expect.objectContaining({ orderId: 'P', differingFields: ['itemName'] }));
    const created = logger.calls.find((c) => c.fields['messageId'] === 'm-created');
    expect(created?.fields).toEqual(
      expect.objectContaining({ orderId: 'A', receiveCount: 1, snsMessageId: expect.any(String) }),
    );
  });

  it('never logs a userId, an itemName or a payload', async () => {
    const { logger, messages } = await run();
    const logged = logger.serialized();
    expect(logged).not.toContain(USER);
    expect(logged).not.toContain('Confidential Widget');
    expect(logged).not.toContain(OTHER_ITEM);
    expect(logged).not.toContain(JSON.stringify(ITEM).slice(1, -1));
    for (const { body } of messages) expect(logged).not.toContain(body);
    expect(logged).not.toContain('"quantity":0');
  });

  it('logs through the invocation logger from the context when one is given', async () => {
    const base = new RecordingLogger();
    const requestLogger = new RecordingLogger().child({ requestId: 'req-1' }) as RecordingLogger;
    const { logger } = await run({ logger: base, contextLogger: requestLogger });
    expect(logger.calls).toEqual([]);
    expect(requestLogger.calls).toHaveLength(9);
    expect(requestLogger.calls.every((c) => c.fields['requestId'] === 'req-1')).toBe(true);
  });
});

describe('ProcessOrderBatch: metrics', () => {
  it('records each batch once, with counts by outcome, the batch size and the clock-measured duration', async () => {
    const { metrics } = await run();
    expect(metrics.batches).toEqual([
      {
        counts: { created: 1, updated: 1, duplicate: 1, conflict: 1, stale: 1, invalid: 3, failed: 1 },
        // Why they failed, by class and code: what the per-code metrics and the alarms count.
        failures: expect.arrayContaining([
          { failureClass: 'invalid', code: 'out_of_range', count: 1 },
          { failureClass: 'invalid', code: 'control_character', count: 1 },
          { failureClass: 'invalid', code: 'not_json', count: 1 },
          { failureClass: 'transient', code: 'repository_unavailable', count: 1 },
        ]),
        batchSize: 9,
        durationMs: 6 * 7,
      },
    ]);
  });

  it('records an empty batch too', async () => {
    const metrics = new RecordingMetrics();
    await new ProcessOrderBatch({ repository: new FakeOrderRepository(), metrics }).execute([]);
    expect(metrics.batches).toEqual([
      {
        counts: { created: 0, updated: 0, duplicate: 0, conflict: 0, stale: 0, invalid: 0, failed: 0 },
        failures: [],
        batchSize: 0,
        durationMs: expect.any(Number),
      },
    ]);
  });
});
