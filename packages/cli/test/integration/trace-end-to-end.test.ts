import { spawnSync } from 'node:child_process';
import { SnsOrderPublisher, SqsMessageQueue, provisionResources, type ProvisionResult } from '@orders/adapters-aws';
import { serializeOrder, type Order } from '@orders/core';
import {
  LocalLambda,
  loadSynthesizedStack,
  readFunctionDefinition,
  readSqsEventSource,
  SqsEventSource,
  type SqsEventSourceDefinition,
  type SynthesizedStack,
} from '@orders/lambda-local';
import { createOrderGenerator } from '@orders/simulation';
import {
  type ExportedSpan,
  type OtlpCollector,
  type SpanRecording,
  startOtlpCollector,
  runToExit,
  startSpanRecording,
} from '@orders/testkit';
import { integrationEnvironment, resetEmulator, uniqueResourceNames } from '../../../testkit/src/integration';
import { synthesizeStack } from '../../../lambda-local/test/integration/support/synthesize';
import { CLI_FROM_SOURCES, emulatorShell, nameFlags, REPOSITORY_ROOT } from '../support/cli-under-test';

// Issue 20's proof: one order, one trace, from the producer to the table. The test publishes
// through SNS on the emulator with its own tracer (its publish span is recorded here, in memory);
// the order is processed by the deployed bundle under the local Lambda host (exporting
// http/protobuf) or by `orders consume` (exporting http/json), both configured by the OTEL_*
// variables alone and exporting to an OTLP collector stand-in in this process; for both SNS
// deliveries (the envelope, and raw message delivery). Each order must come out as ONE trace:
// publish → process (a CONSUMER span in the publish span's trace, linked to it, with the messaging
// attributes) → PutItem (its child), with the same trace id in every log line about the record and
// in the stored item (`orders get`).

const environment = integrationEnvironment();
const deployment = { region: environment.region, accountId: '123456789012', partition: 'aws' };
const SPANS_WAIT = { timeoutMs: 60_000 };
const orders = createOrderGenerator(2020);

let collector: OtlpCollector;
let recording: SpanRecording;
let synthesized: ReturnType<typeof synthesizeStack>;
let stack: SynthesizedStack;
let eventSource: SqsEventSourceDefinition;

beforeAll(async () => {
  collector = await startOtlpCollector();
  recording = await startSpanRecording();
  synthesized = synthesizeStack();
  stack = loadSynthesizedStack({ cdkOut: synthesized.cdkOut });
  eventSource = readSqsEventSource(stack, readFunctionDefinition(stack, { deployment }));
  await resetEmulator();
}, 180_000);
afterAll(async () => {
  await recording?.stop();
  await collector?.close();
  synthesized?.remove();
});

type Delivery = 'enveloped' | 'raw';

/** Resources of their own, the subscription with or without raw message delivery. */
function provision(label: string, delivery: Delivery): Promise<ProvisionResult> {
  return provisionResources({
    names: uniqueResourceNames(label),
    visibilityTimeoutSeconds: 5,
    rawMessageDelivery: delivery === 'raw',
  });
}

/** Publishes the order as a producer does, with this process's tracer on: the publish span is the trace's root. */
async function publishTraced(resources: ProvisionResult, order: Order): Promise<ExportedPublish> {
  recording.reset();
  await new SnsOrderPublisher({ topicArn: resources.topicArn }).publish({
    body: serializeOrder(order),
    orderId: order.orderId,
    status: order.status,
  });
  const publishes = recording.spans().filter((span) => span.attributes['orders.order_id'] === order.orderId);
  expect(publishes).toHaveLength(1);
  const publish = publishes[0]!;
  expect(publish.kind).toBe(3); // SpanKind.PRODUCER
  return { traceId: publish.spanContext().traceId, spanId: publish.spanContext().spanId, name: publish.name };
}

interface ExportedPublish {
  readonly traceId: string;
  readonly spanId: string;
  readonly name: string;
}

/** The order's log lines (JSON), whichever process wrote them. */
function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.trimStart().startsWith('{'))
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
}

/** Processes the queue with the deployed bundle in the local Lambda host, tracing on by its variables. */
async function processWithLambda(resources: ProvisionResult): Promise<string[]> {
  const lines: string[] = [];
  const lambda = new LocalLambda({
    fn: readFunctionDefinition(stack, {
      deployment,
      environmentOverrides: {
        ORDERS_TABLE_NAME: resources.names.tableName,
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint, // http/protobuf, the default
      },
    }),
    region: environment.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    extraEnvironment: { AWS_ENDPOINT_URL: environment.endpoint },
    onLogLine: (line) => void lines.push(line),
  });
  try {
    const queue = new SqsMessageQueue({ queueUrl: resources.queueUrl });
    const report = await new SqsEventSource({
      queue,
      queueArn: resources.queueArn,
      invoke: (event) => lambda.invoke(event),
      batchSize: eventSource.batchSize,
      maximumBatchingWindowSeconds: eventSource.maximumBatchingWindowSeconds,
      reportBatchItemFailures: eventSource.reportBatchItemFailures,
      waitTimeSeconds: 1,
      untilEmpty: () => queue.depth(),
    }).run(new AbortController().signal);
    expect(report).toMatchObject({ deleted: 1, left: 0, failedInvocations: 0, stoppedBy: 'empty' });
  } finally {
    await lambda.close();
  }
  return lines;
}

