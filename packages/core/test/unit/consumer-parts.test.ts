import {
  retryPacingFromEnvironment,
  type MessageQueue,
  type QueueDepth,
  type ReceivedMessage,
  type Scheduler,
  type VisibilityChange,
  type VisibilityChangeFailure,
} from '../../src';
// The consumer's parts are core's internals: this suite reaches them by module path.
import { DeleteBatcher } from '../../src/application/consumer/delete-batcher';
import { DrainWatch } from '../../src/application/consumer/drain-watch';
import { InFlightLimit } from '../../src/application/consumer/in-flight-limit';
import { type DeleteTally, type Hold, MessageHolds } from '../../src/application/consumer/message-holds';
import { type ReceiveFailing, ReceiveFailures } from '../../src/application/consumer/receive-failures';
import { StopSignal } from '../../src/application/consumer/stop-signal';

// The consumer's parts on their own (the consumer itself is tested on the in-memory queue, in
// packages/adapters-memory/test/unit/queue-consumer*.test.ts).

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const message = (id: string, receiveCount = 1): ReceivedMessage => ({
  messageId: id,
  receiptHandle: `h-${id}`,
  body: '{}',
  receiveCount,
  sentTimestamp: 0,
});

/** A scheduler whose timers run only when the test says so. */
class StepScheduler implements Scheduler {
  private time = 0;
  private timers: { at: number; everyMs: number; task: () => void }[] = [];
  now(): number {
    return this.time;
  }
  async sleep(): Promise<void> {}
  every(ms: number, task: () => void): () => void {
    return this.add({ at: this.time + ms, everyMs: ms, task });
  }
  after(ms: number, task: () => void): () => void {
    return this.add({ at: this.time + ms, everyMs: 0, task });
  }
  /** Moves time on by `ms`, running every timer that falls due on the way, in time order. */
  advance(ms: number): void {
    const target = this.time + ms;
    for (;;) {
      const next = this.timers
        .filter((t) => t.at <= target)
        .reduce<(typeof this.timers)[number] | undefined>(
          (a, t) => (a === undefined || t.at < a.at ? t : a),
          undefined,
        );
      if (next === undefined) break;
      this.time = next.at;
      if (next.everyMs === 0) this.timers = this.timers.filter((t) => t !== next);
      else next.at += next.everyMs;
      next.task();
    }
    this.time = target;
  }
  private add(timer: { at: number; everyMs: number; task: () => void }): () => void {
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }
}

/** A queue whose visibility calls wait until the test answers them. */
class ScriptedQueue implements MessageQueue {
  readonly visibilityCalls: {
    changes: readonly VisibilityChange[];
    answer: (f?: VisibilityChangeFailure[]) => void;
  }[] = [];
  readonly deleteCalls: string[][] = [];
  async receive(): Promise<readonly ReceivedMessage[]> {
    return [];
  }
  async deleteBatch(receiptHandles: readonly string[]) {
    this.deleteCalls.push([...receiptHandles]);
    return [];
  }
  async changeVisibility(): Promise<void> {
    throw new Error('batch calls only');
  }
  changeVisibilityBatch(changes: readonly VisibilityChange[]): Promise<readonly VisibilityChangeFailure[]> {
    return new Promise((resolve) => this.visibilityCalls.push({ changes, answer: (f = []) => resolve(f) }));
  }
}

