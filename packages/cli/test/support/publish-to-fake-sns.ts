// `orders publish ARGS…` as the command line runs it, in a process of its own (OpenTelemetry's
// exporter cannot run inside Jest's module sandbox), with OrderTopic a fake SNS that accepts every
// entry: the PublishBatch entries it was sent are printed on stdout as one JSON line, last.
import { SnsOrderPublisher } from '@orders/adapters-aws';
import { Command } from 'commander';
import { type OpenOrderTopic, publishCommand } from '../../src/commands/publish-command';

type Entry = { Id: string; MessageAttributes?: Record<string, { StringValue: string }> };

const entries: Entry[] = [];
const client = {
  send: async (command: { input: { PublishBatchRequestEntries?: Entry[] } }) => {
    const batch = command.input.PublishBatchRequestEntries ?? [];
    entries.push(...batch);
    return { $metadata: {}, Successful: batch.map((entry) => ({ Id: entry.Id, MessageId: `sns-${entry.Id}` })) };
  },
};
const openTopic: OpenOrderTopic = async (names) => ({
  topicName: names.topicName,
  publisher: new SnsOrderPublisher({
    topicArn: `arn:aws:sns:us-east-1:000000000000:${names.topicName}`,
    client: client as never,
  }),
});

async function main(): Promise<void> {
  await new Command('orders')
    .addCommand(publishCommand(openTopic))
    .parseAsync(['publish', ...process.argv.slice(2), '--endpoint', 'http://127.0.0.1:9', '--region', 'us-east-1'], {
      from: 'user',
    });
  process.stdout.write(`ENTRIES ${JSON.stringify(entries)}\n`);
}

void main();
