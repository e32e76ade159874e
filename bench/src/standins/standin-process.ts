/**
 * The stand-in server process: fake DynamoDB listeners (one per delay, one shared state), the
 * fake SQS (with a delay proxy in front of it) and delay proxies, in a process of their own so
 * their CPU never shares an event loop with a consumer or handler under test. Started by
 * `startStandins`; answers over IPC; exits when its parent disconnects.
 */
import { type ActionDelays, startDelayProxy } from './delay-proxy';
import { FakeDynamoDbState, startFakeDynamoDb } from './fake-dynamodb';
import { FakeSqsState, startFakeSqs } from './fake-sqs';

export interface StandinConfig {
  /** One fake DynamoDB listener per entry, all over the same tables. */
  readonly fakeDelaysMs: readonly number[];
  /** One delay proxy per entry. */
  readonly proxies: readonly { readonly upstream: string; readonly delayMs: number }[];
  /** The fake SQS, behind a delay proxy with these round trips (its queue URLs name the proxy). */
  readonly sqs?: { readonly delays: ActionDelays };
}

export interface StandinReady {
  readonly type: 'ready';
  readonly fakeUrls: readonly string[];
  readonly proxyUrls: readonly string[];
  /** The fake SQS without delay (setup) and behind its delay proxy (the consumers). */
  readonly sqsUrl?: string;
  readonly sqsProxyUrl?: string;
}

/** A question over IPC; the answer carries the same id. */
export type StandinQuestion =
  | { readonly type: 'requests' }
  | { readonly type: 'dynamodb-operations' }
  | { readonly type: 'sqs-watch'; readonly queue: string; readonly pid: number }
  | { readonly type: 'sqs-stats'; readonly queue: string }
  | { readonly type: 'sqs-progress'; readonly queue: string }
  /** Receives of the queue find nothing until it is released (answer: whether the queue exists). */
  | { readonly type: 'sqs-hold'; readonly queue: string }
  /** Releases a held queue (answer: the CpuReading taken at the release). */
  | { readonly type: 'sqs-release'; readonly queue: string };

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as StandinConfig;
  const state = new FakeDynamoDbState();
  const fakes = await Promise.all(config.fakeDelaysMs.map((delayMs) => startFakeDynamoDb(state, { delayMs })));
  const proxies = await Promise.all(config.proxies.map((p) => startDelayProxy(p.upstream, p.delayMs)));
  let sqsProxyUrl = '';
  const sqsState = new FakeSqsState(() => sqsProxyUrl);
  let sqs: { url: string; proxyUrl: string } | undefined;
  if (config.sqs) {
    const listener = await startFakeSqs(sqsState);
    const proxy = await startDelayProxy(listener.url, config.sqs.delays);
    sqsProxyUrl = proxy.url;
    sqs = { url: listener.url, proxyUrl: proxy.url };
  }
  // Every question comes from launch.ts's `ask`, with the id its answer must carry.
  process.on('message', (message: { id: number; question: StandinQuestion }) => {
    const { id, question } = message;
    const reply = (answer: unknown): void => {
      process.send?.({ id, answer });
    };
    switch (question.type) {
      case 'requests':
        return reply(state.requests);
      case 'dynamodb-operations':
        return reply({ ...state.byOperation });
      case 'sqs-watch':
        sqsState.watch(question.queue, question.pid);
        return reply(true);
      case 'sqs-stats':
        return reply(sqsState.stats(question.queue));
      case 'sqs-progress':
        return reply(sqsState.progress(question.queue));
      case 'sqs-hold':
        return reply(sqsState.hold(question.queue));
      case 'sqs-release':
        return reply(sqsState.release(question.queue));
    }
  });
  process.on('disconnect', () => process.exit(0));
  const ready: StandinReady = {
    type: 'ready',
    fakeUrls: fakes.map((f) => f.url),
    proxyUrls: proxies.map((p) => p.url),
    ...(sqs ? { sqsUrl: sqs.url, sqsProxyUrl: sqs.proxyUrl } : {}),
  };
  process.send?.(ready);
}

void main().catch((error: unknown) => {
  process.stderr.write(`stand-in: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