describe('MessageHolds: one visibility change per message on the wire, batched', () => {
  it('sends a release only once the heartbeat on the wire for that message has been answered, and the free ones at once', async () => {
    const queue = new ScriptedQueue();
    const clock = new StepScheduler();
    const holds = new MessageHolds(queue, clock);
    const [a, b, c] = holds.hold([message('a'), message('b'), message('c')], 0, 30);
    holds.extendDue([a!, b!], 30, 60_000); // a and b: a heartbeat goes out, and hangs
    expect(queue.visibilityCalls.map((call) => call.changes.map((change) => change.receiptHandle))).toEqual([
      ['h-a', 'h-b'],
    ]);

    const released = holds.release([
      { hold: a!, seconds: 5 },
      { hold: b!, seconds: 0 },
      { hold: c!, seconds: 60 },
    ]);
    await tick();
    // c had nothing on the wire: it goes at once; a and b wait for their heartbeat.
    expect(queue.visibilityCalls.map((call) => call.changes.map((change) => change.receiptHandle))).toEqual([
      ['h-a', 'h-b'],
      ['h-c'],
    ]);
    queue.visibilityCalls[1]?.answer();
    queue.visibilityCalls[0]?.answer();
    await tick();
    // Then both releases together, in one call.
    expect(queue.visibilityCalls[2]?.changes).toEqual([
      { receiptHandle: 'h-a', visibilityTimeoutSeconds: 5 },
      { receiptHandle: 'h-b', visibilityTimeoutSeconds: 0 },
    ]);
    queue.visibilityCalls[2]?.answer([{ receiptHandle: 'h-b', code: 'ReceiptHandleIsInvalid', message: 'stale' }]);
    const tally = await released;
    expect(tally.released.map((hold) => hold.message.messageId).sort()).toEqual(['a', 'c']);
    expect(tally.failed).toEqual([{ hold: b, code: 'ReceiptHandleIsInvalid', message: 'stale' }]);
  });

  it('does not extend a message already released or being deleted, and splits a heartbeat over 10 messages into calls of 10', async () => {
    const queue = new ScriptedQueue();
    const holds = new MessageHolds(queue, new StepScheduler());
    const many = holds.hold(
      Array.from({ length: 23 }, (_, i) => message(`m${i}`)),
      0,
      30,
    );
    holds.settle(many.slice(0, 2));
    holds.extendDue(many, 30, 60_000);
    expect(queue.visibilityCalls.map((call) => call.changes.length)).toEqual([10, 10, 1]);
  });

  it('keeps the deadline when a heartbeat call fails as a whole: the answer says nothing about the handle', async () => {
    const failing: MessageQueue = {
      receive: async () => [],
      deleteBatch: async () => [],
      changeVisibility: async () => undefined,
      changeVisibilityBatch: async () => {
        throw Object.assign(new Error('socket hang up'), { code: 'ReceiptHandleIsInvalid' });
      },
    };
    const failures: string[] = [];
    const holds = new MessageHolds(failing, new StepScheduler(), {
      onHeartbeatFailure: (_hold, failure) => failures.push(failure.code),
    });
    const [a] = holds.hold([message('a')], 0, 30);
    holds.extendDue([a!], 30, 60_000);
    await holds.quiesce([a!]);
    expect(a?.deadline).toBe(30_000);
    expect(failures).toEqual(['ReceiptHandleIsInvalid']);
  });

  it('judges a delete against the deadline: in time is acknowledged, after it is late', async () => {
    const clock = new StepScheduler();
    const queue: MessageQueue = {
      receive: async () => [],
      deleteBatch: async (handles) => {
        clock.advance(20_000); // the answer takes 20 s
        return handles.includes('h-x') ? [{ receiptHandle: 'h-x', code: 'InternalError', message: 'no' }] : [];
      },
      changeVisibility: async () => undefined,
      changeVisibilityBatch: async () => [],
    };
    const holds = new MessageHolds(queue, clock);
    const early = holds.hold([message('a'), message('x')], 0, 30);
    clock.advance(5_000);
    const late = holds.hold([message('b')], -20_000, 30);
    const tally = await holds.delete([...early, ...late]);
    expect(tally.acknowledged.map((h) => h.message.messageId)).toEqual(['a']);
    expect(tally.late.map((h) => h.message.messageId)).toEqual(['b']);
    expect(tally.failed.map((f) => [f.hold.message.messageId, f.code])).toEqual([['x', 'InternalError']]);
  });
});

