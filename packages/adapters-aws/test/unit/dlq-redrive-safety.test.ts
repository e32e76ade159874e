import { SQSClient } from '@aws-sdk/client-sqs';
import type { Clock } from '@orders/core';
import { DlqTools, RedriveInProgressError, type HeldRedriveLease, type RedriveLease } from '../../src';
import { MAX_SEND_BATCH_BYTES, sendBatchBytes } from '../../src/dlq-tools';
import { fakeClient, TEST_CLIENT_CONFIG } from './support/fake-client';
import { DLQ_URL, FakeSqs, SOURCE_URL } from './support/fake-sqs';

function toolsWith(sqs: FakeSqs, extra: { lease?: RedriveLease; clock?: Clock } = {}) {
  const fake = fakeClient(new SQSClient(TEST_CLIENT_CONFIG), sqs.handle);
  return {
    ...fake,
    tools: new DlqTools({ dlqUrl: DLQ_URL, sourceQueueUrl: SOURCE_URL, client: fake.client, ...extra }),
  };
}

const KIB = 1024;

describe('the manual redrive keeps within SQS batch bounds', () => {
  it('splits SendMessageBatch by size as well as by count: large messages at the head never sink a run', async () => {
    // 4 × 300 KiB would be over the 1 MiB batch limit: 3 go together, then the rest.
    const big = (i: number): string => `${String(i)}${'x'.repeat(300 * KIB)}`;
    const sqs = new FakeSqs([big(0), big(1), big(2), big(3), 'small-4', 'small-5']);
    const { tools } = toolsWith(sqs);

    const result = await tools.redrive({ strategy: 'manual' });

    expect(result).toMatchObject({ strategy: 'manual', moved: 6, failures: [] });
    expect(sqs.sendBatches).toEqual([3, 3]);
    expect(sqs.dlq).toHaveLength(0);
  });

  it('counts the attributes toward the size, as SQS does', () => {
    expect(sendBatchBytes({ Body: 'ab' })).toBe(2);
    expect(
      sendBatchBytes({
        Body: 'é',
        MessageAttributes: {
          orderId: { DataType: 'String', StringValue: 'O1' },
          blob: { DataType: 'Binary', BinaryValue: new Uint8Array(10) },
        },
      }),
    ).toBe(2 + 'orderId'.length + 'String'.length + 2 + 'blob'.length + 'Binary'.length + 10);
    expect(MAX_SEND_BATCH_BYTES).toBe(1_048_576);
  });
});

describe('the manual redrive keeps each message as it was', () => {
  it('sends the body byte for byte, every message attribute (binary too) and the trace header', async () => {
    const envelope =
      '{"Type" : "Notification", "MessageId" : "2b7c…", "Message" : "{\\"orderId\\":\\"O1\\"}", "Signature" : "abc=="}';
    const attributes = {
      orderId: { DataType: 'String', StringValue: 'O1', StringListValues: [], BinaryListValues: [] },
      raw: { DataType: 'Binary', BinaryValue: new Uint8Array([0, 1, 254, 255]) },
      count: { DataType: 'Number.int', StringValue: '3' },
    };
    const sqs = new FakeSqs([{ body: envelope, attributes, traceHeader: 'Root=1-5759e988-bd862e3fe1be46a994272793' }]);
    const { tools, inputsOf } = toolsWith(sqs);

    await tools.redrive({ strategy: 'manual' });

    expect(sqs.sent).toEqual([
      {
        body: envelope,
        attributes: {
          orderId: { DataType: 'String', StringValue: 'O1' },
          raw: { DataType: 'Binary', BinaryValue: new Uint8Array([0, 1, 254, 255]) },
          count: { DataType: 'Number.int', StringValue: '3' },
        },
        systemAttributes: {
          AWSTraceHeader: { DataType: 'String', StringValue: 'Root=1-5759e988-bd862e3fe1be46a994272793' },
        },
      },
    ]);
    // It asked for what it copies.
    expect(inputsOf('ReceiveMessageCommand')[0]).toMatchObject({
      MessageAttributeNames: ['All'],
      MessageSystemAttributeNames: expect.arrayContaining(['AWSTraceHeader']),
    });
  });
});

