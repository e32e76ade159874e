import {
  DlqTools,
  DynamoDbOrderRepository,
  provisionResources,
  SnsOrderPublisher,
  SqsMessageQueue,
  type ProvisionResult,
} from '@orders/adapters-aws';
import { serializeOrder } from '@orders/core';
import {
  LocalLambda,
  loadSynthesizedStack,
  readFunctionDefinition,
  readSqsEventSource,
  SqsEventSource,
  type FunctionDefinition,
  type InvocationResult,
  type SqsEventSourceDefinition,
  type SynthesizedStack,
} from '@orders/lambda-local';
import { rawBody } from '@orders/testkit';
import { createOrderGenerator, SEED_DUMMY_ORDER } from '@orders/simulation';
import { integrationEnvironment, resetEmulator, uniqueResourceNames } from '../../../testkit/src/integration';
import { synthesizeStack } from './support/synthesize';

// The deployable bundle as Lambda runs it — the synthesized template's asset, handler, runtime
// settings and event source mapping, inside AWS's runtime interface client — against the emulator
// the integration project chose (moto here, LocalStack with Docker, or AWS_ENDPOINT_URL).

const environment = integrationEnvironment();
let synthesized: ReturnType<typeof synthesizeStack>;
let stack: SynthesizedStack;
let eventSource: SqsEventSourceDefinition;
const deployment = { region: environment.region, accountId: '123456789012', partition: 'aws' };

beforeAll(async () => {
  synthesized = synthesizeStack();
  stack = loadSynthesizedStack({ cdkOut: synthesized.cdkOut });
  eventSource = readSqsEventSource(stack, readFunctionDefinition(stack, { deployment }));
  await resetEmulator();
});
afterAll(() => synthesized?.remove());

/** Resources with unique names, a 1 s visibility timeout and the template's maxReceiveCount. */
function provision(label: string): Promise<ProvisionResult> {
  return provisionResources({
    names: uniqueResourceNames(label),
    visibilityTimeoutSeconds: 1,
    maxReceiveCount: eventSource.queue.maxReceiveCount ?? 3,
  });
}

interface Harness {
  readonly lambda: LocalLambda;
  readonly lines: string[];
  readonly results: InvocationResult[];
  /** The message ids of each invocation's batch. */
  readonly batches: string[][];
  /** Runs the event source mapping until the queue is drained (or `stopAfter` invocations). */
  serve(options?: { stopAfter?: number }): ReturnType<SqsEventSource['run']>;
}

function harness(
  resources: ProvisionResult,
  overrides: { env?: Record<string, string>; fn?: Partial<FunctionDefinition> } = {},
): Harness {
  const fn = {
    ...readFunctionDefinition(stack, {
      deployment,
      environmentOverrides: { ORDERS_TABLE_NAME: resources.names.tableName, ...overrides.env },
    }),
    ...overrides.fn,
  };
  const lines: string[] = [];
  const results: InvocationResult[] = [];
  const batches: string[][] = [];
  const lambda = new LocalLambda({
    fn,
    region: environment.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    extraEnvironment: { AWS_ENDPOINT_URL: environment.endpoint },
    onLogLine: (line) => {
      lines.push(line);
      for (const hook of onLine) hook(line);
    },
  });
  harnesses.push(lambda);
  const queue = new SqsMessageQueue({ queueUrl: resources.queueUrl });
  return {
    lambda,
    lines,
    results,
    batches,
    serve: ({ stopAfter } = {}) => {
      const controller = new AbortController();
      return new SqsEventSource({
        queue,
        queueArn: resources.queueArn,
        invoke: async (event) => {
          batches.push(event.Records.map((record) => record.messageId));
          const result = await lambda.invoke(event);
          results.push(result);
          if (stopAfter !== undefined && results.length >= stopAfter) controller.abort();
          return result;
        },
        batchSize: eventSource.batchSize,
        maximumBatchingWindowSeconds: eventSource.maximumBatchingWindowSeconds,
        reportBatchItemFailures: eventSource.reportBatchItemFailures,
        waitTimeSeconds: 1,
        untilEmpty: () => queue.depth(),
      }).run(controller.signal);
    },
  };
}
const harnesses: LocalLambda[] = [];
/** Called with every log line of the harness's function (a test's way to act at a given moment). */
const onLine: ((line: string) => void)[] = [];
afterEach(async () => {
  onLine.length = 0;
  await Promise.all(harnesses.splice(0).map((lambda) => lambda.close()));
});

const failuresOf = (result: InvocationResult | undefined): string[] =>
  result?.status === 'success'
    ? ((result.payload as { batchItemFailures: { itemIdentifier: string }[] }).batchItemFailures ?? []).map(
        (f) => f.itemIdentifier,
      )
    : [];

