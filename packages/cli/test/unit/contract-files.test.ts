import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Parser } from '@asyncapi/parser';
import { DEFAULT_RESOURCE_NAMES } from '@orders/adapters-aws';
import { resolveStackSettings } from '../../../../infra/src/stack/settings';
import {
  DEFAULT_MAX_RECEIVE_COUNT,
  DEFAULT_VISIBILITY_TIMEOUT_SECONDS,
  DLQ_RETENTION_SECONDS,
} from '../../../adapters-aws/src/provisioning';
import { generateContractFiles, UPDATE_COMMAND } from '../../src/contract/contract-documents';
import { DELIVERY_FACTS } from '../../src/contract/order-asyncapi';

const ROOT = resolve(__dirname, '../../../..');
const generated = generateContractFiles();
const committed = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

describe('the committed contract', () => {
  it.each([
    ['schema', generated.schema],
    ['AsyncAPI document', generated.asyncApi],
  ])('%s is exactly what the source generates', (_, file) => {
    const text = committed(file.path);
    if (text !== file.text) {
      throw new Error(`${file.path} differs from what @orders/core generates: run \`${UPDATE_COMMAND}\` and commit it`);
    }
  });

  it('names its version in the schema, the AsyncAPI info and the file name', () => {
    expect(generated.schema.path).toBe('contract/order/v1.json');
    expect(generated.schema.document['$id']).toBe('urn:orders:contract:order:v1');
    expect(generated.schema.document['version']).toMatch(/^1\.\d+\.\d+$/);
    expect((generated.asyncApi.document['info'] as { version: string }).version).toBe(
      generated.schema.document['version'],
    );
  });
});

describe('the AsyncAPI document', () => {
  it('parses and validates with AsyncAPI’s own parser, with no $ref outside the file', async () => {
    const remoteRefs: string[] = [];
    // Tried before the parser's own file/http resolvers: a $ref to anything outside the document
    // is recorded (and answered with nothing) instead of being fetched.
    const refuse = (uri: { toString(): string }): string => {
      remoteRefs.push(uri.toString());
      return '{}';
    };
    const parser = new Parser({
      __unstable: {
        resolver: {
          cache: false,
          resolvers: ['file', 'http', 'https'].map((schema) => ({ schema, order: 0, read: refuse })),
        },
      },
    });
    const { document, diagnostics } = await parser.parse(committed(generated.asyncApi.path));
    const problems = diagnostics.filter((d) => d.severity <= 1).map((d) => `${d.path.join('.')}: ${d.message}`);
    expect(problems).toEqual([]);
    expect(remoteRefs).toEqual([]);
    expect(document?.version()).toBe('3.0.0');
    expect(
      document
        ?.channels()
        .all()
        .map((c) => c.id()),
    ).toEqual(['OrderTopic', 'OrderQueue', 'OrderDLQ', 'OrderSubscriptionDLQ']);
    const payload = document?.components().messages().get('Order')?.payload();
    expect(payload?.required()).toEqual(['orderId', 'userId', 'itemName', 'quantity', 'status', 'timestamp']);
    expect(payload?.properties()?.['quantity']?.maximum()).toBe(1_000_000);
    const headers = document?.components().messages().get('Order')?.headers();
    expect(Object.keys(headers?.properties() ?? {})).toEqual(['orderId', 'status']);
  }, 60_000);

  it('describes the delivery the stack deploys and `orders provision` creates', () => {
    const stack = resolveStackSettings({});
    expect(DELIVERY_FACTS).toEqual({
      maxReceiveCount: stack.queues.maxReceiveCount,
      queueVisibilityTimeoutSeconds: stack.queues.visibilityTimeout.toSeconds(),
      queueRetentionSeconds: stack.queues.retention.toSeconds(),
      deadLetterRetentionSeconds: stack.queues.deadLetterRetention.toSeconds(),
    });
    expect(DELIVERY_FACTS.maxReceiveCount).toBe(DEFAULT_MAX_RECEIVE_COUNT);
    expect(DELIVERY_FACTS.queueVisibilityTimeoutSeconds).toBe(DEFAULT_VISIBILITY_TIMEOUT_SECONDS);
    expect(DELIVERY_FACTS.deadLetterRetentionSeconds).toBe(DLQ_RETENTION_SECONDS);
  });

  it('gives every queue its SQS binding and OrderQueue its redrive policy to OrderDLQ', () => {
    const channels = generated.asyncApi.document['channels'] as Record<string, { bindings: Record<string, unknown> }>;
    const queue = channels['OrderQueue']?.bindings['sqs'] as { queue: Record<string, unknown> };
    expect(queue.queue['redrivePolicy']).toEqual({
      deadLetterQueue: { name: DEFAULT_RESOURCE_NAMES.dlqName },
      maxReceiveCount: 3,
    });
    for (const name of ['OrderDLQ', 'OrderSubscriptionDLQ']) expect(channels[name]?.bindings['sqs']).toBeDefined();
    expect(channels['OrderTopic']?.bindings['sns']).toMatchObject({ name: 'OrderTopic' });
  });
});