/** A lease in memory: one holder at a time, and a record of what happened. */
class MemoryLease implements RedriveLease {
  holder: string | undefined;
  readonly events: string[] = [];
  stillHeld = true;

  constructor(private readonly name: string) {}

  async acquire(): Promise<HeldRedriveLease> {
    if (this.holder !== undefined) throw new RedriveInProgressError('OrderDLQ', this.holder, 1_800_000_000_000);
    this.holder = this.name;
    this.events.push('acquired');
    return {
      ensureHeld: async () => {
        this.events.push('checked');
        return this.stillHeld;
      },
      release: async () => {
        this.holder = undefined;
        this.events.push('released');
      },
    };
  }
}

describe('the manual redrive under its lease', () => {
  it('holds the lease while it reads the DLQ and gives it up at the end', async () => {
    const lease = new MemoryLease('run-1');
    const sqs = new FakeSqs(['a', 'b']);
    const { tools } = toolsWith(sqs, { lease });
    await expect(tools.redrive({ strategy: 'manual' })).resolves.toMatchObject({ moved: 2 });
    expect(lease.events[0]).toBe('acquired');
    expect(lease.events.at(-1)).toBe('released');
    expect(lease.holder).toBeUndefined();
  });

  it('refuses, reading nothing, while another run holds the lease', async () => {
    const lease = new MemoryLease('run-2');
    lease.holder = 'ci-runner pid 42';
    const sqs = new FakeSqs(['a']);
    const { tools, calls } = toolsWith(sqs, { lease });
    const error = (await tools.redrive({ strategy: 'manual' }).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(RedriveInProgressError);
    expect(error.message).toMatch(
      /^Another redrive of OrderDLQ is running \(lease held by ci-runner pid 42 until .*\); /,
    );
    expect(calls.filter((c) => c.name === 'ReceiveMessageCommand')).toHaveLength(0);
    expect(sqs.dlq).toHaveLength(1);
  });

  it('stops before reading more once the lease cannot be kept, and still releases it', async () => {
    const lease = new MemoryLease('run-3');
    lease.stillHeld = false;
    const sqs = new FakeSqs(['a']);
    const { tools } = toolsWith(sqs, { lease });
    const result = await tools.redrive({ strategy: 'manual' });
    expect(result).toMatchObject({ moved: 0, stoppedBy: expect.stringContaining('lease') });
    expect(sqs.sent).toHaveLength(0);
    expect(lease.events.at(-1)).toBe('released');
  });
});

describe('the manual redrive and the visibility timeout of what it holds', () => {
  it('does not copy a message once too little of its hold is left, and leaves it in the DLQ', async () => {
    let now = 1_000_000;
    const sqs = new FakeSqs(['a']);
    // The receive answers 40 s after it was sent: of a 60 s hold, less than half is left.
    sqs.onCall = (name) => {
      if (name === 'ReceiveMessageCommand') now += 40_000;
    };
    const { tools } = toolsWith(sqs, { clock: { now: () => now } });
    const result = await tools.redrive({ strategy: 'manual', maxMessages: 1 });
    expect(result).toMatchObject({
      moved: 0,
      failures: [{ messageId: 'dlq-0', stage: 'not_sent', code: 'hold_expiring' }],
    });
    expect(sqs.sent).toHaveLength(0);
    expect(sqs.dlq.map((m) => m.visible)).toEqual([true]);
  });

  it('does not count a delete answered after the hold ran out as moved', async () => {
    let now = 1_000_000;
    const sqs = new FakeSqs(['a']);
    sqs.onCall = (name) => {
      if (name === 'DeleteMessageBatchCommand') now += 61_000;
    };
    const { tools } = toolsWith(sqs, { clock: { now: () => now } });
    const result = await tools.redrive({ strategy: 'manual' });
    expect(result).toMatchObject({
      moved: 0,
      failures: [{ messageId: 'dlq-0', stage: 'delete_unconfirmed', code: 'hold_expired' }],
    });
  });
});
