import fc from 'fast-check';
import { storedComesBeforeCondition, toOrderItem } from '@orders/adapters-aws';
import { compareOrderEvents, instantToDecimalSeconds, type TimedOrder } from '@orders/core';
import { orderEventHistories, timed } from '@orders/testkit';
import {
  evaluateCondition,
  type ExpressionContext,
  type Item,
  parseCondition,
} from '../src/standins/condition-expression';
import { FakeDynamoDbState } from '../src/standins/fake-dynamodb';
import { NEWER_WINS } from '../src/references/types';

const names = { '#orderId': 'orderId', '#instant': 'instant' };
const put = (state: FakeDynamoDbState, orderId: string, instant: string, extra: Record<string, unknown> = {}) =>
  state.handle('DynamoDB_20120810.PutItem', {
    TableName: 'Orders',
    Item: { orderId: { S: orderId }, instant: { N: instant } },
    ConditionExpression: NEWER_WINS,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: { ':instant': { N: instant } },
    ...extra,
  });

describe('condition expressions', () => {
  it('evaluates the newer-wins rule ours and the references send', () => {
    const condition = parseCondition(
      'attribute_not_exists(#orderId) OR attribute_not_exists(#instant) OR #instant < :instant',
    );
    const context = { names, values: { ':instant': { N: '10' } } };
    expect(evaluateCondition(condition, undefined, context)).toBe(true);
    expect(evaluateCondition(condition, { orderId: { S: 'a' } }, context)).toBe(true);
    expect(evaluateCondition(condition, { orderId: { S: 'a' }, instant: { N: '9.5' } }, context)).toBe(true);
    expect(evaluateCondition(condition, { orderId: { S: 'a' }, instant: { N: '10' } }, context)).toBe(false);
    expect(evaluateCondition(condition, { orderId: { S: 'a' }, instant: { N: '11' } }, context)).toBe(false);
  });

  it('handles AND, NOT, parentheses and comparisons, and refuses what it does not know', () => {
    const condition = parseCondition('NOT (a = :x) AND (b >= :y OR attribute_exists(c))');
    const values = { ':x': { S: 'x' }, ':y': { N: '2' } };
    expect(evaluateCondition(condition, { a: { S: 'z' }, b: { N: '3' } }, { values })).toBe(true);
    expect(evaluateCondition(condition, { a: { S: 'x' }, b: { N: '3' } }, { values })).toBe(false);
    expect(evaluateCondition(condition, { a: { S: 'z' }, c: { S: '' } }, { values })).toBe(true);
    expect(() => parseCondition('begins_with(a, :x)')).toThrow('Unsupported operator');
    expect(() => evaluateCondition(parseCondition('#missing = :x'), {}, { values })).toThrow('not defined');
  });
});

describe('the conditional write ours sends', () => {
  it('agrees with the total order of core on generated pairs of events', () => {
    fc.assert(
      fc.property(orderEventHistories({ orders: 1, maxEvents: 2 }), (events) => {
        const [stored, incoming] = events.map(timed) as [TimedOrder, TimedOrder | undefined];
        if (incoming === undefined) return;
        const storedItem = toOrderItem(stored.order, instantToDecimalSeconds(stored.instant), new Date(0));
        const condition = storedComesBeforeCondition(incoming, instantToDecimalSeconds(incoming.instant));
        const context = condition as unknown as ExpressionContext;
        const holds = evaluateCondition(parseCondition(condition.expression), storedItem as Item, context);
        expect(holds).toBe(compareOrderEvents(incoming, stored) > 0);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('fake DynamoDB state', () => {
  const table = (): FakeDynamoDbState => {
    const state = new FakeDynamoDbState();
    state.handle('DynamoDB_20120810.CreateTable', {
      TableName: 'Orders',
      KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' }],
    });
    return state;
  };

  it('creates, replaces (returning the old item) and refuses a put whose condition fails, returning the stored item', () => {
    const state = table();
    expect(put(state, 'o1', '10', { ReturnValues: 'ALL_OLD' })).toEqual({ status: 200, body: {} });
    expect(put(state, 'o1', '11', { ReturnValues: 'ALL_OLD' })).toEqual({
      status: 200,
      body: { Attributes: { orderId: { S: 'o1' }, instant: { N: '10' } } },
    });
    const refused = put(state, 'o1', '11', { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
      Item: { orderId: { S: 'o1' }, instant: { N: '11' } },
    });
    expect(
      state.handle('DynamoDB_20120810.GetItem', { TableName: 'Orders', Key: { orderId: { S: 'o1' } } }).body,
    ).toEqual({
      Item: { orderId: { S: 'o1' }, instant: { N: '11' } },
    });
    expect(state.handle('DynamoDB_20120810.Scan', { TableName: 'Orders', Select: 'COUNT' }).body).toMatchObject({
      Count: 1,
    });
  });

  it('answers like DynamoDB for a missing table or an unknown operation', () => {
    const state = new FakeDynamoDbState();
    expect(put(state, 'o1', '1').body).toMatchObject({ __type: expect.stringContaining('ResourceNotFoundException') });
    expect(state.handle('DynamoDB_20120810.BatchWriteItem', {}).body).toMatchObject({
      __type: expect.stringContaining('UnknownOperationException'),
    });
  });
});
