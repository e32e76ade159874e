import { SQSClient } from '@aws-sdk/client-sqs';
import { serializeOrder } from '@orders/core';
import { sampleOrder, snsEnvelopeBody } from '@orders/testkit';
import { diagnoseDlqBody, DlqTools, EndpointUnreachableError } from '../../src';
import { VALID_MESSAGE_REASON } from '../../src/dlq-diagnosis';
import { connectionRefused, fakeClient, TEST_CLIENT_CONFIG } from './support/fake-client';
import { DLQ_URL, FakeSqs, SOURCE_URL } from './support/fake-sqs';

function toolsWith(sqs: FakeSqs) {
  const fake = fakeClient(new SQSClient(TEST_CLIENT_CONFIG), sqs.handle);
  return { ...fake, tools: new DlqTools({ dlqUrl: DLQ_URL, sourceQueueUrl: SOURCE_URL, client: fake.client }) };
}

const poison = JSON.stringify({
  orderId: 'P-1',
  userId: 'U1',
  itemName: 'Lamp',
  quantity: 0,
  status: 'new',
  timestamp: '2025-05-03T12:00:00Z',
});

describe('diagnoseDlqBody', () => {
  it('explains an invalid order field by field, with its salvaged orderId', () => {
    const diagnosis = diagnoseDlqBody(snsEnvelopeBody(poison));
    expect(diagnosis).toMatchObject({
      valid: false,
      orderId: 'P-1',
      problems: [{ field: 'quantity', code: 'out_of_range' }],
    });
    expect(diagnosis.reason).toBe('Invalid message: quantity must be an integer from 1 to 1000000 (out_of_range).');
  });

  it('says a valid order most likely failed for an infrastructure reason', () => {
    expect(diagnoseDlqBody(serializeOrder(sampleOrder()))).toEqual({
      valid: true,
      orderId: 'O1234',
      delivery: 'raw',
      problems: [],
      reason: VALID_MESSAGE_REASON,
    });
  });

  it('handles a body that is not JSON', () => {
    expect(diagnoseDlqBody('{oops')).toMatchObject({ valid: false, problems: [{ code: 'not_json' }] });
    expect(diagnoseDlqBody('{oops')).not.toHaveProperty('orderId');
  });
});

describe('DlqTools.list', () => {
  it('lists every message once, across batches, and leaves all of them visible again', async () => {
    const bodies = Array.from({ length: 23 }, (_, i) =>
      i === 5 ? poison : serializeOrder(sampleOrder({ orderId: `O${i}` })),
    );
    const sqs = new FakeSqs(bodies);
    const { tools } = toolsWith(sqs);

    const listing = await tools.list();

    expect(listing.messages).toHaveLength(23);
    expect(new Set(listing.messages.map((m) => m.messageId)).size).toBe(23);
    expect(listing.truncated).toBe(false);
    expect(listing.visibilityResetFailures).toBe(0);
    expect(sqs.dlq.every((m) => m.visible)).toBe(true);
    // The receive count reported excludes the listing's own receive.
    expect(listing.messages[0]).toMatchObject({ messageId: 'dlq-0', receiveCount: 3, sentTimestamp: 1746273601000 });
    expect(listing.messages[5]?.diagnosis).toMatchObject({ valid: false, orderId: 'P-1' });
  });

  it('stops at maxMessages and says the listing is truncated', async () => {
    const sqs = new FakeSqs(Array.from({ length: 15 }, () => poison));
    const { tools } = toolsWith(sqs);
    const listing = await tools.list({ maxMessages: 12 });
    expect(listing.messages).toHaveLength(12);
    expect(listing.truncated).toBe(true);
    expect(sqs.dlq.every((m) => m.visible)).toBe(true);
  });
});

