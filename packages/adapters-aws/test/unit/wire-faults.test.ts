import { createServer, type Server } from 'node:http';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListTopicsCommand } from '@aws-sdk/client-sns';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { InfrastructureError } from '@orders/core';
import { FAULT_KINDS, startFaultProxy, type FaultKind, type FaultProxy } from '@orders/simulation';
import {
  createDynamoDbClient,
  createSnsClient,
  createSqsClient,
  SqsMessageQueue,
  type AwsClientOptions,
} from '../../src';
import { toInfrastructureError } from '../../src/aws-error-translation';

// The SDK clients as the adapters build them, through the fault-injecting proxy, against a
// stand-in that answers like each service: every fault on the wire must end as a typed error
// within the configured bounds, never as a hang.

/** Answers DynamoDB and SQS (JSON 1.0) and SNS (query) like the services; SQS long polls wait. */
function startStandIn(): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const target = request.headers['x-amz-target'];
      const json = (body: unknown, delayMs = 0): void => {
        setTimeout(() => {
          response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
          response.end(JSON.stringify(body));
        }, delayMs);
      };
      if (target === 'AmazonSQS.ReceiveMessage') {
        const { WaitTimeSeconds: wait } = JSON.parse(Buffer.concat(chunks).toString()) as { WaitTimeSeconds?: number };
        return json({}, (wait ?? 0) * 1000 * 0.5);
      }
      if (typeof target === 'string' && target.startsWith('AmazonSQS.')) return json({ QueueUrls: [] });
      if (typeof target === 'string' && target.startsWith('DynamoDB_')) return json({ TableNames: [] });
      response.writeHead(200, { 'content-type': 'text/xml' });
      response.end(
        '<ListTopicsResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><ListTopicsResult><Topics/></ListTopicsResult>' +
          '<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></ListTopicsResponse>',
      );
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as { port: number };
      resolve({ server, url: `http://127.0.0.1:${address.port}` });
    }),
  );
}

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

/** What the SDK's retry layer records on the error it finally throws (computed, not measured). */
interface SdkMetadata {
  readonly attempts?: number;
  /** The backoff the SDK chose between attempts, summed (ms). */
  readonly totalRetryDelay?: number;
}

const calls = {
  dynamodb: (options: AwsClientOptions) => createDynamoDbClient(options).send(new ListTablesCommand({})),
  sqs: (options: AwsClientOptions) => createSqsClient(options).send(new ListQueuesCommand({})),
  sns: (options: AwsClientOptions) => createSnsClient(options).send(new ListTopicsCommand({})),
} as const;
const SERVICE = { dynamodb: 'DynamoDB', sqs: 'SQS', sns: 'SNS' } as const;

/** The faults whose every attempt ends only when the client's request timeout cuts it. */
const NOT_ANSWERED_IN_TIME: ReadonlySet<FaultKind> = new Set(['delay', 'hang', 'stall-body']);

/** What each fault becomes once the SDK gave up. */
const EXPECTED_CODE: Record<FaultKind, string[]> = {
  reset: ['endpoint_unreachable'],
  'drop-answer': ['endpoint_unreachable'],
  'server-error': ['aws_server_error'],
  unavailable: ['aws_server_error'],
  throttle: ['throttled'],
  delay: ['endpoint_unreachable', 'timeout'],
  hang: ['endpoint_unreachable', 'timeout'],
  'stall-body': ['aws_request_failed', 'timeout'],
};

