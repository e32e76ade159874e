import { decodeOrderMessage, serializeOrder, validateOrder, wrapInSnsNotification } from '../../src';
import { validRecord } from '../support/orders';

const VALID = JSON.stringify(validRecord());
const envelope = (message: string): string =>
  JSON.stringify(
    wrapInSnsNotification(message, {
      messageId: 'm-1',
      topicArn: 'arn:aws:sns:us-east-1:1:T',
      timestamp: '2025-05-03T12:00:01Z',
    }),
  );
/** Splices raw JSON members into the valid order's text, so keys like __proto__ stay own keys. */
const withMembers = (members: string, base = VALID): string => `{${members},${base.slice(1)}`;

const snapshot = (): Record<string, string[]> => ({
  object: Object.getOwnPropertyNames(Object.prototype).sort(),
  array: Object.getOwnPropertyNames(Array.prototype).sort(),
  function: Object.getOwnPropertyNames(Function.prototype).sort(),
  string: Object.getOwnPropertyNames(String.prototype).sort(),
});

describe('hostile keys never pollute a prototype', () => {
  const before = snapshot();

  afterEach(() => {
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(({} as Record<string, unknown>)['status']).toBeUndefined();
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
    expect(snapshot()).toEqual(before);
  });

  it.each([
    ['__proto__ with a polluting member', '"__proto__":{"polluted":"yes"}'],
    ['constructor.prototype', '"constructor":{"prototype":{"polluted":"yes"}}'],
    ['prototype', '"prototype":{"polluted":"yes"}'],
    ['__proto__ set to null', '"__proto__":null'],
    ['__proto__ set to an array', '"__proto__":[{"polluted":"yes"}]'],
    [
      'nested __proto__ in an unknown field',
      '"extra":{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}',
    ],
  ])('a valid raw order with %s stays valid and harmless', (_label, members) => {
    const result = decodeOrderMessage(withMembers(members));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(Object.getPrototypeOf(result.value.order)).toBe(Object.prototype);
    expect(Object.keys(result.value.order)).not.toContain('__proto__');
    expect(JSON.parse(serializeOrder(result.value.order))).toEqual(validRecord());
  });

  it('the same keys inside an SNS envelope message are harmless too', () => {
    const result = decodeOrderMessage(
      envelope(withMembers('"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}')),
    );
    expect(result.ok).toBe(true);
  });

  it('__proto__ on the envelope itself does not pollute', () => {
    const body = `{"__proto__":{"polluted":"yes"},${envelope(VALID).slice(1)}`;
    expect(decodeOrderMessage(body).ok).toBe(true);
  });

  it('a field supplied only through __proto__ is still missing', () => {
    const noStatus = JSON.stringify({ ...validRecord(), status: undefined });
    const result = decodeOrderMessage(withMembers('"__proto__":{"status":"new"}', noStatus));
    expect(result).toEqual({
      ok: false,
      problems: [expect.objectContaining({ field: 'status', code: 'required' })],
      orderId: 'O1234',
    });
  });

  it('a whole order supplied only through __proto__ is missing every field', () => {
    const result = decodeOrderMessage(`{"__proto__":${VALID}}`);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.map((p) => p.code)).toEqual(Array(6).fill('required'));
  });

  it('an envelope supplied only through __proto__ is not an envelope', () => {
    const result = decodeOrderMessage(`{"__proto__":${envelope(VALID)}}`);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]).toEqual(expect.objectContaining({ field: 'orderId', code: 'required' }));
  });

  it('validateOrder ignores a real prototype that carries order fields', () => {
    const candidate = Object.create(validRecord()) as Record<string, unknown>;
    candidate['orderId'] = 'O9';
    const result = validateOrder(candidate);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.problems.map((p) => p.field)).toEqual(['userId', 'itemName', 'quantity', 'status', 'timestamp']);
  });
});
