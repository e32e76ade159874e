import 'reflect-metadata';
import { createSqsClient, DEFAULT_ABORT_GRACE_MS, queueUrlFromArn, SqsMessageQueue } from '@orders/adapters-aws';
import { container as rootContainer, instanceCachingFactory, type DependencyContainer } from 'tsyringe';
import {
  CLOCK,
  errorLogFields,
  LOGGER,
  METRICS_RECORDER,
  ORDER_REPOSITORY,
  ProcessOrderBatch,
  systemClock,
  type Clock,
  type Logger,
  type MessageVisibility,
  type MetricsRecorder,
  type OrderRepository,
} from '@orders/core';
import {
  createPowertoolsLogger,
  createPowertoolsMetrics,
  type PowertoolsLoggerAdapter,
  startTracing,
  type TracingRuntime,
} from '@orders/observability';
import { createSqsBatchHandler, type SqsBatchHandler } from '../sqs-batch-handler';
import type { EntryConfig } from './entry-config';
import { EntryTracing } from './entry-tracing';
import { createOrderRepository } from './repository-factory';
import { POWERTOOLS_LOGGER, PROCESS_ORDER_BATCH, SQS_BATCH_HANDLER, TRACING_RUNTIME } from './tokens';

/** Replace any port's adapter, e.g. an in-memory repository in a test or a local run. */
export interface ContainerOverrides {
  readonly repository?: OrderRepository;
  readonly logger?: Logger;
  readonly metrics?: MetricsRecorder & { flush?: () => void };
  readonly clock?: Clock;
  /** The queue whose visibility paces failed records' retries, by source ARN (default: SQS). */
  readonly visibilityFor?: (queueArn: string) => MessageVisibility | undefined;
  /** Jitter for the pacing (default Math.random). */
  readonly random?: () => number;
  /** A tracing runtime already started (default: off; the deployed handler starts it with `startEntryTracing`). */
  readonly tracing?: TracingRuntime;
}

/**
 * The composition root: the only place that knows which adapters exist. Registrations are
 * factories, never decorators — esbuild emits no decorator metadata (evanw/esbuild#257), so
 * constructor injection by type would break in the bundle. `instanceCachingFactory` makes each
 * a singleton of this container, built on first resolve.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { InMemoryOrderRepository } from '@orders/adapters-memory';
 * import { buildContainer, readEntryConfig, SQS_BATCH_HANDLER, type SqsBatchHandler } from '@orders/lambda-entry';
 * import { lambdaContext } from '@orders/lambda-local';
 *
 * // The deployed handler is this, built from the environment; here with an in-memory table.
 * const repository = new InMemoryOrderRepository();
 * const container = buildContainer(readEntryConfig({ LOG_LEVEL: 'error' }), { repository });
 * const handler = container.resolve<SqsBatchHandler>(SQS_BATCH_HANDLER);
 * const order = { orderId: 'O1', userId: 'U1', itemName: 'Laptop', quantity: 1, status: 'new', timestamp: '2025-05-03T12:00:00Z' };
 * const record = (messageId: string, body: string) => ({
 *   messageId, receiptHandle: `h-${messageId}`, body, attributes: { ApproximateReceiveCount: '3' },
 *   messageAttributes: {}, md5OfBody: '', eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:OrderQueue', awsRegion: 'us-east-1',
 * });
 * const response = await handler({ Records: [record('m-1', JSON.stringify(order)), record('m-2', 'not json')] } as never, lambdaContext());
 * // Only the poison message is reported: Lambda deletes m-1, and m-2 (at its 3rd receive) goes to the DLQ.
 * assert.deepEqual(response, { batchItemFailures: [{ itemIdentifier: 'm-2' }] });
 * assert.equal((await repository.findById('O1'))?.status, 'new');
 * ```
 */