describe('SDK clients through a faulty network', () => {
  let standIn: { server: Server; url: string };
  const proxies: FaultProxy[] = [];
  const proxy = async (kind: FaultKind | 'mix', rate = 1, seed = 7): Promise<FaultProxy> => {
    const started = await startFaultProxy({
      target: standIn.url,
      seed,
      rules: [{ rate, ...(kind === 'mix' ? {} : { kinds: { [kind]: 1 } }) }],
      delayMs: 2_000,
    });
    proxies.push(started);
    return started;
  };

  beforeAll(async () => {
    standIn = await startStandIn();
  });
  afterAll(async () => {
    await Promise.all(proxies.map((p) => p.close()));
    standIn.server.closeAllConnections();
    await new Promise((resolve) => standIn.server.close(resolve));
  });

  describe.each(FAULT_KINDS)('%s on every request', (kind) => {
    // A body that stalls on SQS is cut by the socket inactivity bound, which outlasts a 20 s long
    // poll (its setting is checked in aws-client-config.test.ts): too slow for a unit test.
    const services = (['dynamodb', 'sqs', 'sns'] as const).filter((s) => !(kind === 'stall-body' && s === 'sqs'));
    it.each(services)(
      '%s: retried within its bounds, then a typed error',
      async (service) => {
        const faulty = await proxy(kind);
        // A fault that never answers in time is cut by a short timeout, to keep the test quick; one
        // answered at once gets a timeout no busy machine reaches, so that a slow answer cannot
        // turn a 500 or a throttle into a timeout.
        const requestTimeoutMs = NOT_ANSWERED_IN_TIME.has(kind) ? 200 : 10_000;
        const error = await calls[service]({
          endpoint: faulty.url,
          region: 'us-east-1',
          credentials,
          maxAttempts: 2,
          requestTimeoutMs,
        }).catch((e: unknown) => e);
        const translated = toInfrastructureError(error, { service: SERVICE[service], operation: 'List' });
        expect(translated).toBeInstanceOf(InfrastructureError);
        expect(EXPECTED_CODE[kind]).toContain(translated.code);
        expect(translated.retryable).toBe(true);
        expect(faulty.counts().faults[kind]).toBe(2);
        // Within its bounds, by what the SDK did rather than by a stopwatch (a busy machine is slow,
        // not wrong): two attempts, the backoff between them short, and a wait cut by the configured
        // bound (the request timeout, or the socket inactivity limit set to it), not by a longer
        // default. A fault nothing cut would hang, and fail the test on its timeout.
        const sdkError = error as { message?: string; $metadata?: SdkMetadata };
        expect(sdkError.$metadata?.attempts).toBe(2);
        expect(sdkError.$metadata?.totalRetryDelay).toBeLessThan(2_000);
        if (translated.code === 'timeout') {
          expect(sdkError.message).toMatch(
            new RegExp(`configured ${requestTimeoutMs} ms requestTimeout|after ${requestTimeoutMs} ms of inactivity`),
          );
        }
      },
      60_000,
    );
  });

  it('gets through a mixed 50% fault rate on retries', async () => {
    const faulty = await proxy('mix', 0.5, 11);
    const options = { endpoint: faulty.url, region: 'us-east-1', credentials, maxAttempts: 6, requestTimeoutMs: 300 };
    const services = ['dynamodb', 'sqs', 'sns'] as const;
    const outcomes: string[] = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        calls[services[i % 3] ?? 'sqs'](options).then(
          () => 'ok',
          () => 'failed',
        ),
      ),
    );
    expect(faulty.counts().totalFaults).toBeGreaterThan(5);
    expect(outcomes.filter((o) => o === 'ok').length).toBeGreaterThanOrEqual(10);
  }, 60_000);

  it('lets a long poll run its wait, and cuts a hung one at its wait plus the request timeout', async () => {
    const clean = await proxy('mix', 0);
    const options = { endpoint: clean.url, region: 'us-east-1', credentials, maxAttempts: 1, requestTimeoutMs: 400 };
    const queue = new SqsMessageQueue({
      queueUrl: `${clean.url}/000000000000/OrderQueue`,
      client: createSqsClient(options),
      clientOptions: options,
    });
    // The stand-in answers after 1 s of a 2 s wait: far past the 400 ms request timeout, and fine.
    // (The client would give up at 2.4 s: 1.4 s to spare, however slow the machine.)
    await expect(queue.receive({ maxMessages: 10, waitTimeSeconds: 2 })).resolves.toEqual([]);

    const hung = await proxy('hang');
    const hungOptions = { ...options, endpoint: hung.url };
    const stuck = new SqsMessageQueue({
      queueUrl: `${hung.url}/000000000000/OrderQueue`,
      client: createSqsClient(hungOptions),
      clientOptions: hungOptions,
    });
    const error = await stuck.receive({ maxMessages: 10, waitTimeSeconds: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InfrastructureError);
    expect(error).toMatchObject({ code: 'timeout' });
    // Cut at exactly its wait plus the request timeout (1 s + 400 ms), as the SDK reports it: no
    // stopwatch, so a busy machine cannot fail it. A poll nothing cut would hang the test instead.
    expect((error as Error).cause).toMatchObject({
      message: expect.stringContaining('configured 1400 ms requestTimeout'),
    });
  }, 30_000);
});
