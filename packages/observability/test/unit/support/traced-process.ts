/**
 * A process that starts tracing from its own environment (OTEL_* variables), as the Lambda and
 * `orders consume` do, makes a producer span, a consumer span continuing it (linked) and a child,
 * flushes, shuts down, and prints one JSON line: whether tracing was on, the ids, its log lines and
 * every OpenTelemetry package the process loaded. start-tracing-otlp.test.ts runs it with tsx.
 */
import { registerHooks } from 'node:module';

const loaded = new Set<string>();
// Every module this process resolves, required or imported, the SDK's own imports included.
registerHooks({
  resolve(specifier, context, nextResolve) {
    const resolved = nextResolve(specifier, context);
    const match = /node_modules\/(@opentelemetry\/[^/]+)\//.exec(resolved.url);
    if (match?.[1]) loaded.add(match[1]);
    return resolved;
  },
});

async function main(): Promise<void> {
  const { context, propagation, SpanKind, trace } = await import('@opentelemetry/api');
  const { startTracing } = await import('../../../src/tracing/start-tracing.js');
  // The file, not the package: the package's index would load far more than this process should.
  const { RecordingLogger } = await import('../../../../testkit/src/recording-logger.js');
  const logger = new RecordingLogger();
  const runtime = await startTracing({ serviceName: 'traced-process', logger });

  const tracer = trace.getTracer('traced-process');
  const producer = tracer.startSpan('OrderTopic publish', { kind: SpanKind.PRODUCER });
  const carrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(context.active(), producer), carrier);
  producer.end();
  const consumer = tracer.startSpan(
    'OrderQueue process',
    {
      kind: SpanKind.CONSUMER,
      attributes: { 'messaging.system': 'aws_sqs', 'messaging.batch.message_count': 3, redelivered: false },
      links: [{ context: producer.spanContext(), attributes: { 'messaging.message.id': 'm-1' } }],
    },
    propagation.extract(context.active(), carrier),
  );
  await context.with(trace.setSpan(context.active(), consumer), async () => {
    await new Promise((resolve) => setImmediate(resolve));
    tracer
      .startSpan('PutItem', { kind: SpanKind.CLIENT, attributes: { 'aws.dynamodb.table_names': ['Orders'] } })
      .end();
  });
  consumer.end();
  await runtime.forceFlush();
  await runtime.shutdown();
  process.stdout.write(
    `${JSON.stringify({
      enabled: runtime.enabled,
      traceparent: carrier['traceparent'] ?? null,
      traceId: producer.spanContext().traceId,
      producerId: producer.spanContext().spanId,
      consumerId: consumer.spanContext().spanId,
      logs: logger.calls,
      loaded: [...loaded].sort(),
    })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
