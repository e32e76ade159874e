/**
 * The reference: bbc's `sqs-consumer` (latest major, a bench-only dependency) at its best realistic
 * configuration for this workload, driving the same use case as ours (decode, validate, one
 * conditional PutItem per message through DynamoDbOrderRepository), compiled to JavaScript like
 * ours and run as its own process:
 * - `handleMessageBatch` with `batchSize: 10`: one receive, the batch's puts all at once
 *   (ProcessOrderBatch, concurrency 100, as ours), one DeleteMessageBatch for the successes;
 * - `pollers` Consumer instances in this one process (each polls one receive at a time and holds
 *   one batch: its instance count is its in-flight bound), sharing one SQS client built like ours
 *   (same timeouts and retries). The bench sweeps the count. One process, not one per instance: on
 *   this 2-core machine, shared with the stand-ins, N processes of one instance drained slower than
 *   one process of N from 4 instances up (6: 190–310 msg/s against 450–550) at twice the CPU per
 *   message (2.6–3.0 ms against 1.2–1.3), and no faster at 2 (a pilot, 2 rounds each, on a loaded
 *   machine). One process is also what ours is, so CPU per message compares like with like;
 * - `visibilityTimeout` and `heartbeatInterval` set, so its heartbeats (ChangeMessageVisibilityBatch)
 *   fire for batches that take long;
 * - the queue URL comes from configuration, as a deployed service would have it: no lookups.
 * It has no notion of "until empty": it writes a line on each `empty` event, and the parent stops it.
 */
import type { Message } from '@aws-sdk/client-sqs';
import { Consumer } from 'sqs-consumer';
import { emptyLine } from './harness-config';
import { startReferenceHarness } from './reference-harness';

const { config, sqs, useCase } = startReferenceHarness();

async function handleMessageBatch(messages: Message[]): Promise<Message[]> {
  const { failedMessageIds } = await useCase.execute(
    messages.map((message) => ({
      messageId: message.MessageId ?? '',
      body: message.Body ?? '',
      receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 1),
    })),
  );
  const failed = new Set(failedMessageIds);
  return messages.filter((message) => !failed.has(message.MessageId ?? ''));
}

for (let i = 0; i < config.pollers; i++) {
  const consumer = Consumer.create({
    queueUrl: config.queueUrl,
    sqs,
    batchSize: 10,
    waitTimeSeconds: config.waitTimeSeconds,
    visibilityTimeout: config.visibilityTimeoutSeconds,
    heartbeatInterval: config.heartbeatIntervalSeconds,
    messageSystemAttributeNames: ['ApproximateReceiveCount'],
    handleMessageBatch,
  });
  consumer.on('empty', () => process.stdout.write(emptyLine()));
  consumer.on('error', (error) => process.stderr.write(`sqs-consumer error: ${error.message}\n`));
  consumer.on('processing_error', (error) => process.stderr.write(`sqs-consumer processing error: ${error.message}\n`));
  consumer.start();
}
process.on('SIGTERM', () => process.exit(0));