describe('DeleteBatcher', () => {
  function setUp(flushDelayMs = 20) {
    const queue = new ScriptedQueue();
    const clock = new StepScheduler();
    const holds = new MessageHolds(queue, clock);
    const tallies: DeleteTally[] = [];
    const batcher = new DeleteBatcher(holds, clock, { flushDelayMs, onTally: (tally) => tallies.push(tally) });
    const held = (prefix: string, n: number): Hold[] =>
      holds.hold(
        Array.from({ length: n }, (_, i) => message(`${prefix}${i}`)),
        0,
        30,
      );
    return { queue, clock, batcher, tallies, held };
  }

  it('sends a call as soon as 10 are waiting, across the batches that add them', async () => {
    const { queue, batcher, tallies, held } = setUp();
    void batcher.delete(held('a', 6));
    expect(queue.deleteCalls).toEqual([]);
    const done = batcher.delete(held('b', 7));
    expect(queue.deleteCalls.map((call) => call.length)).toEqual([10]);
    expect(batcher.pending).toBe(3);
    batcher.flush();
    await done;
    expect(queue.deleteCalls.map((call) => call.length)).toEqual([10, 3]);
    expect(tallies.reduce((sum, tally) => sum + tally.acknowledged.length, 0)).toBe(13);
  });

  it('sends what is waiting after the flush delay when nothing else comes', async () => {
    const { queue, clock, batcher, held } = setUp(20);
    const done = batcher.delete(held('a', 3));
    clock.advance(19);
    expect(queue.deleteCalls).toEqual([]);
    clock.advance(1);
    expect(queue.deleteCalls.map((call) => call.length)).toEqual([3]);
    await done;
  });
});

describe('InFlightLimit', () => {
  it('reserves in arrival order, gives back what is released, and lets a stop end a wait', async () => {
    const limit = new InFlightLimit(20);
    const stop = new StopSignal();
    await expect(limit.reserve(10, stop)).resolves.toBe(true);
    await expect(limit.reserve(10, stop)).resolves.toBe(true);
    const order: string[] = [];
    const first = limit.reserve(10, stop).then((ok) => order.push(`first ${ok}`));
    const second = limit.reserve(5, stop).then((ok) => order.push(`second ${ok}`));
    limit.release(5); // room for the second, but the first is ahead of it
    await tick();
    expect(order).toEqual([]);
    limit.release(5);
    await first;
    expect(order).toEqual(['first true']);
    limit.release(5);
    await second;
    expect(order).toEqual(['first true', 'second true']);
    expect(limit.inUse).toBe(20);
    const waiting = limit.reserve(10, stop);
    stop.stop();
    await expect(waiting).resolves.toBe(false);
    expect(() => limit.reserve(21, stop)).toThrow(RangeError);
  });
});

