import { ReceiveMessageCommand, SendMessageBatchCommand, type MessageAttributeValue } from '@aws-sdk/client-sqs';
import { resetEmulator, uniqueResourceNames } from '../../../testkit/src/integration';
import {
  countTableItems,
  createDynamoDbClient,
  createSqsClient,
  DlqTools,
  DynamoDbRedriveLease,
  newestStoredOrders,
  provisionResources,
  RedriveInProgressError,
  SqsMessageQueue,
  type ProvisionResult,
} from '../../src';

// The receive → send → delete redrive (moto has no StartMessageMoveTask) on the emulator: large
// messages, attributes kept as they were, and two redrives started at once.

const sqs = createSqsClient();
const dynamodb = createDynamoDbClient();
let resources: ProvisionResult;

beforeAll(async () => {
  await resetEmulator();
  resources = await provisionResources({ names: uniqueResourceNames('redrive') });
});

afterAll(() => {
  sqs.destroy();
  dynamodb.destroy();
});

/** Puts messages straight into the DLQ (as SQS's redrive policy would), in batches of up to 10 or 1 MiB. */
async function fillDlq(
  entries: readonly { body: string; attributes?: Record<string, MessageAttributeValue> }[],
): Promise<void> {
  let batch: typeof entries = [];
  let bytes = 0;
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const result = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: resources.dlqUrl,
        Entries: batch.map((entry, i) => ({
          Id: String(i),
          MessageBody: entry.body,
          ...(entry.attributes ? { MessageAttributes: entry.attributes } : {}),
        })),
      }),
    );
    expect(result.Failed ?? []).toEqual([]);
    batch = [];
    bytes = 0;
  };
  for (const entry of entries) {
    if (batch.length === 10 || bytes + entry.body.length > 900 * 1024) await flush();
    batch = [...batch, entry];
    bytes += entry.body.length;
  }
  await flush();
}

/** Everything on the source queue: bodies and attributes, each deleted once read. */
async function drainSource(): Promise<{ body: string; attributes: Record<string, MessageAttributeValue> }[]> {
  const seen: { body: string; attributes: Record<string, MessageAttributeValue> }[] = [];
  const queue = new SqsMessageQueue({ queueUrl: resources.queueUrl, client: sqs });
  for (let empty = 0; empty < 2; ) {
    const result = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: resources.queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ['All'],
      }),
    );
    const messages = result.Messages ?? [];
    empty = messages.length === 0 ? empty + 1 : 0;
    for (const message of messages)
      seen.push({ body: message.Body ?? '', attributes: message.MessageAttributes ?? {} });
    await queue.deleteBatch(messages.map((message) => message.ReceiptHandle ?? ''));
  }
  return seen;
}

const toolsWith = (owner: string): DlqTools =>
  new DlqTools({
    dlqUrl: resources.dlqUrl,
    sourceQueueUrl: resources.queueUrl,
    client: sqs,
    lease: new DynamoDbRedriveLease({
      tableName: resources.names.tableName,
      queueName: resources.names.dlqName,
      client: dynamodb,
      owner,
    }),
  });

describe('the manual redrive on the emulator', () => {
  it('moves large messages back: its batches stay within 1 MiB', async () => {
    const big = Array.from({ length: 6 }, (_, i) => ({ body: `${i}:${'x'.repeat(300 * 1024)}` }));
    await fillDlq(big);
    const result = await toolsWith('big').redrive({ strategy: 'manual' });
    expect(result).toMatchObject({ strategy: 'manual', moved: 6, failures: [] });
    const back = await drainSource();
    expect(back.map((m) => m.body).sort()).toEqual(big.map((m) => m.body).sort());
  });

  it('keeps each body byte for byte, the SNS envelope included, and every message attribute', async () => {
    // Spacing and key order as SNS writes them; a signature would break if a byte changed.
    const envelope =
      '{\n  "Type" : "Notification",\n  "MessageId" : "5b1b8d2e-0000-4000-8000-000000000001",\n' +
      '  "Message" : "{\\"orderId\\":\\"Ü-1\\",\\"quantity\\":0}",\n  "Signature" : "AbC/+==",\n  "SignatureVersion" : "1"\n}';
    const attributes: Record<string, MessageAttributeValue> = {
      orderId: { DataType: 'String', StringValue: 'Ü-1' },
      attempt: { DataType: 'Number', StringValue: '3' },
      digest: { DataType: 'Binary', BinaryValue: new Uint8Array([0, 1, 127, 128, 255]) },
    };
    await fillDlq([{ body: envelope, attributes }]);
    await expect(toolsWith('attributes').redrive({ strategy: 'manual' })).resolves.toMatchObject({ moved: 1 });
    const [copy] = await drainSource();
    expect(copy?.body).toBe(envelope);
    expect(copy?.attributes['orderId']).toMatchObject({ DataType: 'String', StringValue: 'Ü-1' });
    expect(copy?.attributes['attempt']).toMatchObject({ DataType: 'Number', StringValue: '3' });
    expect(copy?.attributes['digest']?.DataType).toBe('Binary');
    expect([...(copy?.attributes['digest']?.BinaryValue ?? [])]).toEqual([0, 1, 127, 128, 255]);
  });

  it('two redrives started at once never duplicate a message: the second refuses while the first holds the lease', async () => {
    const bodies = Array.from({ length: 30 }, (_, i) => ({ body: `message-${i}` }));
    await fillDlq(bodies);
    const itemsBefore = await countTableItems(dynamodb, resources.names.tableName);

    const outcomes = await Promise.allSettled([
      toolsWith('first').redrive({ strategy: 'manual' }),
      toolsWith('second').redrive({ strategy: 'manual' }),
    ]);

    const moved = outcomes.map((o) => (o.status === 'fulfilled' && o.value.strategy === 'manual' ? o.value.moved : 0));
    const refused = outcomes.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason);
    // Either the second refused, or it started after the first had finished and found nothing.
    expect(moved.reduce((a, b) => a + b, 0)).toBe(30);
    for (const reason of refused) expect(reason).toBeInstanceOf(RedriveInProgressError);
    const back = await drainSource();
    expect(back.map((m) => m.body).sort()).toEqual(bodies.map((m) => m.body).sort());
    // The lease is gone, and never counted as an order.
    await expect(countTableItems(dynamodb, resources.names.tableName)).resolves.toBe(itemsBefore);
    await expect(toolsWith('third').redrive({ strategy: 'manual' })).resolves.toMatchObject({ moved: 0 });
  });

  it('a lease left by a crashed run is not counted as an order, and blocks the next run with a sentence', async () => {
    const crashed = new DynamoDbRedriveLease({
      tableName: resources.names.tableName,
      queueName: resources.names.dlqName,
      client: dynamodb,
      owner: 'crashed-run',
    });
    const held = await crashed.acquire();
    try {
      await expect(countTableItems(dynamodb, resources.names.tableName)).resolves.toBe(0);
      // Nor listed as one (`orders list`).
      await expect(
        newestStoredOrders(dynamodb, resources.names.tableName, { limit: 10, maxScanned: 100 }),
      ).resolves.toEqual({ records: [], scanned: 1, complete: true });
      await expect(toolsWith('next').redrive({ strategy: 'manual' })).rejects.toThrow(
        /^Another redrive of .* is running \(lease held by crashed-run until /,
      );
    } finally {
      await held.release();
    }
  });
});
