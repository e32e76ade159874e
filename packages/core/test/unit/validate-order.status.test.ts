import { ORDER_STATUSES, validateOrder } from '../../src';
import { validRecord } from '../support/orders';

describe('status: one of the six statuses', () => {
  it('lists exactly the statuses of the issue', () => {
    expect([...ORDER_STATUSES].sort()).toEqual(['cancelled', 'delivered', 'new', 'paid', 'processing', 'shipped']);
  });

  it.each([...ORDER_STATUSES])('accepts %s', (status) => {
    const result = validateOrder(validRecord({ status }));
    expect(result.ok && result.value.order.status).toBe(status);
  });

  it.each(['NEW', 'New', ' new', 'new ', '', 'refunded', 'canceled', 'toString', '__proto__', 'constructor'])(
    'rejects %p as not_allowed',
    (status) => {
      expect(validateOrder(validRecord({ status }))).toEqual({
        ok: false,
        problems: [expect.objectContaining({ field: 'status', code: 'not_allowed' })],
      });
    },
  );

  it.each([[1], [null], [true], [['new']], [{ status: 'new' }]])('rejects %p as wrong_type', (status) => {
    expect(validateOrder(validRecord({ status }))).toEqual({
      ok: false,
      problems: [expect.objectContaining({ field: 'status', code: 'wrong_type' })],
    });
  });
});
