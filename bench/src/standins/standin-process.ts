/**
 * The stand-in server process: fake DynamoDB listeners (one per delay, one shared state) and delay
 * proxies, in a process of their own so their CPU never shares an event loop with a handler under
 * test. Started by `startStandins`; answers over IPC; exits when its parent disconnects.
 */
import { startDelayProxy } from './delay-proxy';
import { FakeDynamoDbState, startFakeDynamoDb } from './fake-dynamodb';

export interface StandinConfig {
  /** One fake DynamoDB listener per entry, all over the same tables. */
  readonly fakeDelaysMs: readonly number[];
  /** One delay proxy per entry. */
  readonly proxies: readonly { readonly upstream: string; readonly delayMs: number }[];
}

export interface StandinReady {
  readonly type: 'ready';
  readonly fakeUrls: readonly string[];
  readonly proxyUrls: readonly string[];
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as StandinConfig;
  const state = new FakeDynamoDbState();
  const fakes = await Promise.all(config.fakeDelaysMs.map((delayMs) => startFakeDynamoDb(state, { delayMs })));
  const proxies = await Promise.all(config.proxies.map((p) => startDelayProxy(p.upstream, p.delayMs)));
  process.on('message', (message: { type?: string }) => {
    if (message?.type === 'requests') process.send?.({ type: 'requests', requests: state.requests });
  });
  process.on('disconnect', () => process.exit(0));
  const ready: StandinReady = {
    type: 'ready',
    fakeUrls: fakes.map((f) => f.url),
    proxyUrls: proxies.map((p) => p.url),
  };
  process.send?.(ready);
}

void main().catch((error: unknown) => {
  process.stderr.write(`stand-in: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