describe('DrainWatch', () => {
  function setUp(depths: QueueDepth[]) {
    const inHand = new Set<Hold>();
    const leaving = new Set<Hold>();
    let drained = 0;
    let probes = 0;
    const scheduler = new StepScheduler();
    const watch = new DrainWatch({
      depth: async () => depths[Math.min(probes++, depths.length - 1)] as QueueDepth,
      scheduler,
      inHand: () => inHand,
      leaving: (hold) => leaving.has(hold),
      onDrained: () => drained++,
      onProbeFailure: () => undefined,
    });
    const holds = new MessageHolds(new ScriptedQueue(), new StepScheduler());
    return { watch, scheduler, inHand, leaving, holds, drained: () => drained, probes: () => probes };
  }

  it('calls the queue drained when nothing is visible or delayed and everything in flight is ours, once ours are deleted', async () => {
    const s = setUp([{ visible: 0, inFlight: 2, delayed: 0 }]);
    const [a, b] = s.holds.hold([message('a'), message('b')], 0, 30);
    s.inHand.add(a!).add(b!);
    await s.watch.suspectEmpty();
    expect(s.drained()).toBe(0); // ours are still to be deleted
    s.inHand.delete(a!);
    s.watch.settled(a!, true);
    expect(s.drained()).toBe(0);
    s.inHand.delete(b!);
    s.watch.settled(b!, true);
    expect(s.drained()).toBe(1);
    expect(s.watch.drained).toBe(true);
  });

  it('calls the verdict off when one of ours fails and comes back, or a new message arrives', async () => {
    const s = setUp([{ visible: 0, inFlight: 1 }]);
    const [a] = s.holds.hold([message('a')], 0, 30);
    s.inHand.add(a!);
    await s.watch.suspectEmpty();
    s.inHand.delete(a!);
    s.watch.settled(a!, false);
    expect(s.drained()).toBe(0);

    const [b] = s.holds.hold([message('b')], 0, 30);
    s.inHand.add(b!);
    await s.watch.suspectEmpty();
    s.watch.received(1);
    s.inHand.delete(b!);
    s.watch.settled(b!, true);
    expect(s.drained()).toBe(0);
  });

  it('waits until no delete of ours is on the wire before asking (SQS may or may not count it), and never sees drained while others are in flight, delayed or visible', async () => {
    const s = setUp([
      { visible: 0, inFlight: 1 },
      { visible: 0, inFlight: 0, delayed: 1 },
      { visible: 1, inFlight: 0 },
      { visible: 0, inFlight: 0 },
    ]);
    const [a] = s.holds.hold([message('a')], 0, 30);
    s.inHand.add(a!);
    s.leaving.add(a!);
    await s.watch.suspectEmpty();
    expect(s.probes()).toBe(0); // deferred: a's delete is on the wire
    s.inHand.delete(a!);
    s.watch.settled(a!, true); // now the question goes out: someone else's message is in flight
    await s.watch.suspectEmpty(); // joins the question already out
    expect(s.probes()).toBe(1);
    expect(s.drained()).toBe(0);
    await s.watch.suspectEmpty(); // delayed
    await s.watch.suspectEmpty(); // visible
    expect(s.drained()).toBe(0);
    await s.watch.suspectEmpty();
    expect(s.drained()).toBe(1);
    expect(s.probes()).toBe(4);
  });

  it('does not ask again while a verdict only waits for our own messages to be deleted', async () => {
    const s = setUp([{ visible: 0, inFlight: 1 }]);
    const [a] = s.holds.hold([message('a')], 0, 30);
    s.inHand.add(a!);
    await s.watch.suspectEmpty();
    await s.watch.suspectEmpty();
    expect(s.probes()).toBe(1);
    s.inHand.delete(a!);
    s.watch.settled(a!, true);
    expect(s.drained()).toBe(1);
  });

  it('takes a receive unanswered for 200 ms as evidence, or one that came back empty: one question per receive', async () => {
    const s = setUp([{ visible: 1, inFlight: 0 }]);
    // Answered at once, with messages or an error: no evidence.
    await s.watch.receiveSent()(false);
    s.scheduler.advance(1_000);
    await tick();
    expect(s.probes()).toBe(0);
    // Unanswered for 200 ms: a question; then empty: not a second one for the same receive.
    const waiting = s.watch.receiveSent();
    s.scheduler.advance(199);
    await tick();
    expect(s.probes()).toBe(0); // an answer may still be on its way
    s.scheduler.advance(1);
    await tick();
    expect(s.probes()).toBe(1);
    await waiting(true);
    expect(s.probes()).toBe(1);
    // Empty within 200 ms (a receive that does not wait): a question, answered before it resolves.
    await s.watch.receiveSent()(true);
    expect(s.probes()).toBe(2);
  });

  it('asks nothing more once the run is closed', async () => {
    const s = setUp([{ visible: 1, inFlight: 0 }]);
    const waiting = s.watch.receiveSent();
    s.watch.close();
    s.scheduler.advance(1_000);
    await waiting(true);
    expect(s.probes()).toBe(0);
  });

  it('asks one question at a time', async () => {
    const s = setUp([{ visible: 3, inFlight: 0 }]);
    await Promise.all([s.watch.suspectEmpty(), s.watch.suspectEmpty(), s.watch.suspectEmpty()]);
    expect(s.probes()).toBe(1);
  });
});