describe('the deployed OrderProcessor inside the runtime interface client', () => {
  it('reads the deployed settings from the template: nodejs24.x, index.handler, JSON logs, batch 10 with partial responses', () => {
    const fn = readFunctionDefinition(stack, { deployment });
    expect(fn).toMatchObject({
      runtime: 'nodejs24.x',
      handler: 'index.handler',
      logFormat: 'JSON',
      timeoutSeconds: 30,
    });
    expect(fn.environment['ORDERS_TABLE_NAME']).toBe('Orders');
    expect(eventSource).toMatchObject({ batchSize: 10, reportBatchItemFailures: true });
  });

  it("stores the seed's dummy order O1234 delivered through SNS, and deletes its message", async () => {
    const resources = await provision('seed');
    await new SnsOrderPublisher({ topicArn: resources.topicArn }).publish({
      body: serializeOrder(SEED_DUMMY_ORDER),
      orderId: SEED_DUMMY_ORDER.orderId,
      status: SEED_DUMMY_ORDER.status,
    });
    const { serve, results } = harness(resources);
    const report = await serve();
    expect(report).toMatchObject({ deleted: 1, left: 0, failedInvocations: 0, coldStarts: 1, stoppedBy: 'empty' });
    expect(results[0]).toMatchObject({ status: 'success', coldStart: true, payload: { batchItemFailures: [] } });
    const repository = new DynamoDbOrderRepository({ tableName: resources.names.tableName });
    await expect(repository.findById('O1234')).resolves.toEqual(SEED_DUMMY_ORDER);
  });

  it('reports exactly the bad records of a mixed batch: the good ones are stored and deleted, the bad ones reach the DLQ', async () => {
    const resources = await provision('mixed');
    const queue = new SqsMessageQueue({ queueUrl: resources.queueUrl });
    const generator = createOrderGenerator(11);
    const good = Array.from({ length: 4 }, () => generator.next());
    const sent = new Map<string, 'good' | 'bad'>();
    for (const order of good) sent.set((await queue.sendRaw(rawBody(order))).messageId, 'good');
    sent.set((await queue.sendRaw('{"orderId":"BAD-1","quantity":"many"}')).messageId, 'bad');
    sent.set((await queue.sendRaw('not json at all')).messageId, 'bad');
    const { serve, results, batches } = harness(resources);
    const report = await serve();

    // Every response names exactly the bad records of its batch (each comes back until the DLQ).
    const bad = new Set([...sent].filter(([, kind]) => kind === 'bad').map(([id]) => id));
    expect(results.length).toBeGreaterThan(0);
    results.forEach((result, i) => {
      expect(result.status).toBe('success');
      expect(new Set(failuresOf(result))).toEqual(new Set(batches[i]?.filter((id) => bad.has(id))));
    });
    expect(results.flatMap(failuresOf).filter((id) => bad.has(id))).toHaveLength(6); // 2 bad × 3 receives
    expect(report).toMatchObject({ deleted: 4, failedInvocations: 0, stoppedBy: 'empty' });
    const repository = new DynamoDbOrderRepository({ tableName: resources.names.tableName });
    for (const order of good) await expect(repository.findById(order.orderId)).resolves.toEqual(order);
    const dlq = await new DlqTools({ dlqUrl: resources.dlqUrl, sourceQueueUrl: resources.queueUrl }).list();
    expect(new Set(dlq.messages.map((m) => m.messageId))).toEqual(new Set(bad));
  });

  it('fails every batch on a bad environment value (an init error, a new cold start each time) and leaves it for redelivery', async () => {
    const resources = await provision('badenv');
    const queue = new SqsMessageQueue({ queueUrl: resources.queueUrl });
    const { messageId } = await queue.sendRaw(rawBody(SEED_DUMMY_ORDER));
    const { serve, results, lines } = harness(resources, { env: { ORDERS_CONCURRENCY: 'lots' } });
    const report = await serve();

    expect(results).toHaveLength(3); // one per receive, until maxReceiveCount moved it to the DLQ
    for (const result of results) {
      expect(result).toMatchObject({
        status: 'error',
        kind: 'init-error',
        coldStart: true,
        error: { errorType: 'ConfigurationError', errorMessage: expect.stringContaining('ORDERS_CONCURRENCY') },
      });
    }
    expect(report).toMatchObject({ deleted: 0, failedInvocations: 3, coldStarts: 3 });
    const dlq = await new DlqTools({ dlqUrl: resources.dlqUrl, sourceQueueUrl: resources.queueUrl }).list();
    expect(dlq.messages.map((m) => m.messageId)).toEqual([messageId]);
    // The runtime's own "Init Error" line names the real class (esbuild keepNames).
    const initErrors = jsonLines(lines).filter((l) => (l['message'] as { errorType?: string })?.errorType);
    expect(initErrors.map((l) => (l['message'] as { errorType: string }).errorType)).toContain('ConfigurationError');
  });

  it('answers an event it refuses with an invocation error whose errorType is the real class name, in JSON and Text logs', async () => {
    const resources = await provision('refuse');
    for (const logFormat of ['JSON', 'Text'] as const) {
      const { lambda, lines } = harness(resources, { fn: { logFormat } });
      const result = await lambda.invoke({ Records: [{ body: rawBody(SEED_DUMMY_ORDER) }] });
      expect(result).toMatchObject({
        status: 'error',
        kind: 'function-error',
        error: {
          errorType: 'MalformedEventError',
          errorMessage: 'Records[0] has no messageId: the event is not an SQS event',
        },
      });
      const id = result.requestId;
      await eventually(() =>
        lines.some((l) => l.includes('Invoke Error') || l.includes('"errorType":"MalformedEventError"')),
      );
      if (logFormat === 'JSON') {
        const invokeError = jsonLines(lines).find(
          (l) => l['requestId'] === id && l['level'] === 'ERROR' && typeof l['message'] === 'object',
        );
        expect(invokeError?.['message']).toMatchObject({ errorType: 'MalformedEventError' });
        expect(jsonLines(lines).find((l) => l['type'] === 'platform.report')).toMatchObject({
          record: { requestId: id, status: 'error', errorType: 'MalformedEventError' },
        });
      } else {
        const invokeError = lines.find((l) => l.includes('\tInvoke Error'));
        expect(invokeError?.split('\t').slice(1, 3)).toEqual([id, 'ERROR']);
        expect(invokeError).toContain('"errorType":"MalformedEventError"');
        expect(lines).toContain(`START RequestId: ${id} Version: $LATEST`);
        expect(lines).toContain(`END RequestId: ${id}`);
      }
      // The handler's own structured lines carry the request id in both formats.
      expect(jsonLines(lines).some((l) => l['function_request_id'] === id)).toBe(true);
    }
  });

  it('kills the function at its timeout: the whole batch comes back, and the next invoke is a cold start', async () => {
    const resources = await provision('timeout');
    const queue = new SqsMessageQueue({ queueUrl: resources.queueUrl });
    const ids = new Set<string>();
    for (const order of [SEED_DUMMY_ORDER, { ...SEED_DUMMY_ORDER, orderId: 'O5678' }])
      ids.add((await queue.sendRaw(rawBody(order))).messageId);
    // A function that stops answering: its process is frozen as the invocation starts (a blocked
    // event loop, a hung call). The handler's own deadline logic cannot answer first, so only the
    // runtime's timeout can end it, as in Lambda.
    const { serve, results, lines, batches, lambda } = harness(resources, { fn: { timeoutSeconds: 1 } });
    const freeze = (line: string): void => {
      const pid = lambda.runtimePid;
      if (line.includes('"platform.start"') && pid !== undefined) process.kill(pid, 'SIGSTOP');
    };
    onLine.push(freeze);
    const report = await serve({ stopAfter: 2 });

    // The same two messages, twice: the timed-out batch came back whole.
    expect(batches.map((batch) => new Set(batch))).toEqual([ids, ids]);
    for (const result of results) {
      expect(result).toMatchObject({
        status: 'error',
        kind: 'timeout',
        coldStart: true,
        error: {
          errorType: 'Sandbox.Timedout',
          errorMessage: expect.stringMatching(/Task timed out after 1\.00 seconds$/),
        },
      });
    }
    expect(results).toHaveLength(2);
    expect(report).toMatchObject({ deleted: 0, received: 4, failedInvocations: 2 });
    const statuses = jsonLines(lines)
      .filter((l) => l['type'] === 'platform.report')
      .map((l) => (l['record'] as { status: string }).status);
    expect(statuses).toEqual(['timeout', 'timeout']);
    // Both messages are still on the queue (in flight until their visibility timeout ends).
    const depth = await queue.depth();
    expect(depth.visible + depth.inFlight).toBe(2);
  });

  it('moves a poison message to OrderDLQ after maxReceiveCount receives, beside valid orders that are stored', async () => {
    const resources = await provision('poison');
    const publisher = new SnsOrderPublisher({ topicArn: resources.topicArn });
    const generator = createOrderGenerator(12);
    const orders = Array.from({ length: 12 }, () => generator.next());
    await publisher.publishBatch([
      ...orders.map((order) => ({ body: serializeOrder(order), orderId: order.orderId, status: order.status })),
      { body: '{"orderId":"POISON","quantity":"lots"}', orderId: 'POISON', status: 'new' },
    ]);
    const { serve, results } = harness(resources);
    const report = await serve();

    const poisonReceives = results.flatMap((result) => failuresOf(result)).length;
    expect(poisonReceives).toBe(3);
    expect(report).toMatchObject({ deleted: 12, failedInvocations: 0, coldStarts: 1, stoppedBy: 'empty' });
    const dlq = await new DlqTools({ dlqUrl: resources.dlqUrl, sourceQueueUrl: resources.queueUrl }).list();
    expect(dlq.messages).toHaveLength(1);
    expect(dlq.messages[0]?.diagnosis).toMatchObject({ valid: false, orderId: 'POISON' });
    const repository = new DynamoDbOrderRepository({ tableName: resources.names.tableName });
    for (const order of orders) await expect(repository.findById(order.orderId)).resolves.toEqual(order);
  });
});

function jsonLines(lines: readonly string[]): Record<string, unknown>[] {
  return lines.flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

async function eventually(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}
