import { InMemoryOrderRepository } from '@orders/adapters-memory';
import { RepositoryUnavailableError, type OrderRepository } from '@orders/core';
import { rawBody, sampleOrder, sqsEvent, sqsRecord } from '@orders/testkit';
import { lambdaContext } from '@orders/lambda-local';
import { FullBatchFailureError } from '../../src/invocation/full-batch-failure';
import { handlerWith } from './support';

// Settings the handler cannot honour as configured — a deadline margin as long as the invocation, a
// retry delay longer than SQS keeps a message hidden — are cut to what can be honoured, and said
// once per execution environment (one handler), not on every invocation.

/** A Lambda context whose clock the test moves: `remainingMs` is what getRemainingTimeInMillis says. */
function manualContext(remainingMs: number) {
  const clock = { remainingMs };
  return { clock, context: lambdaContext({ getRemainingTimeInMillis: () => clock.remainingMs }) };
}

const orderRecords = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) =>
    sqsRecord(rawBody(sampleOrder({ orderId: `${prefix}${i + 1}` })), { messageId: `${prefix.toLowerCase()}${i + 1}` }),
  );

describe('a deadline margin as long as the invocation', () => {
  it("still processes records with Lambda's default 3 s timeout and a 3000 ms margin, and says so once", async () => {
    const { handler, repository, logger } = handlerWith(new InMemoryOrderRepository(), {
      ORDERS_DEADLINE_MARGIN_MS: '3000',
    });
    // A 3 s invocation has a little less than 3 s left by the time the handler runs.
    for (const invocation of [1, 2, 3]) {
      const { context } = manualContext(2_990);
      await expect(handler(sqsEvent(orderRecords(`M${invocation}-`, 2)), context)).resolves.toEqual({
        batchItemFailures: [],
      });
    }
    await expect(repository.findById('M3-2')).resolves.toBeDefined();
    const warnings = logger.calls.filter((call) => call.level === 'warn' && call.message.includes('ORDERS_DEADLINE'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.fields).toMatchObject({
      configuredMarginMs: 3_000,
      effectiveMarginMs: 1_495,
      invocationMs: 2_990,
    });
  });

  it('keeps back the cut margin: a record does not start with less than half the invocation left', async () => {
    const { clock, context } = manualContext(2_990);
    const memory = new InMemoryOrderRepository();
    const saved: string[] = [];
    const repository: OrderRepository = {
      save: async (event) => {
        saved.push(event.order.orderId);
        // The first save takes most of the invocation: 1,400 ms are left, under the 1,495 ms kept back.
        clock.remainingMs = 1_400;
        return memory.save(event);
      },
      findById: (orderId) => memory.findById(orderId),
    };
    const { handler } = handlerWith(repository, { ORDERS_DEADLINE_MARGIN_MS: '3000', ORDERS_CONCURRENCY: '1' });
    const response = await handler(sqsEvent(orderRecords('H', 2)), context);
    expect(saved).toEqual(['H1']);
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'h2' }] });
  });

  it('honours a margin of at most half the invocation as configured, without a warning', async () => {
    const { handler, logger } = handlerWith(new InMemoryOrderRepository(), { ORDERS_DEADLINE_MARGIN_MS: '1000' });
    const { context } = manualContext(2_990);
    await expect(handler(sqsEvent(orderRecords('K', 1)), context)).resolves.toEqual({ batchItemFailures: [] });
    expect(logger.calls.filter((call) => call.level === 'warn')).toEqual([]);
  });
});

describe('a retry delay longer than SQS keeps a message hidden', () => {
  /** Every save fails (throttled), after moving the invocation's clock to `remainingAfterMs`. */
  function throttledAfter(clock: { remainingMs: number }, remainingAfterMs: number): OrderRepository {
    return {
      save: async () => {
        clock.remainingMs = remainingAfterMs;
        throw new RepositoryUnavailableError('DynamoDB is throttling', { code: 'throttled' });
      },
      findById: async () => undefined,
    };
  }

  it('sets a configured 43,200 s delay to what SQS still accepts: 12 h from the receive, less the time spent', async () => {
    // A 900 s function whose saves fail 800 s into the invocation.
    const first = manualContext(900_000);
    const second = manualContext(900_000);
    let clock = first.clock;
    const repository: OrderRepository = {
      save: (event, options) => throttledAfter(clock, 100_000).save(event, options),
      findById: async () => undefined,
    };
    const { handler, visibility, logger } = handlerWith(repository, {
      ORDERS_RETRY_BASE_DELAY_SECONDS: '43200',
      ORDERS_RETRY_MAX_DELAY_SECONDS: '43200',
    });
    const error = await handler(sqsEvent(orderRecords('R', 1)), first.context).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FullBatchFailureError);
    const [delay] = Object.values(visibility.delays());
    // Received at most a batching window (300 s) before the invocation, which has run 800 s since:
    // SQS accepts at most 43,200 - 1,100 s; a minute more is kept back for the request's own time.
    expect(delay).toBeLessThanOrEqual(43_200 - 800 - 300);
    expect(delay).toBe(43_200 - 800 - 300 - 60);

    clock = second.clock;
    await handler(sqsEvent(orderRecords('S', 1)), second.context).catch((e: unknown) => e);
    expect(visibility.delays()['AQEBs1']).toBe(43_200 - 800 - 300 - 60);
    // Said once, at the first invocation, with what a record paced at an invocation's end can get.
    const warnings = logger.calls.filter(
      (call) => call.level === 'warn' && call.message.includes('ORDERS_RETRY_MAX_DELAY_SECONDS'),
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.fields).toMatchObject({
      configuredMaxDelaySeconds: 43_200,
      effectiveMaxDelaySeconds: 43_200 - 900 - 300 - 60,
      longestHoldSeconds: 1_200,
    });
  });

  it('leaves delays that fit alone, and says nothing', async () => {
    const { clock, context } = manualContext(30_000);
    const { handler, visibility, logger } = handlerWith(throttledAfter(clock, 25_000), {
      ORDERS_RETRY_BASE_DELAY_SECONDS: '42000',
      ORDERS_RETRY_MAX_DELAY_SECONDS: '42000',
    });
    await handler(sqsEvent(orderRecords('F', 1)), context).catch((e: unknown) => e);
    expect(visibility.delays()).toEqual({ AQEBf1: 42_000 });
    expect(logger.calls.filter((call) => call.level === 'warn' && call.message.includes('cannot be honoured'))).toEqual(
      [],
    );
  });
});