export function buildContainer(config: EntryConfig, overrides: ContainerOverrides = {}): DependencyContainer {
  const container = rootContainer.createChildContainer();
  container.register(CLOCK, { useValue: overrides.clock ?? systemClock });
  // Read at each record and invocation: `startEntryTracing` may switch it on after the handler is built.
  container.register(TRACING_RUNTIME, { useValue: new EntryTracing(overrides.tracing) });
  container.register(POWERTOOLS_LOGGER, {
    useFactory: instanceCachingFactory(() =>
      createPowertoolsLogger({ serviceName: config.serviceName, logLevel: config.logLevel }),
    ),
  });
  container.register(LOGGER, {
    useFactory: instanceCachingFactory(
      (c) => overrides.logger ?? c.resolve<PowertoolsLoggerAdapter>(POWERTOOLS_LOGGER),
    ),
  });
  container.register(METRICS_RECORDER, {
    useFactory: instanceCachingFactory(
      () =>
        overrides.metrics ??
        createPowertoolsMetrics({ namespace: config.metricsNamespace, serviceName: config.serviceName }),
    ),
  });
  container.register(ORDER_REPOSITORY, {
    useFactory: instanceCachingFactory(() => overrides.repository ?? createOrderRepository(config)),
  });
  container.register(PROCESS_ORDER_BATCH, {
    useFactory: instanceCachingFactory(
      (c) =>
        new ProcessOrderBatch(
          {
            repository: c.resolve<OrderRepository>(ORDER_REPOSITORY),
            logger: c.resolve<Logger>(LOGGER),
            metrics: c.resolve<MetricsRecorder>(METRICS_RECORDER),
            clock: c.resolve<Clock>(CLOCK),
            tracing: c.resolve<EntryTracing>(TRACING_RUNTIME).recordTracing,
          },
          { concurrency: config.concurrency },
        ),
    ),
  });
  container.register(SQS_BATCH_HANDLER, {
    useFactory: instanceCachingFactory((c): SqsBatchHandler => {
      const metrics = c.resolve<MetricsRecorder & { flush?: () => void }>(METRICS_RECORDER);
      const logger = c.resolve<Logger>(LOGGER);
      return createSqsBatchHandler({
        processOrderBatch: c.resolve<ProcessOrderBatch>(PROCESS_ORDER_BATCH),
        logger,
        deadlineMarginMs: config.deadlineMarginMs,
        retryPacing: config.retryPacing,
        maxReceiveCount: config.maxReceiveCount,
        visibilityFor: overrides.visibilityFor ?? sqsVisibilityByArn(config),
        ...(overrides.random ? { random: overrides.random } : {}),
        onInvocationStart: (context) => {
          // Lambda always passes a context; a local caller may not, and logging must not fail the batch.
          if (!overrides.logger && typeof context === 'object' && context !== null) {
            c.resolve<PowertoolsLoggerAdapter>(POWERTOOLS_LOGGER).powertools.addContext(context);
          }
        },
        onInvocationEnd: () => flushMetrics(metrics, logger),
        // Spans must leave before Lambda freezes the environment, so every traced invocation flushes them.
        tracing: c.resolve<EntryTracing>(TRACING_RUNTIME),
      });
    }),
  });
  return container;
}

/**
 * Starts tracing as OpenTelemetry's standard variables say (`startTracing`: on when an OTLP
 * endpoint is set and OTEL_SDK_DISABLED is not true; off, nothing but @opentelemetry/api is
 * loaded), and switches the container's use case and handler to it. Once per execution environment,
 * at init; records processed before it settles are not traced (the deployed handler waits for it).
 * Its one line goes through the container's logger. Never rejects: a setting it cannot use, or an
 * SDK that fails to load, leaves tracing off.
 */
export async function startEntryTracing(
  container: DependencyContainer,
  config: EntryConfig,
  env: NodeJS.ProcessEnv = process.env,
): Promise<TracingRuntime> {
  const runtime = await startTracing({
    serviceName: config.serviceName,
    env,
    logger: container.resolve<Logger>(LOGGER),
  });
  container.resolve<EntryTracing>(TRACING_RUNTIME).use(runtime);
  return runtime;
}

/**
 * The SQS queue behind a Lambda record's `eventSourceARN`, one client for all of them, made on the
 * first failure that needs pacing (a batch that succeeds never pays for it), on the endpoint the
 * configuration names (AWS_ENDPOINT_URL_SQS, else AWS_ENDPOINT_URL) like the DynamoDB client.
 */
function sqsVisibilityByArn(config: EntryConfig): (queueArn: string) => MessageVisibility | undefined {
  let client: ReturnType<typeof createSqsClient> | undefined;
  const queues = new Map<string, SqsMessageQueue>();
  return (queueArn) => {
    const queueUrl = queueUrlFromArn(queueArn);
    if (queueUrl === undefined) return undefined;
    // The SDK's default pool: an invocation paces with one call at a time (queue by queue, 10
    // entries a call, one call after another), so no pacing call ever waits for a socket.
    client ??= createSqsClient({
      ...(config.region === undefined ? {} : { region: config.region }),
      ...(config.sqsEndpoint === undefined ? {} : { endpoint: config.sqsEndpoint }),
      requestTimeoutMs: PACING_REQUEST_TIMEOUT_MS,
    });
    // It never receives, so no receive abort grace applies: the default, not the consumer's
    // ORDERS_SQS_RECEIVE_ABORT_GRACE_MS (a bad value there must not fail a batch's pacing).
    const queue =
      queues.get(queueUrl) ?? new SqsMessageQueue({ queueUrl, client, abortGraceMs: DEFAULT_ABORT_GRACE_MS });
    queues.set(queueUrl, queue);
    return queue;
  };
}

/** A visibility change answers in milliseconds; pacing must never hold an invocation for long. */
const PACING_REQUEST_TIMEOUT_MS = 2_000;

/** Metrics must never cost a batch its result: a flush failure is logged, not thrown. */
function flushMetrics(metrics: { flush?: () => void }, logger: Logger): void {
  try {
    metrics.flush?.();
  } catch (error) {
    logger.warn('metrics flush failed', errorLogFields(error));
  }
}
