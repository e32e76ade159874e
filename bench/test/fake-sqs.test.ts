import type { Server } from 'node:http';
import {
  ChangeMessageVisibilityBatchCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { startDelayProxy } from '../src/standins/delay-proxy';
import { FakeSqsState, startFakeSqs } from '../src/standins/fake-sqs';

// The SQS stand-in the consumer comparison runs on: what the real SDK client (the one ours and
// sqs-consumer use) must see for the comparison to mean anything.

let server: Server;
let url: string;
let state: FakeSqsState;
let client: SQSClient;

beforeAll(async () => {
  state = new FakeSqsState(() => url);
  ({ server, url } = await startFakeSqs(state));
  client = new SQSClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
});

afterAll(async () => {
  client.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function queueWith(name: string, bodies: string[], visibilityTimeout = 30): Promise<string> {
  const { QueueUrl } = await client.send(
    new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: String(visibilityTimeout) } }),
  );
  if (bodies.length > 0) {
    await client.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: bodies.map((body, i) => ({ Id: `m${i}`, MessageBody: body })),
      }),
    );
  }
  return QueueUrl as string;
}

/** Turns of the event loop until `condition` holds: waits on the stand-in's state, not on a clock. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

/** The ReceiveMessage calls a queue has seen, in order. */
const receivesOf = (name: string) => state.stats(name)?.requests.filter((r) => r.action === 'ReceiveMessage') ?? [];

/** Long polls the stand-in holds open on a queue (its private state: nothing public tells). */
const heldPolls = (name: string): number =>
  (state as unknown as { queues: Map<string, { waiters: Set<unknown> }> }).queues.get(name)?.waiters.size ?? 0;

const depth = async (QueueUrl: string) =>
  (
    await client.send(
      new GetQueueAttributesCommand({
        QueueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'VisibilityTimeout'],
      }),
    )
  ).Attributes;

