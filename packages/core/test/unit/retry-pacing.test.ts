import fc from 'fast-check';
import { RecordingLogger } from '@orders/testkit';
import {
  DEFAULT_RETRY_PACING,
  deadLetterTimeline,
  type MessageVisibility,
  paceRetries,
  retryDelaySeconds,
  retryPacingProblems,
  type VisibilityChange,
} from '../../src';
import { FAILURE_CLASSES } from '../../src/errors/infrastructure-error';
import { MAX_VISIBILITY_TIMEOUT_SECONDS } from '../../src/application/retry-pacing';

const noJitter = { ...DEFAULT_RETRY_PACING, jitterRatio: 0 };

describe('retryDelaySeconds', () => {
  it('makes poison visible again at once, whatever its receive count', () => {
    for (const receiveCount of [1, 2, 3, 50]) expect(retryDelaySeconds('invalid', receiveCount)).toBe(0);
  });

  it.each([
    [1, 60],
    [2, 3600],
    [3, DEFAULT_RETRY_PACING.maxDelaySeconds],
  ])('backs a transient or systemic failure off by receive count: receive %i → %i s', (receiveCount, seconds) => {
    expect(retryDelaySeconds('transient', receiveCount, noJitter)).toBe(seconds);
    expect(retryDelaySeconds('systemic', receiveCount, noJitter)).toBe(seconds);
  });

  it('only adds jitter, up to the ratio, and never passes the cap', () => {
    expect(retryDelaySeconds('transient', 1, DEFAULT_RETRY_PACING, () => 0)).toBe(60);
    expect(retryDelaySeconds('transient', 1, DEFAULT_RETRY_PACING, () => 0.999)).toBe(72);
    fc.assert(
      fc.property(
        fc.constantFrom(...FAILURE_CLASSES),
        fc.integer({ min: 1, max: 1000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (failureClass, receiveCount, draw) => {
          const delay = retryDelaySeconds(failureClass, receiveCount, DEFAULT_RETRY_PACING, () => draw);
          const floor = retryDelaySeconds(failureClass, receiveCount, noJitter);
          expect(Number.isInteger(delay)).toBe(true);
          expect(delay).toBeGreaterThanOrEqual(floor);
          expect(delay).toBeLessThanOrEqual(Math.min(DEFAULT_RETRY_PACING.maxDelaySeconds, Math.ceil(floor * 1.2)));
          expect(delay).toBeLessThan(MAX_VISIBILITY_TIMEOUT_SECONDS);
        },
      ),
    );
  });

  it('lets a message on its last receive go to the DLQ at once, when maxReceiveCount is known', () => {
    expect(retryDelaySeconds('transient', 3, noJitter, Math.random, 3)).toBe(0);
    expect(retryDelaySeconds('systemic', 5, noJitter, Math.random, 3)).toBe(0);
    expect(retryDelaySeconds('transient', 2, noJitter, Math.random, 3)).toBe(3600);
  });
});

describe('deadLetterTimeline', () => {
  it('with the defaults and 3 receives, survives an outage of an hour: the receives span at least 61 min', () => {
    const timeline = deadLetterTimeline(3);
    expect(timeline.delays.map((d) => [d.minSeconds, d.maxSeconds])).toEqual([
      [60, 72],
      [3600, 4320],
    ]);
    expect(timeline.survivableOutageSeconds).toBe(3660);
    expect(timeline.survivableOutageSeconds).toBeGreaterThanOrEqual(3600);
    expect(timeline.latestDeadLetterSeconds).toBe(4392);
  });

  it('for a single receive, has nothing to survive', () => {
    expect(deadLetterTimeline(1)).toEqual({ delays: [], survivableOutageSeconds: 0, latestDeadLetterSeconds: 0 });
  });
});

describe('retryPacingProblems', () => {
  it('accepts the defaults and names every bad option', () => {
    expect(retryPacingProblems(DEFAULT_RETRY_PACING)).toEqual([]);
    const problems = retryPacingProblems({
      baseDelaySeconds: -1,
      backoffFactor: 0.5,
      maxDelaySeconds: 50_000,
      jitterRatio: 2,
    });
    expect(problems.join('\n')).toMatch(/baseDelaySeconds/);
    expect(problems.join('\n')).toMatch(/backoffFactor/);
    expect(problems.join('\n')).toMatch(/maxDelaySeconds/);
    expect(problems.join('\n')).toMatch(/jitterRatio/);
  });
});

describe('paceRetries', () => {
  const recordingQueue = (refuse: ReadonlySet<string> = new Set()) => {
    const calls: VisibilityChange[][] = [];
    const queue: MessageVisibility = {
      changeVisibilityBatch: async (changes) => {
        calls.push([...changes]);
        return changes
          .filter((c) => refuse.has(c.receiptHandle))
          .map((c) => ({ receiptHandle: c.receiptHandle, code: 'ReceiptHandleIsInvalid', message: 'stale handle' }));
      },
    };
    return { calls, queue };
  };

  it('sets each failed delivery to its class and receive count delay, in one call', async () => {
    const { calls, queue } = recordingQueue();
    const report = await paceRetries(
      queue,
      [
        { messageId: 'poison', receiptHandle: 'h1', receiveCount: 2, failureClass: 'invalid' },
        { messageId: 'throttled', receiptHandle: 'h2', receiveCount: 1, failureClass: 'transient' },
        { messageId: 'denied', receiptHandle: 'h3', receiveCount: 3, failureClass: 'systemic' },
      ],
      { pacing: noJitter },
    );
    expect(calls).toEqual([
      [
        { receiptHandle: 'h1', visibilityTimeoutSeconds: 0 },
        { receiptHandle: 'h2', visibilityTimeoutSeconds: 60 },
        { receiptHandle: 'h3', visibilityTimeoutSeconds: DEFAULT_RETRY_PACING.maxDelaySeconds },
      ],
    ]);
    expect(report).toEqual({ paced: 3, notPaced: 0 });
  });

  it('reports and logs the changes that could not be applied, and never throws', async () => {
    const { queue } = recordingQueue(new Set(['h2']));
    const logger = new RecordingLogger();
    const failed = [
      { messageId: 'a', receiptHandle: 'h1', receiveCount: 1, failureClass: 'transient' as const },
      { messageId: 'b', receiptHandle: 'h2', receiveCount: 1, failureClass: 'transient' as const },
    ];
    await expect(paceRetries(queue, failed, { logger })).resolves.toEqual({ paced: 1, notPaced: 1 });
    expect(logger.calls.find((c) => c.level === 'warn')?.fields).toMatchObject({
      messageId: 'b',
      errorCode: 'ReceiptHandleIsInvalid',
    });

    const throwing: MessageVisibility = {
      changeVisibilityBatch: async () => {
        throw new Error('boom');
      },
    };
    await expect(paceRetries(throwing, failed, { logger })).resolves.toEqual({ paced: 0, notPaced: 2 });
  });

  it('does nothing for no failures', async () => {
    const { calls, queue } = recordingQueue();
    await expect(paceRetries(queue, [])).resolves.toEqual({ paced: 0, notPaced: 0 });
    expect(calls).toEqual([]);
  });
});
