import type { SQSEvent } from 'aws-lambda';
import { InMemoryQueue, ManualClock } from '@orders/adapters-memory';
import {
  DRAINING_WAIT_SECONDS,
  type DeleteFailure,
  type MessageQueue,
  type ReceivedMessage,
  type ReceiveOptions,
} from '@orders/core';
import {
  combineEventSourceReports,
  EventSourceError,
  SqsEventSource,
  type InvocationResult,
  type SqsEventSourceOptions,
} from '@orders/lambda-local';

/** Queues on a manual clock; `drained` jumps it to the next visibility timeout's end before answering. */
function queues() {
  const clock = new ManualClock();
  const dlq = new InMemoryQueue({ name: 'OrderDLQ', clock });
  const queue = new InMemoryQueue({
    name: 'OrderQueue',
    clock,
    visibilityTimeoutSeconds: 30,
    redrive: { deadLetterQueue: dlq, maxReceiveCount: 3 },
  });
  const drained = async () => {
    const next = queue.nextVisibleAt();
    if (next !== undefined && next > clock.now()) clock.advanceTo(next);
    return queue.depth();
  };
  return { queue, dlq, drained };
}

const success = (payload: unknown, coldStart = false): InvocationResult => ({
  status: 'success',
  requestId: 'r',
  coldStart,
  durationMs: 1,
  payload,
});

function eventSource(
  { queue, drained }: ReturnType<typeof queues>,
  overrides: Partial<SqsEventSourceOptions> = {},
): SqsEventSource {
  return new SqsEventSource({
    queue,
    queueArn: queue.arn,
    invoke: async () => success(undefined),
    batchSize: 10,
    maximumBatchingWindowSeconds: 0,
    reportBatchItemFailures: true,
    waitTimeSeconds: 0,
    untilEmpty: drained,
    ...overrides,
  });
}

const run = (source: SqsEventSource) => source.run(new AbortController().signal);
const bodiesOf = (event: SQSEvent): string[] => event.Records.map((r) => r.body);

