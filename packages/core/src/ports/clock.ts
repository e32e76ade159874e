/** The current time, as milliseconds since the epoch. Injected so simulations can run on a manual clock. */
export interface Clock {
  now(): number;
}

export const CLOCK: unique symbol = Symbol.for('orders.Clock');

export const systemClock: Clock = { now: () => Date.now() };
