import { validateOrder } from '../../src';
import { validRecord } from '../support/orders';

describe('validateOrder: the order as a whole', () => {
  it('accepts the seed dummy order and pairs it with its instant', () => {
    const result = validateOrder(validRecord());
    expect(result).toEqual({
      ok: true,
      value: { order: validRecord(), instant: { epochSeconds: 1_746_273_600, nanos: 0 } },
    });
  });

  it('reports every problem at once, one per field, in field order', () => {
    const result = validateOrder({
      orderId: '',
      userId: 7,
      itemName: 'x'.repeat(513),
      quantity: '1',
      status: 'lost',
      timestamp: '2025-05-03T12:00:00',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => [p.field, p.code])).toEqual([
      ['orderId', 'too_short'],
      ['userId', 'wrong_type'],
      ['itemName', 'too_long'],
      ['quantity', 'wrong_type'],
      ['status', 'not_allowed'],
      ['timestamp', 'missing_zone'],
    ]);
  });

  it('reports every missing field of an empty object', () => {
    const result = validateOrder({});
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => `${p.field}:${p.code}`)).toEqual([
      'orderId:required',
      'userId:required',
      'itemName:required',
      'quantity:required',
      'status:required',
      'timestamp:required',
    ]);
  });

  it('gives every problem a stable code and a non-empty sentence that does not echo the value', () => {
    const secret = 'SECRET-VALUE-42';
    const result = validateOrder({
      orderId: `${secret}\u0000`,
      userId: `${secret}\ud800`,
      itemName: `${secret}`.repeat(40),
      quantity: secret,
      status: secret,
      timestamp: secret,
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toHaveLength(6);
    for (const p of result.problems) {
      expect(p.reason.trim().length).toBeGreaterThan(3);
      expect(p.reason).not.toContain(secret);
      expect(p.code).toMatch(/^[a-z_]+$/);
    }
  });

  it('ignores unknown fields and never copies them into the order', () => {
    const result = validateOrder(
      validRecord({ coupon: 'SAVE10', nested: { deep: [1, 2, 3] }, Type: 'standard', Message: 'x' }),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(Object.keys(result.value.order).sort()).toEqual([
      'itemName',
      'orderId',
      'quantity',
      'status',
      'timestamp',
      'userId',
    ]);
    expect(result.value.order).not.toHaveProperty('coupon');
  });

  it('returns a new object, not the candidate itself', () => {
    const candidate = validRecord();
    const result = validateOrder(candidate);
    expect(result.ok && result.value.order).not.toBe(candidate);
  });

  it.each([
    ['null', null, 'null'],
    ['undefined', undefined, 'undefined'],
    ['an array', [validRecord()], 'an array'],
    ['a string', '{"orderId":"O1"}', 'a string'],
    ['a number', 42, 'a number'],
    ['a boolean', true, 'a boolean'],
  ])('rejects %s as not_an_object', (_label, candidate, described) => {
    expect(validateOrder(candidate)).toEqual({
      ok: false,
      problems: [{ field: 'order', code: 'not_an_object', reason: expect.stringContaining(described) }],
    });
  });

  it('reads only own properties: inherited fields count as missing', () => {
    const inherited = Object.create(validRecord()) as Record<string, unknown>;
    const result = validateOrder(inherited);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems).toHaveLength(6);
  });

  it('accepts an object without a prototype', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, validRecord());
    expect(validateOrder(bare).ok).toBe(true);
  });

  it('is not fooled by fields named like Object.prototype methods', () => {
    const result = validateOrder(validRecord({ hasOwnProperty: 'nope', toString: 1, valueOf: null }));
    expect(result.ok).toBe(true);
  });
});
