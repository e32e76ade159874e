import type { Order } from '@orders/core';
import { SEED_DUMMY_ORDER } from '@orders/simulation';

/** The seed write-up's dummy order with some fields changed: the starting point of most tests. */
export const sampleOrder = (overrides: Partial<Order> = {}): Order => ({ ...SEED_DUMMY_ORDER, ...overrides });
