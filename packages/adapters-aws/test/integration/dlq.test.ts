import { serializeOrder } from '@orders/core';
import { sampleOrder, snsEnvelopeBody } from '@orders/testkit';
import { integrationEnvironment, resetEmulator, uniqueResourceNames } from '../../../testkit/src/integration';
import { createSqsClient, DlqTools, provisionResources, SqsMessageQueue, type ProvisionResult } from '../../src';
import { VALID_MESSAGE_REASON } from '../../src/dlq-diagnosis';

const sqs = createSqsClient();
let resources: ProvisionResult;
let queue: SqsMessageQueue;
let dlq: SqsMessageQueue;
let tools: DlqTools;

// An order with a salvageable id and an impossible quantity: it can never be stored.
const POISON = snsEnvelopeBody(
  JSON.stringify({
    orderId: 'P-1',
    userId: 'U1',
    itemName: 'Lamp',
    quantity: 0,
    status: 'new',
    timestamp: '2025-05-03T12:00:00Z',
  }),
);

beforeAll(async () => {
  await resetEmulator();
  resources = await provisionResources({ names: uniqueResourceNames('dlq') });
  queue = new SqsMessageQueue({ queueUrl: resources.queueUrl, client: sqs });
  dlq = new SqsMessageQueue({ queueUrl: resources.dlqUrl, client: sqs });
  tools = new DlqTools({ dlqUrl: resources.dlqUrl, sourceQueueUrl: resources.queueUrl, client: sqs });
});

afterAll(() => sqs.destroy());

// Visibility 0: each failed delivery is immediately available again, as if its timeout had run out.
const receiveNow = () => queue.receive({ maxMessages: 10, waitTimeSeconds: 0, visibilityTimeoutSeconds: 0 });

describe('the dead-letter path (run in order)', () => {
  it('moves a poison message to the DLQ after exactly 3 receives', async () => {
    const { messageId } = await queue.sendRaw(POISON);

    for (const expectedCount of [1, 2, 3]) {
      const received = await receiveNow();
      expect(received.map((message) => [message.messageId, message.receiveCount])).toEqual([
        [messageId, expectedCount],
      ]);
    }
    // The 4th attempt finds the count exhausted: SQS moves the message instead of delivering it.
    await expect(receiveNow()).resolves.toEqual([]);
    await expect(queue.depth()).resolves.toMatchObject({ visible: 0, inFlight: 0 });
    await expect(dlq.depth()).resolves.toMatchObject({ visible: 1 });
  });

  it('lists DLQ messages with their orderId, receive count and why they failed, leaving them in place', async () => {
    // A valid order that ran out of retries (say the table was down) sits beside the poison one.
    await dlq.sendRaw(serializeOrder(sampleOrder({ orderId: 'V-1' })));

    const listing = await tools.list();

    expect(listing).toMatchObject({ truncated: false, visibilityResetFailures: 0 });
    const byOrder = new Map(listing.messages.map((message) => [message.diagnosis.orderId, message]));
    expect([...byOrder.keys()].sort()).toEqual(['P-1', 'V-1']);
    expect(byOrder.get('P-1')).toMatchObject({
      receiveCount: 3,
      diagnosis: { valid: false, problems: [{ field: 'quantity', code: 'out_of_range' }] },
    });
    expect(byOrder.get('P-1')?.diagnosis.reason).toBe(
      'Invalid message: quantity must be an integer from 1 to 1000000 (out_of_range).',
    );
    expect(byOrder.get('V-1')?.diagnosis).toMatchObject({ valid: true, reason: VALID_MESSAGE_REASON });
    // Listing is not consuming: both are still there and visible.
    await expect(dlq.depth()).resolves.toMatchObject({ visible: 2, inFlight: 0 });
  });

  it('redrives the DLQ back to the source queue, each message exactly once', async () => {
    const result = await tools.redrive();

    if (integrationEnvironment().flavour === 'moto') {
      // moto has no StartMessageMoveTask: the fallback must have run, and must say why.
      expect(result).toMatchObject({ strategy: 'manual', moved: 2, failures: [] });
      expect(result.strategy === 'manual' && result.fallbackReason).toMatch(
        /StartMessageMoveTask is not available here/,
      );
    } else {
      expect(['manual', 'move-task']).toContain(result.strategy);
    }

    const back: string[] = [];
    for (let attempt = 0; attempt < 20 && back.length < 2; attempt++) {
      const received = await queue.receive({ maxMessages: 10, waitTimeSeconds: 1 });
      back.push(...received.map((message) => message.body));
      await queue.deleteBatch(received.map((message) => message.receiptHandle));
    }
    expect(back.sort()).toEqual([POISON, serializeOrder(sampleOrder({ orderId: 'V-1' }))].sort());
    await expect(dlq.depth()).resolves.toMatchObject({ visible: 0, inFlight: 0 });
  });
});

describe('SqsMessageQueue on a real queue', () => {
  it('deletes the good entries and reports the bad one by its receipt handle', async () => {
    await queue.sendRaw('delete-me');
    const [message] = await queue.receive({ maxMessages: 1, waitTimeSeconds: 1 });
    expect(message).toBeDefined();

    const failures = await queue.deleteBatch([message?.receiptHandle ?? '', 'not-a-real-receipt-handle']);

    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ receiptHandle: 'not-a-real-receipt-handle', code: 'ReceiptHandleIsInvalid' });
    await expect(queue.depth()).resolves.toMatchObject({ visible: 0, inFlight: 0 });
  });

  it('ends a long poll at once when asked to stop', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const receiving = dlq.receive({ maxMessages: 10, waitTimeSeconds: 10, signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    await expect(receiving).resolves.toEqual([]);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
