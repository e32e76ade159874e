import type { createOrderPipeline, ManualScheduler } from '@orders/adapters-memory';
import { type ConsumerReport, serializeOrder } from '@orders/core';
import { createOrderGenerator } from '@orders/simulation';

// What the QueueConsumer suites share: they run the consumer on the in-memory pipeline and a
// manual clock, so time moves only when a test (or `driveConsumer`) moves it.

/** One turn of the event loop: lets every promise that can settle now settle. */
export const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function ticks(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await tick();
}

/** A promise the test resolves or rejects when it chooses. */
export function gate<T = void>() {
  let open: (value: T) => void = () => undefined;
  let fail: (error: unknown) => void = () => undefined;
  const promise = new Promise<T>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

/** Publishes `count` generated orders (seeded, so every run sees the same ones) to the pipeline's topic. */
export async function publishOrders(
  pipeline: ReturnType<typeof createOrderPipeline>,
  count: number,
  seed = 3,
): Promise<void> {
  const generator = createOrderGenerator(seed);
  for (let i = 0; i < count; i++) await pipeline.topic.publish({ body: serializeOrder(generator.next()) });
}

/**
 * Lets the consumer run, moving the manual clock by `stepMs` whenever it is waiting on something
 * else; fails after `maxSteps` turns, so a consumer that never finishes fails its test instead of
 * hanging it.
 */
export async function driveConsumer(
  running: Promise<ConsumerReport>,
  scheduler: ManualScheduler,
  stepMs: number,
  maxSteps = 20_000,
): Promise<ConsumerReport> {
  let done: ConsumerReport | undefined;
  void running.then((report) => {
    done = report;
  });
  for (let i = 0; i < maxSteps && done === undefined; i++) {
    await tick();
    if (done === undefined) scheduler.advance(stepMs);
  }
  if (done === undefined) throw new Error('the consumer did not finish');
  return done;
}