describe('the SQS event source (Lambda rules)', () => {
  it('deletes the successes and leaves exactly the reported failures, which reach the DLQ after maxReceiveCount', async () => {
    const queued = queues();
    const { queue, dlq } = queued;
    for (const body of ['good-1', 'bad', 'good-2']) queue.send(body);
    const seenBad: string[] = [];
    const report = await run(
      eventSource(queued, {
        invoke: async (event) => {
          const bad = event.Records.filter((r) => r.body === 'bad');
          seenBad.push(...bad.map((r) => r.attributes.ApproximateReceiveCount));
          return success({ batchItemFailures: bad.map((r) => ({ itemIdentifier: r.messageId })) });
        },
      }),
    );
    expect(seenBad).toEqual(['1', '2', '3']);
    expect(dlq.peekAll().map((m) => m.body)).toEqual(['bad']);
    expect(queue.depth()).toEqual({ visible: 0, inFlight: 0 });
    expect(report).toMatchObject({ invocations: 3, received: 5, deleted: 2, left: 3, stoppedBy: 'empty' });
  });

  it.each([
    ['a function error', { status: 'error', kind: 'function-error' }],
    ['an init error', { status: 'error', kind: 'init-error' }],
    ['a timeout', { status: 'error', kind: 'timeout' }],
  ] as const)('leaves the whole batch on %s', async (_label, failure) => {
    const queued = queues();
    const { queue, dlq } = queued;
    queue.send('a');
    queue.send('b');
    const batches: string[][] = [];
    const report = await run(
      eventSource(queued, {
        invoke: async (event) => {
          batches.push(bodiesOf(event));
          return {
            ...failure,
            requestId: 'r',
            coldStart: true,
            durationMs: 1,
            error: { errorType: 'X', errorMessage: 'x' },
          };
        },
      }),
    );
    expect(batches).toEqual([
      ['a', 'b'],
      ['a', 'b'],
      ['a', 'b'],
    ]);
    expect(dlq.peekAll().map((m) => m.body)).toEqual(['a', 'b']);
    expect(report).toMatchObject({ deleted: 0, failedInvocations: 3, coldStarts: 3 });
  });

  it('leaves the whole batch when one itemIdentifier is empty, and deletes everything when partial responses are off', async () => {
    const reportsOf = async (reportBatchItemFailures: boolean) => {
      const queued = queues();
      const { queue } = queued;
      queue.send('a');
      queue.send('b');
      const outcomes: string[] = [];
      await run(
        eventSource(queued, {
          reportBatchItemFailures,
          invoke: async (event) =>
            success({ batchItemFailures: [{ itemIdentifier: event.Records[0]?.messageId }, { itemIdentifier: '' }] }),
          onBatch: (batch) => outcomes.push(`${batch.outcome}:${batch.deleted}`),
        }),
      );
      return outcomes;
    };
    expect(await reportsOf(true)).toEqual(['invalid-response:0', 'invalid-response:0', 'invalid-response:0']);
    expect(await reportsOf(false)).toEqual(['success:2']);
  });

  it('gathers receives of 10 into one batch of batchSize within the batching window', async () => {
    const queued = queues();
    const { queue } = queued;
    for (let i = 0; i < 25; i++) queue.send(`m${i}`);
    const sizes: number[] = [];
    await run(
      eventSource(queued, {
        batchSize: 20,
        maximumBatchingWindowSeconds: 1,
        invoke: async (event) => {
          sizes.push(event.Records.length);
          return success(null);
        },
      }),
    );
    expect(sizes).toEqual([20, 5]);
  });

  it('with untilEmpty, returns at once from an empty queue instead of long-polling it first', async () => {
    const receives: number[] = [];
    const empty: MessageQueue = {
      receive: async (options: ReceiveOptions): Promise<ReceivedMessage[]> => {
        receives.push(options.waitTimeSeconds);
        return [];
      },
      deleteBatch: async (): Promise<DeleteFailure[]> => [],
      changeVisibility: async () => undefined,
      changeVisibilityBatch: async () => [],
    };
    const source = new SqsEventSource({
      queue: empty,
      queueArn: 'arn:aws:sqs:us-east-1:000000000000:OrderQueue',
      invoke: async () => success(null),
      batchSize: 10,
      maximumBatchingWindowSeconds: 0,
      reportBatchItemFailures: true,
      untilEmpty: async () => ({ visible: 0, inFlight: 0, delayed: 0 }),
    });
    await expect(source.run(new AbortController().signal)).resolves.toMatchObject({ stoppedBy: 'empty' });
    expect(receives).toEqual([]);
  });

  it('with untilEmpty, never long-polls past a second: a poison message moving to the DLQ under an empty receive is seen at once', async () => {
    // The walkthrough's last state: only a poison message left, failed at every receive. The receive
    // that would deliver it a fourth time moves it to the DLQ and answers nothing; a 20 s long poll
    // there cost lambda serve --until-empty 20 s.
    const q = queues();
    await q.queue.send('poison');
    const waits: number[] = [];
    const queue: MessageQueue = {
      receive: (options) => {
        waits.push(options.waitTimeSeconds);
        return q.queue.receive(options);
      },
      deleteBatch: (handles) => q.queue.deleteBatch(handles),
      changeVisibility: (handle, seconds) => q.queue.changeVisibility(handle, seconds),
      changeVisibilityBatch: (entries) => q.queue.changeVisibilityBatch(entries),
    };
    const failEvery = async (event: SQSEvent): Promise<InvocationResult> =>
      success({ batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) });
    const report = await run(eventSource(q, { queue, invoke: failEvery, waitTimeSeconds: 20 }));
    expect(report.stoppedBy).toBe('empty');
    expect(q.dlq.depth().visible).toBe(1);
    expect(waits.length).toBeGreaterThanOrEqual(4);
    expect(Math.max(...waits)).toBe(DRAINING_WAIT_SECONDS);
  });

  it('abandons a receive that never answers (a half-open connection) and polls again', async () => {
    const aborted: boolean[] = [];
    const hanging: MessageQueue = {
      receive: (options: ReceiveOptions) =>
        new Promise<ReceivedMessage[]>((resolve) => {
          options.signal?.addEventListener('abort', () => {
            aborted.push(true);
            resolve([]);
          });
        }),
      deleteBatch: async (): Promise<DeleteFailure[]> => [],
      changeVisibility: async () => undefined,
      changeVisibilityBatch: async () => [],
    };
    let depthChecks = 0;
    const source = new SqsEventSource({
      queue: hanging,
      queueArn: 'arn:aws:sqs:us-east-1:000000000000:OrderQueue',
      invoke: async () => success(null),
      batchSize: 10,
      maximumBatchingWindowSeconds: 0,
      reportBatchItemFailures: true,
      waitTimeSeconds: 0,
      receiveGraceMs: 50,
      untilEmpty: async () => ({ visible: 0, inFlight: depthChecks++ < 2 ? 1 : 0 }),
    });
    await expect(source.run(new AbortController().signal)).resolves.toMatchObject({ stoppedBy: 'empty' });
    expect(aborted).toEqual([true, true]);
  });

  it('finishes the batch in flight when stopped, then returns', async () => {
    const queued = queues();
    const { queue } = queued;
    queue.send('a');
    queue.send('b');
    const controller = new AbortController();
    const source = eventSource(queued, {
      batchSize: 1,
      untilEmpty: undefined,
      invoke: async () => {
        controller.abort();
        await new Promise((resolve) => setTimeout(resolve, 20));
        return success(null);
      },
    });
    const report = await source.run(controller.signal);
    expect(report).toMatchObject({ invocations: 1, deleted: 1, stoppedBy: 'signal' });
    expect(queue.depth()).toEqual({ visible: 1, inFlight: 0 });
  });

  it('backs off when receives fail and gives up after the bound, with the cause', async () => {
    // The back-off is the subject: on fake timers, the test says when the second receive goes out.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] });
    try {
      const failing: MessageQueue = {
        receive: async (_options: ReceiveOptions): Promise<ReceivedMessage[]> => {
          throw new Error('connection refused');
        },
        deleteBatch: async (): Promise<DeleteFailure[]> => [],
        changeVisibility: async () => undefined,
        changeVisibilityBatch: async () => [],
      };
      const errors: number[] = [];
      const source = new SqsEventSource({
        queue: failing,
        queueArn: 'arn:aws:sqs:us-east-1:000000000000:OrderQueue',
        invoke: async () => success(null),
        batchSize: 10,
        maximumBatchingWindowSeconds: 0,
        reportBatchItemFailures: true,
        maxConsecutiveReceiveErrors: 2,
        onReceiveError: (_error, consecutive) => errors.push(consecutive),
      });
      const outcome = source.run(new AbortController().signal).catch((e: unknown) => e);
      // One back-off of 500 ms between the two receives, then it gives up with the cause.
      await jest.advanceTimersByTimeAsync(499);
      expect(errors).toEqual([1]);
      await jest.advanceTimersByTimeAsync(1);
      expect(errors).toEqual([1, 2]);
      const error = await outcome;
      expect(error).toBeInstanceOf(EventSourceError);
      expect((error as EventSourceError).cause).toMatchObject({ message: 'connection refused' });
    } finally {
      jest.useRealTimers();
    }
  });

  it('refuses settings Lambda refuses: a batch over 10 without a window, a window over 300 s', () => {
    const queued = queues();
    expect(() => eventSource(queued, { batchSize: 11 })).toThrow(/batching window/);
    expect(() => eventSource(queued, { maximumBatchingWindowSeconds: 301 })).toThrow(RangeError);
    expect(() => eventSource(queued, { batchSize: 0 })).toThrow(RangeError);
  });
});

describe('combineEventSourceReports', () => {
  const report = (n: number, stoppedBy: 'empty' | 'signal') => ({
    invocations: n,
    received: 10 * n,
    deleted: 9 * n,
    left: n,
    failedInvocations: 0,
    coldStarts: 1,
    deleteFailures: 0,
    receiveErrors: n - 1,
    stoppedBy,
  });

  it('adds the pollers’ counts, and says the queue drained only when every poller saw it empty', () => {
    expect(combineEventSourceReports([report(1, 'empty'), report(2, 'empty')])).toEqual({
      invocations: 3,
      received: 30,
      deleted: 27,
      left: 3,
      failedInvocations: 0,
      coldStarts: 2,
      deleteFailures: 0,
      receiveErrors: 1,
      stoppedBy: 'empty',
    });
    expect(combineEventSourceReports([report(1, 'empty'), report(2, 'signal')]).stoppedBy).toBe('signal');
  });
});
