import { SEED_DUMMY_ORDER } from '@orders/simulation';
import type { Order } from '../../src';

/** A valid order (the seed's) as a plain JSON-shaped record, to mutate one field at a time. */
export const validRecord = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  ...SEED_DUMMY_ORDER,
  ...overrides,
});

/** The same record without one field. */
export function without(field: keyof Order): Record<string, unknown> {
  const record = validRecord();
  delete record[field];
  return record;
}

/** Unicode-aware repeat helpers: `astral(3)` is three code points, six UTF-16 units. */
export const ascii = (length: number, unit = 'a'): string => unit.repeat(length);
export const astral = (length: number): string => '😀'.repeat(length);
