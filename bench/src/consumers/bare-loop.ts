/**
 * The floor: N bare loops of receive → the batch's puts → DeleteMessageBatch, nothing else (no
 * heartbeat, no batch timeout, no graceful stop, no pacing), on the SDK directly. The same use case
 * and client settings as ours. It stops at its first empty receive: the naive "until empty".
 */
import { DeleteMessageBatchCommand, type Message, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { emptyLine } from './harness-config';
import { startReferenceHarness } from './reference-harness';

const { config, sqs, useCase } = startReferenceHarness();
const done = new AbortController();

async function loop(): Promise<void> {
  while (!done.signal.aborted) {
    let messages: Message[];
    try {
      ({ Messages: messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: config.queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: config.waitTimeSeconds,
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        }),
        { abortSignal: done.signal },
      ));
    } catch (error) {
      if (done.signal.aborted) return;
      throw error;
    }
    if (messages.length === 0) {
      process.stdout.write(emptyLine());
      done.abort();
      return;
    }
    const { failedMessageIds } = await useCase.execute(
      messages.map((message) => ({ messageId: message.MessageId ?? '', body: message.Body ?? '' })),
    );
    const failed = new Set(failedMessageIds);
    const entries = messages
      .filter((message) => !failed.has(message.MessageId ?? ''))
      .map((message, i) => ({ Id: String(i), ReceiptHandle: message.ReceiptHandle ?? '' }));
    if (entries.length > 0) {
      await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: config.queueUrl, Entries: entries }));
    }
  }
}

Promise.all(Array.from({ length: config.pollers }, () => loop())).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bare loop failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
