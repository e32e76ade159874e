import { Logger } from '@aws-lambda-powertools/logger';
import { lambdaContext } from '@orders/lambda-local';
import { rawBody, sampleOrder, snsEnvelopeBody, sqsEvent, sqsRecord } from '@orders/testkit';
import { createFloorHandler } from '../src/references/floor';
import { InMemoryDynamoDb } from '../src/references/in-memory-dynamodb';
import { createPowertoolsStyleHandler } from '../src/references/powertools-style';
import { createSeedStyleHandler } from '../src/references/seed-style';

const order = sampleOrder({ orderId: 'O-ref-1', timestamp: '2025-05-03T12:00:00Z' });
const newer = sampleOrder({ orderId: 'O-ref-1', status: 'paid', timestamp: '2025-05-03T14:00:00+02:00' }); // same instant as 12:00Z
const later = sampleOrder({ orderId: 'O-ref-1', status: 'shipped', timestamp: '2025-05-03T13:00:00Z' });

describe('seed-style reference', () => {
  beforeEach(() => {
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('stores what it gets, unconditionally, one record after another', async () => {
    const store = new InMemoryDynamoDb();
    const handler = createSeedStyleHandler(store);
    await handler(sqsEvent([sqsRecord(snsEnvelopeBody(later)), sqsRecord(snsEnvelopeBody(order))]));
    // The older event arrived last and overwrote the newer one: the seed's behaviour.
    expect(store.get('O-ref-1')).toMatchObject({ status: 'new', timestamp: '2025-05-03T12:00:00Z' });
    expect(store.puts).toBe(2);
  });

  it('swallows a bad record, as the seed does, and returns nothing', async () => {
    const store = new InMemoryDynamoDb();
    const handler = createSeedStyleHandler(store);
    const result = await handler(sqsEvent([sqsRecord('not json'), sqsRecord(snsEnvelopeBody(order))]));
    expect(result).toBeUndefined();
    expect(store.puts).toBe(1);
    expect(console.error).toHaveBeenCalledTimes(1);
  });
});

describe('floor reference', () => {
  it('writes each record with one conditional put and reports the records it could not save', async () => {
    const store = new InMemoryDynamoDb();
    const handler = createFloorHandler(store);
    const bad = sqsRecord('{"Type":"Notification","Message":"{}"}', { messageId: 'bad-1' });
    const result = await handler(
      sqsEvent([sqsRecord(snsEnvelopeBody(order)), bad, sqsRecord('nope', { messageId: 'bad-2' })]),
    );
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'bad-1' }, { itemIdentifier: 'bad-2' }]);
    expect(store.get('O-ref-1')).toMatchObject({
      orderId: 'O-ref-1',
      status: 'new',
      instant: String(Date.parse('2025-05-03T12:00:00Z') / 1000),
    });
  });

  it('keeps the newest instant: an older or equal event is acknowledged without a write', async () => {
    const store = new InMemoryDynamoDb();
    const handler = createFloorHandler(store);
    expect((await handler(sqsEvent([sqsRecord(rawBody(later))]))).batchItemFailures).toEqual([]);
    expect(
      (await handler(sqsEvent([sqsRecord(rawBody(order)), sqsRecord(snsEnvelopeBody(newer))]))).batchItemFailures,
    ).toEqual([]);
    expect(store.get('O-ref-1')).toMatchObject({ status: 'shipped' });
    expect(store.puts).toBe(1);
  });

  it('reports a store failure as a record failure, with or without a concurrency bound', async () => {
    const failing = { send: async () => Promise.reject(new Error('throttled')) };
    for (const bound of [Infinity, 2]) {
      const handler = createFloorHandler(failing, 'Orders', bound);
      const records = [1, 2, 3].map((i) =>
        sqsRecord(snsEnvelopeBody(sampleOrder({ orderId: `O-f-${i}` })), { messageId: `m-${i}` }),
      );
      expect((await handler(sqsEvent(records))).batchItemFailures.map((f) => f.itemIdentifier)).toEqual([
        'm-1',
        'm-2',
        'm-3',
      ]);
    }
  });
});

describe('Powertools-style reference', () => {
  const silent = (): Logger => new Logger({ serviceName: 'test', logLevel: 'SILENT' });

  it('parses with the zod schemas, stores valid orders and reports invalid ones', async () => {
    const store = new InMemoryDynamoDb();
    const handler = createPowertoolsStyleHandler(store, 'Orders', silent());
    const invalid = sqsRecord(snsEnvelopeBody(JSON.stringify({ ...order, orderId: 'O-ref-2', quantity: 0 })), {
      messageId: 'bad-q',
    });
    const result = await handler(sqsEvent([sqsRecord(snsEnvelopeBody(order)), invalid]), lambdaContext());
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'bad-q' }]);
    expect(store.get('O-ref-1')).toMatchObject({ orderId: 'O-ref-1', quantity: 1, status: 'new' });
    expect(store.get('O-ref-2')).toBeUndefined();
  });

  it('acknowledges an older event without overwriting the newer one', async () => {
    const store = new InMemoryDynamoDb();
    const handler = createPowertoolsStyleHandler(store, 'Orders', silent());
    await handler(sqsEvent([sqsRecord(snsEnvelopeBody(later))]), lambdaContext());
    const result = await handler(sqsEvent([sqsRecord(snsEnvelopeBody(order))]), lambdaContext());
    expect(result.batchItemFailures).toEqual([]);
    expect(store.get('O-ref-1')).toMatchObject({ status: 'shipped' });
  });
});
