import { noRecordTracing } from '@orders/core';
import { type CommandTracing, shutdownWithin } from '../../src/runtime/command-tracing';

/** A tracing whose shutdown answers only when the test says so, like an export to a hung collector. */
function hungTracing(enabled: boolean) {
  const calls = { shutdown: 0 };
  let finish: () => void = () => undefined;
  const tracing: CommandTracing = {
    enabled,
    recordTracing: noRecordTracing,
    shutdown: () => {
      calls.shutdown++;
      return new Promise<void>((resolve) => {
        finish = resolve;
      });
    },
  };
  return { tracing, calls, finish: () => finish() };
}

describe('shutdownWithin (a stopping consumer waits a bounded time for its last spans)', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('gives up on a shutdown that does not answer once the budget is spent', async () => {
    const { tracing, calls } = hungTracing(true);
    let done = false;
    const stopping = shutdownWithin(tracing, 1_000).then(() => {
      done = true;
    });
    await jest.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await stopping;
    expect(done).toBe(true);
    expect(calls.shutdown).toBe(1);
  });

  it('ends as soon as the shutdown does, leaving no timer behind', async () => {
    const hung = hungTracing(true);
    const stopping = shutdownWithin(hung.tracing, 1_000);
    hung.finish();
    await stopping;
    expect(jest.getTimerCount()).toBe(0);
  });

  it('does nothing when tracing is off', async () => {
    const { tracing, calls } = hungTracing(false);
    await shutdownWithin(tracing, 1_000);
    expect(calls.shutdown).toBe(0);
  });
});