describe('ReceiveFailures', () => {
  function setUp(giveUpAfterMs = 60_000) {
    const scheduler = new StepScheduler();
    const gaveUp: ReceiveFailing[] = [];
    const receives = new ReceiveFailures(scheduler, { giveUpAfterMs, onGiveUp: (failing) => gaveUp.push(failing) });
    const fail = (): ReceiveFailing => {
      receives.sent();
      return receives.failed(new Error('connect ECONNREFUSED 127.0.0.1:5055'));
    };
    return { scheduler, receives, gaveUp, fail };
  }

  it('gives up once every receive has failed for the bound, once, with the run of failures', () => {
    const s = setUp();
    expect(s.fail()).toEqual({
      sinceMs: 0,
      failures: 1,
      lastError: expect.objectContaining({ message: 'connect ECONNREFUSED 127.0.0.1:5055' }),
    });
    s.scheduler.advance(30_000);
    expect(s.fail()).toMatchObject({ sinceMs: 0, failures: 2 });
    s.scheduler.advance(29_999);
    expect(s.gaveUp).toEqual([]);
    s.scheduler.advance(1);
    expect(s.gaveUp).toEqual([expect.objectContaining({ sinceMs: 0, failures: 2 })]);
    s.fail();
    expect(s.gaveUp).toHaveLength(1);
  });

  it('waits for a receive still out at the bound: its success starts over, its failure gives up', () => {
    const s = setUp();
    s.fail();
    s.receives.sent(); // a long poll that may yet be answered
    s.scheduler.advance(60_000);
    expect(s.gaveUp).toEqual([]);
    expect(s.receives.succeeded()).toMatchObject({ sinceMs: 0, failures: 1 });
    expect(s.receives.current).toBeUndefined();
    s.scheduler.advance(10_000);
    s.fail(); // a new run of failures, from 70 s
    s.receives.sent();
    s.scheduler.advance(60_000);
    expect(s.gaveUp).toEqual([]);
    s.receives.failed(new Error('still down'));
    expect(s.gaveUp).toEqual([expect.objectContaining({ sinceMs: 70_000, failures: 2 })]);
  });

  it('never gives up with a bound of 0, nor after it is closed; a cut receive says nothing', () => {
    const never = setUp(0);
    never.fail();
    never.scheduler.advance(3_600_000);
    never.fail();
    expect(never.gaveUp).toEqual([]);
    const closed = setUp();
    closed.fail();
    closed.receives.sent();
    closed.receives.cut();
    expect(closed.receives.current).toMatchObject({ failures: 1 });
    closed.receives.close();
    closed.scheduler.advance(60_000);
    expect(closed.gaveUp).toEqual([]);
    expect(closed.receives.current).toMatchObject({ failures: 1 }); // kept for the report
    expect(() => setUp(-1)).toThrow(RangeError);
  });
});

describe('retryPacingFromEnvironment (shared by the Lambda and orders consume)', () => {
  it('reads ORDERS_RETRY_*, lets a runner override them, and names every problem', () => {
    expect(
      retryPacingFromEnvironment(
        { ORDERS_RETRY_BASE_DELAY_SECONDS: '5', ORDERS_RETRY_JITTER: '' },
        { backoffFactor: 2 },
      ).pacing,
    ).toEqual({ baseDelaySeconds: 5, backoffFactor: 2, maxDelaySeconds: 42_000, jitterRatio: 0.2 });
    const { problems } = retryPacingFromEnvironment({ ORDERS_RETRY_BACKOFF_FACTOR: 'fast' }, { jitterRatio: 2 });
    expect(problems).toEqual([
      'ORDERS_RETRY_BACKOFF_FACTOR must be a number, got "fast"',
      'jitterRatio must be a number from 0 to 1, got 2',
    ]);
  });
});