/** Processes the queue with `orders consume --until-empty --logs`, tracing on by its variables. */
async function processWithConsume(resources: ProvisionResult): Promise<string[]> {
  const env = {
    ...emulatorShell(environment.endpoint, environment.region),
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: collector.tracesUrl,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
  };
  // A hang guard, not a speed bound: the drain takes a few seconds.
  const run = await runToExit(
    process.execPath,
    [...CLI_FROM_SOURCES, 'consume', '--until-empty', '--logs', ...nameFlags(resources.names)],
    { cwd: REPOSITORY_ROOT, env, hangGuardMs: 90_000 },
  );
  if (run.code !== 0) throw new Error(`orders consume exited ${run.code}:\n${run.output}`);
  return run.output.split('\n');
}

/** `orders get ORDER_ID --json`: the stored item, with the trace id of the record that wrote it. */
function storedItem(resources: ProvisionResult, orderId: string): Record<string, unknown> {
  const run = spawnSync(
    process.execPath,
    [...CLI_FROM_SOURCES, 'get', orderId, '--json', ...nameFlags(resources.names)],
    {
      cwd: REPOSITORY_ROOT,
      env: emulatorShell(environment.endpoint, environment.region),
      encoding: 'utf8',
      timeout: 90_000,
    },
  );
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout.trim()) as Record<string, unknown>;
}

const linkedTo = (publish: ExportedPublish) => (span: ExportedSpan) =>
  span.kind === 'consumer' && span.links.some((link) => link.spanId === publish.spanId);

describe.each([
  ['the deployed bundle under the local Lambda host', 'http/protobuf', 'lambda'],
  ['orders consume', 'http/json', 'consume'],
] as const)('one trace per order, through %s (spans over OTLP %s)', (_, protocol, path) => {
  it.each(['enveloped', 'raw'] as const)(
    'SNS %s delivery: publish → process (linked, messaging attributes) → PutItem; the trace id in the log lines and the stored item',
    async (delivery) => {
      const resources = await provision(`trace-${path}-${delivery}`, delivery);
      const order = orders.next();
      const publish = await publishTraced(resources, order);
      const lines = path === 'lambda' ? await processWithLambda(resources) : await processWithConsume(resources);

      // The process span: in the publish span's trace, linked to it, one for this order's one message.
      const spans = await collector.waitForSpans(
        (all) => all.some((span) => linkedTo(publish)(span) && all.some((child) => child.parentSpanId === span.spanId)),
        SPANS_WAIT,
      );
      const processSpans = spans.filter(linkedTo(publish));
      expect(processSpans).toHaveLength(1);
      const processSpan = processSpans[0]!;
      expect(processSpan.traceId).toBe(publish.traceId);
      expect(processSpan.links).toContainEqual(
        expect.objectContaining({ traceId: publish.traceId, spanId: publish.spanId }),
      );
      expect(processSpan.attributes).toMatchObject({
        'messaging.system': 'aws_sqs',
        'messaging.operation.type': 'process',
        'messaging.destination.name': resources.names.queueName,
        'messaging.message.id': expect.stringMatching(/\S/),
        'orders.order_id': order.orderId,
      });

      // Its child: the one conditional write to the table.
      const children = spans.filter((span) => span.parentSpanId === processSpan.spanId);
      expect(children.map((span) => span.name)).toEqual([`PutItem ${resources.names.tableName}`]);
      expect(children[0]).toMatchObject({ traceId: publish.traceId, kind: 'client' });

      // ONE trace for this order: every exported span about it is in the publish span's trace.
      const aboutOrder = spans.filter((span) => span.attributes['orders.order_id'] === order.orderId);
      expect(new Set(aboutOrder.map((span) => span.traceId))).toEqual(new Set([publish.traceId]));

      // Exported in the encoding this path was given, by the service its variables name.
      expect(processSpan.resource['service.name']).toBe(path === 'lambda' ? 'OrderProcessor' : 'orders-consumer');
      expect([processSpan.encoding, children[0]?.encoding]).toEqual([protocol, protocol]);
      if (path === 'lambda') expect(processSpan.resource).toMatchObject({ 'cloud.platform': 'aws_lambda' });

      // Every log line about the record carries the trace id and the process span's id.
      const messageId = processSpan.attributes['messaging.message.id'];
      const aboutRecord = jsonLines(lines.join('\n')).filter(
        (line) => line['messageId'] === messageId || line['orderId'] === order.orderId,
      );
      expect(aboutRecord.length).toBeGreaterThan(0);
      for (const line of aboutRecord) {
        expect(line).toMatchObject({ trace_id: publish.traceId, span_id: processSpan.spanId });
      }

      // The stored item keeps the trace id of the event that wrote it.
      expect(storedItem(resources, order.orderId)).toMatchObject({ orderId: order.orderId, traceId: publish.traceId });
    },
    240_000,
  );
});
