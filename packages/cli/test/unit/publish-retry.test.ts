import type { OrderEventPublisher, OutboundOrderMessage, PublishFailure } from '@orders/core';
import { publishSample } from '../../src/publish/publish-orders';

type Decide = (index: number, message: OutboundOrderMessage) => PublishFailure | undefined;

/** A publisher that fails chosen calls' entries: `plan[n]` says what happens to the n-th call's entries. */
function flakyPublisher(plan: Decide[]) {
  const published: string[] = [];
  let call = 0;
  const publisher: OrderEventPublisher = {
    publish: async () => ({ messageId: 'm' }),
    publishBatch: async (messages: readonly OutboundOrderMessage[]) => {
      const decide = plan[call++] ?? (() => undefined);
      const failures: PublishFailure[] = [];
      messages.forEach((message, index) => {
        const failure = decide(index, message);
        if (failure === undefined) published.push(message.body);
        else failures.push(failure);
      });
      return { published: messages.length - failures.length, failures };
    },
  };
  return { publisher, published, calls: () => call };
}

const throttled = (index: number): PublishFailure => ({
  index,
  code: 'throttled',
  message: 'slow down',
  retryable: true,
});
const refused = (index: number): PublishFailure => ({
  index,
  code: 'InvalidParameter',
  message: 'bad',
  retryable: false,
});
const retry = { firstPauseMs: 1 };

describe('publishing through failures that may pass', () => {
  it('publishes again what failed for a retryable reason, until it is published', async () => {
    const { publisher, published, calls } = flakyPublisher([
      (i) => (i % 2 ? throttled(i) : undefined),
      (i) => (i === 0 ? throttled(i) : undefined),
    ]);
    const summary = await publishSample(publisher, 6, { seed: 1, retry });
    expect(summary).toEqual({ published: 6, invalid: [], failed: [] });
    expect(new Set(published).size).toBe(6);
    expect(calls()).toBe(3);
  });

  it('reports at once what failed for a reason that will not pass, and what still fails after the extra rounds', async () => {
    const always: Decide = (i, message) => (message.orderId?.endsWith('000001') ? refused(i) : throttled(i));
    const { publisher, calls } = flakyPublisher([always, always, always, always, always]);
    const summary = await publishSample(publisher, 2, { seed: 1, retry });
    expect(summary.published).toBe(0);
    expect(summary.failed).toEqual([
      { position: 1, code: 'InvalidParameter', message: 'bad' },
      { position: 2, code: 'throttled', message: 'slow down' },
    ]);
    expect(calls()).toBe(4); // the first try and three extra rounds
  });
});