describe('the SQS stand-in, through the real SDK client', () => {
  it('hides received messages for the visibility timeout, counts them, and deletes only with the current handle', async () => {
    const QueueUrl = await queueWith('hide', ['a', 'b', 'c']);
    await expect(client.send(new GetQueueUrlCommand({ QueueName: 'hide' }))).resolves.toMatchObject({ QueueUrl });
    const first = await client.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 2, MessageSystemAttributeNames: ['All'] }),
    );
    expect(first.Messages?.map((m) => m.Body)).toEqual(['a', 'b']); // the SDK checked each MD5OfBody
    expect(first.Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe('1');
    await expect(depth(QueueUrl)).resolves.toEqual({
      ApproximateNumberOfMessages: '1',
      ApproximateNumberOfMessagesNotVisible: '2',
      VisibilityTimeout: '30',
    });
    // Back at once, received again with a new handle: the old one deletes nothing (as SQS answers).
    const [a] = first.Messages ?? [];
    await client.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl,
        Entries: [{ Id: '0', ReceiptHandle: a?.ReceiptHandle, VisibilityTimeout: 0 }],
      }),
    );
    const again = await client.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    expect(again.Messages?.map((m) => m.Body).sort()).toEqual(['a', 'c']);
    const stale = await client.send(
      new DeleteMessageBatchCommand({ QueueUrl, Entries: [{ Id: '0', ReceiptHandle: a?.ReceiptHandle }] }),
    );
    expect(stale.Successful).toEqual([{ Id: '0' }]);
    expect(state.stats('hide')?.remaining).toBe(3);
    const deleted = await client.send(
      new DeleteMessageBatchCommand({
        QueueUrl,
        Entries: [...(again.Messages ?? []), first.Messages?.[1]].map((m, i) => ({
          Id: String(i),
          ReceiptHandle: m?.ReceiptHandle,
        })),
      }),
    );
    expect(deleted.Successful).toHaveLength(3);
    expect(state.stats('hide')).toMatchObject({ remaining: 0, drainedAt: expect.any(Number) });
    // The heartbeat of a message no longer held is refused per entry.
    const refused = await client.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl,
        Entries: [{ Id: '0', ReceiptHandle: a?.ReceiptHandle, VisibilityTimeout: 30 }],
      }),
    );
    expect(refused.Failed?.[0]?.Code).toBe('ReceiptHandleIsInvalid');
  });

  it('long-polls: an empty receive waits, and answers as soon as a message arrives', async () => {
    const QueueUrl = await queueWith('long-poll', []);
    // The stand-in's clock is stopped (fake timers; sockets run as usual): a poll can end only by a
    // message arriving, or by the test moving the clock through its wait. No stopwatch.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] });
    try {
      const waiting = client.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }));
      await until(() => heldPolls('long-poll') === 1);
      await client.send(new SendMessageBatchCommand({ QueueUrl, Entries: [{ Id: '1', MessageBody: 'late' }] }));
      const answered = await waiting;
      expect(answered.Messages?.map((m) => m.Body)).toEqual(['late']);

      let emptyAnswered = false;
      const empty = client.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 })).finally(() => {
        emptyAnswered = true;
      });
      await until(() => heldPolls('long-poll') === 1);
      await jest.advanceTimersByTimeAsync(999);
      expect(emptyAnswered).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      expect((await empty).Messages).toBeUndefined();
    } finally {
      jest.useRealTimers();
    }
  });

  it('hands nothing to a long poll its client gave up on, through the delay proxy too', async () => {
    const proxy = await startDelayProxy(url, { defaultMs: 5, byAction: { ReceiveMessage: 20 } });
    const viaProxy = new SQSClient({
      endpoint: proxy.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    try {
      const QueueUrl = await queueWith('abandoned', []);
      const abort = new AbortController();
      const cut = viaProxy.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 10 }), {
        abortSignal: abort.signal,
      });
      // Given up on only once the stand-in holds the poll, and the message sent only once it let
      // the poll go: by the stand-in's state, not after pauses a busy machine can outrun.
      await until(() => heldPolls('abandoned') === 1);
      abort.abort();
      await expect(cut).rejects.toThrow();
      await until(() => heldPolls('abandoned') === 0);
      // Let go because the client went away, not answered (empty) at the end of its wait.
      expect(receivesOf('abandoned')[0]?.answeredAt).toBeUndefined();
      await client.send(new SendMessageBatchCommand({ QueueUrl, Entries: [{ Id: '1', MessageBody: 'kept' }] }));
      await expect(depth(QueueUrl)).resolves.toMatchObject({ ApproximateNumberOfMessages: '1' });
      const started = Date.now();
      const received = await viaProxy.send(new ReceiveMessageCommand({ QueueUrl }));
      expect(received.Messages?.map((m) => m.Body)).toEqual(['kept']);
      expect(Date.now() - started).toBeGreaterThanOrEqual(19); // the proxy's round trip for a receive
      expect(state.stats('abandoned')?.requests.map((r) => r.action)).toEqual([
        'ReceiveMessage',
        'SendMessageBatch',
        'GetQueueAttributes',
        'ReceiveMessage',
      ]);
    } finally {
      viaProxy.destroy();
      await proxy.close();
    }
  });

  it("reads the watched process's CPU time at its first receive and at the delete that empties the queue", async () => {
    const QueueUrl = await queueWith('cpu', ['a', 'b']);
    state.watch('cpu', process.pid);
    const received = await client.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    const [a, b] = received.Messages ?? [];
    await client.send(
      new DeleteMessageBatchCommand({ QueueUrl, Entries: [{ Id: '0', ReceiptHandle: a?.ReceiptHandle }] }),
    );
    // Not drained yet: no reading for the drain.
    expect(state.stats('cpu')?.cpuMsAtDrain).toBeUndefined();
    await client.send(
      new DeleteMessageBatchCommand({ QueueUrl, Entries: [{ Id: '0', ReceiptHandle: b?.ReceiptHandle }] }),
    );
    const stats = state.stats('cpu');
    expect(stats?.cpuMsAtFirstReceive).toEqual(expect.any(Number));
    expect(stats?.cpuMsAtDrain).toBeGreaterThanOrEqual(stats?.cpuMsAtFirstReceive ?? Number.POSITIVE_INFINITY);
  });

  it('moves a message received maxReceiveCount times to its DLQ at the receive that would deliver it again', async () => {
    const { QueueUrl: dlqUrl } = await client.send(new CreateQueueCommand({ QueueName: 'redrive-dlq' }));
    const { QueueUrl } = await client.send(
      new CreateQueueCommand({
        QueueName: 'redrive',
        Attributes: {
          RedrivePolicy: JSON.stringify({
            deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:redrive-dlq',
            maxReceiveCount: '2',
          }),
        },
      }),
    );
    await client.send(new SendMessageBatchCommand({ QueueUrl, Entries: [{ Id: '1', MessageBody: 'poison' }] }));
    const backAtOnce = async (): Promise<string | undefined> => {
      const received = await client.send(new ReceiveMessageCommand({ QueueUrl, MessageSystemAttributeNames: ['All'] }));
      const [message] = received.Messages ?? [];
      await client.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl,
          Entries: [{ Id: '0', ReceiptHandle: message?.ReceiptHandle, VisibilityTimeout: 0 }],
        }),
      );
      return message?.Attributes?.ApproximateReceiveCount;
    };
    expect([await backAtOnce(), await backAtOnce()]).toEqual(['1', '2']);
    // The third receive finds nothing: the message has moved, and its move drained the queue.
    expect((await client.send(new ReceiveMessageCommand({ QueueUrl }))).Messages).toBeUndefined();
    expect(state.stats('redrive')).toMatchObject({ remaining: 0, drainedAt: expect.any(Number) });
    const dead = await client.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10 }));
    expect(dead.Messages?.map((m) => m.Body)).toEqual(['poison']);
  });

  it('keeps a message whose DLQ does not exist here (as before redrive was modelled)', async () => {
    const { QueueUrl } = await client.send(
      new CreateQueueCommand({
        QueueName: 'no-dlq',
        Attributes: {
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: 'arn:aws:sqs:us-east-1:0:absent', maxReceiveCount: 1 }),
        },
      }),
    );
    await client.send(new SendMessageBatchCommand({ QueueUrl, Entries: [{ Id: '1', MessageBody: 'x' }] }));
    for (const expected of ['1', '2']) {
      const received = await client.send(
        new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 0, MessageSystemAttributeNames: ['All'] }),
      );
      expect(received.Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe(expected);
    }
  });

  it('holds a queue (receives find nothing, the depth still counts it) until released, and tells clients apart', async () => {
    const QueueUrl = await queueWith('held', ['a', 'b', 'c']);
    expect(state.hold('held')).toBe(true);
    state.watch('held', process.pid);
    const named = new SQSClient({
      endpoint: url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      userAgentAppId: 'consumer-7',
    });
    try {
      expect((await named.send(new ReceiveMessageCommand({ QueueUrl }))).Messages).toBeUndefined();
      await expect(depth(QueueUrl)).resolves.toMatchObject({ ApproximateNumberOfMessages: '3' });
      expect(state.progress('held')?.receivingClients).toEqual(['consumer-7']);
      const waiting = named.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20, MaxNumberOfMessages: 2 }));
      await until(() => heldPolls('held') === 1);
      const released = state.release('held');
      expect(released).toMatchObject({ watchedCpuMs: expect.any(Number), standinCpuMs: expect.any(Number) });
      // Released, the waiting long poll gets the messages.
      const answered = await waiting;
      expect(answered.Messages?.map((m) => m.Body)).toEqual(['a', 'b']);
      const rest = await client.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
      const all = [...(answered.Messages ?? []), ...(rest.Messages ?? [])];
      await client.send(
        new DeleteMessageBatchCommand({
          QueueUrl,
          Entries: all.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
        }),
      );
      const stats = state.stats('held');
      expect(stats?.drained?.at).toBeGreaterThanOrEqual(released?.at ?? Number.POSITIVE_INFINITY);
      expect(stats?.drained?.standinCpuMs).toBeGreaterThanOrEqual(released?.standinCpuMs ?? Number.POSITIVE_INFINITY);
      // Each receive names its client (when it sent an app id) and the messages it handed out.
      const receives = receivesOf('held').map((r) => [r.client, r.messageIds?.length ?? 0]);
      expect(receives).toEqual([
        ['consumer-7', 0],
        ['consumer-7', 2],
        [undefined, 1],
      ]);
    } finally {
      named.destroy();
    }
  });

  it('answers an unknown queue as SQS does, so the SDK raises QueueDoesNotExist', async () => {
    await expect(client.send(new GetQueueUrlCommand({ QueueName: 'nope' }))).rejects.toThrow(QueueDoesNotExist);
  });
});