describe('DlqTools.redrive', () => {
  it('uses StartMessageMoveTask when the endpoint supports it', async () => {
    const sqs = new FakeSqs([poison]);
    sqs.moveTask = 'ok';
    const { tools, inputsOf } = toolsWith(sqs);
    await expect(tools.redrive()).resolves.toEqual({
      strategy: 'move-task',
      taskHandle: 'task-1',
      dlqArn: 'arn:aws:sqs:us-east-1:000000000000:OrderDLQ',
    });
    // It looked for a task at work on the DLQ first.
    expect(inputsOf('ListMessageMoveTasksCommand')).toEqual([
      { SourceArn: 'arn:aws:sqs:us-east-1:000000000000:OrderDLQ', MaxResults: 10 },
    ]);
    expect(inputsOf('StartMessageMoveTaskCommand')).toEqual([
      {
        SourceArn: 'arn:aws:sqs:us-east-1:000000000000:OrderDLQ',
        DestinationArn: 'arn:aws:sqs:us-east-1:000000000000:OrderQueue',
      },
    ]);
    expect(sqs.sent).toHaveLength(0);
  });

  it('falls back to receive → send → delete when the move task is unsupported, moving each message once', async () => {
    const bodies = Array.from({ length: 14 }, (_, i) => `body-${i}`);
    const sqs = new FakeSqs(bodies);
    const { tools, calls } = toolsWith(sqs);

    const result = await tools.redrive();

    expect(result).toMatchObject({ strategy: 'manual', moved: 14, failures: [] });
    expect(result.strategy === 'manual' && result.fallbackReason).toContain(
      'StartMessageMoveTask is not available here',
    );
    expect(sqs.sent.map((s) => s.body).sort()).toEqual([...bodies].sort());
    expect(sqs.dlq).toHaveLength(0);
    // Message attributes travel along, without the reserved list forms.
    expect(sqs.sent[0]?.attributes).toEqual({ origin: { DataType: 'String', StringValue: 'dlq-0' } });
    // Every delete comes right after the send that covered it, and only for what was sent.
    const order = calls
      .map((c) => c.name)
      .filter((n) => n === 'SendMessageBatchCommand' || n === 'DeleteMessageBatchCommand');
    expect(order).toEqual([
      'SendMessageBatchCommand',
      'DeleteMessageBatchCommand',
      'SendMessageBatchCommand',
      'DeleteMessageBatchCommand',
    ]);
  });

  it('keeps a message the source queue refused in the DLQ, visible, and sends it only once', async () => {
    const sqs = new FakeSqs(['ok-1', 'refused', 'ok-2']);
    sqs.rejectSendOf.add('refused');
    const { tools } = toolsWith(sqs);

    const result = await tools.redrive({ strategy: 'manual' });

    expect(result).toEqual({
      strategy: 'manual',
      moved: 2,
      failures: [{ messageId: 'dlq-1', stage: 'not_sent', code: 'InvalidMessageContents', message: 'rejected' }],
    });
    expect(sqs.dlq.map((m) => [m.body, m.visible])).toEqual([['refused', true]]);
    expect(sqs.sent.map((s) => s.body)).toEqual(['ok-1', 'ok-2']);
  });

  it('reports a message whose delete failed after its send as not_deleted (the one way a copy can exist twice)', async () => {
    const sqs = new FakeSqs(['a', 'b']);
    sqs.failDeleteOf.add('b');
    const { tools } = toolsWith(sqs);
    const result = await tools.redrive({ strategy: 'manual' });
    expect(result).toMatchObject({
      strategy: 'manual',
      moved: 1,
      failures: [{ messageId: 'dlq-1', stage: 'not_deleted', code: 'InternalError' }],
    });
    expect(sqs.sent.map((s) => s.body)).toEqual(['a', 'b']);
  });

  it('honours maxMessages by moving only that many', async () => {
    const sqs = new FakeSqs(Array.from({ length: 12 }, (_, i) => `m-${i}`));
    const { tools, calls } = toolsWith(sqs);
    const result = await tools.redrive({ maxMessages: 4 });
    expect(result).toMatchObject({ strategy: 'manual', moved: 4 });
    expect(sqs.dlq).toHaveLength(8);
    expect(calls.some((c) => c.name === 'StartMessageMoveTaskCommand')).toBe(false);
  });

  it('when the endpoint really is unreachable, says so in one sentence, having moved nothing', async () => {
    const unreachable = fakeClient(new SQSClient(TEST_CLIENT_CONFIG), () => Promise.reject(connectionRefused()));
    const down = new DlqTools({ dlqUrl: DLQ_URL, sourceQueueUrl: SOURCE_URL, client: unreachable.client });
    await expect(down.redrive()).rejects.toBeInstanceOf(EndpointUnreachableError);
    expect(unreachable.calls.map((c) => c.name)).not.toContain('SendMessageBatchCommand');
  });

  it('with strategy move-task, reports the failure instead of falling back', async () => {
    const sqs = new FakeSqs(['a']);
    const { tools } = toolsWith(sqs);
    await expect(tools.redrive({ strategy: 'move-task' })).rejects.toMatchObject({ code: 'aws_server_error' });
    expect(sqs.sent).toHaveLength(0);
  });
});
