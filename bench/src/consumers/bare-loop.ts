/**
 * The floor: N bare loops of receive → the batch's puts → DeleteMessageBatch, nothing else (no
 * heartbeat, no batch timeout, no graceful stop, no pacing), on the SDK directly. The same use case
 * and client settings as ours. It stops at its first empty receive: the naive "until empty".
 */
import { DeleteMessageBatchCommand, type Message, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { createSqsClient, DynamoDbOrderRepository } from '@orders/adapters-aws';
import { ProcessOrderBatch } from '@orders/core';
import { emptyLine, type HarnessConfig } from './harness-config';

// A warm-up run only loads the modules (the parent's first measured run then starts from a warm file cache).
if (process.env['BENCH_WARMUP'] === '1') process.exit(0);
const config = JSON.parse(process.argv[2] ?? '{}') as HarnessConfig;
// Our client settings (timeouts, retries), with a request timeout that outlasts the long poll: the
// SDK would otherwise give up on an idle long poll (ours sets that per receive, this does not).
const sqs = createSqsClient({
  endpoint: config.sqsEndpoint,
  region: config.region,
  requestTimeoutMs: (config.waitTimeSeconds + 5) * 1000,
});
const repository = new DynamoDbOrderRepository({
  tableName: config.tableName,
  clientOptions: { endpoint: config.dynamodbEndpoint, region: config.region },
});
const useCase = new ProcessOrderBatch({ repository });
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
