import { createServer, type Server, type Socket } from 'node:net';
import { DynamoDbOrderRepository } from '@orders/adapters-aws';
import {
  awsClientConfig,
  DEFAULT_DYNAMODB_REQUEST_TIMEOUT_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  dynamoDbClientConfig,
} from '../../src/aws-client-config';
import { RepositoryUnavailableError } from '@orders/core';
import { sampleOrder, timed } from '@orders/testkit';

/** The error and its causes, outermost first. */
function causesOf(error: unknown): Error[] {
  const chain: Error[] = [];
  for (let e = error; e instanceof Error && !chain.includes(e); e = e.cause) chain.push(e);
  return chain;
}

// A DynamoDB endpoint that accepts the connection and never answers: the failure a frozen Lambda's
// half-open keep-alive socket produces. A save must fail (and its record be retried) instead of
// holding the whole invocation until the Lambda timeout.
describe('DynamoDbOrderRepository against an endpoint that never answers', () => {
  let server: Server;
  let port: number;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    server = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('gives up after the request timeout with a retryable RepositoryUnavailableError', async () => {
    const repository = new DynamoDbOrderRepository({
      clientOptions: {
        endpoint: `http://127.0.0.1:${port}`,
        region: 'us-east-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        requestTimeoutMs: 300,
        maxAttempts: 2,
      },
    });
    const error: unknown = await repository.save(timed(sampleOrder())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RepositoryUnavailableError);
    expect(error).toMatchObject({ code: 'timeout', retryable: true });
    // Cut by the configured 300 ms, on each of the two attempts (the endpoint saw both), whatever
    // the machine's speed: no elapsed-time bound. Without the timeout the save would hang, and the
    // test fail on its own timeout.
    const sdkError = causesOf(error).find((cause) => cause.name === 'TimeoutError');
    expect(sdkError?.message).toMatch(/configured 300 ms requestTimeout/);
    expect(sdkError).toMatchObject({ $metadata: { attempts: 2 } });
    expect(sockets).toHaveLength(2);
  }, 30_000);

  it('applies a request timeout that throws to every client, DynamoDB with its own default', () => {
    expect(dynamoDbClientConfig({}, {}).requestHandler).toMatchObject({
      requestTimeout: DEFAULT_DYNAMODB_REQUEST_TIMEOUT_MS,
      throwOnRequestTimeout: true,
    });
    expect(awsClientConfig({}, 3, {}).requestHandler).toMatchObject({
      requestTimeout: DEFAULT_REQUEST_TIMEOUT_MS,
      throwOnRequestTimeout: true,
    });
    expect(awsClientConfig({ requestTimeoutMs: 1234 }, 3, {}).requestHandler).toMatchObject({
      requestTimeout: 1234,
      throwOnRequestTimeout: true,
    });
  });
});
