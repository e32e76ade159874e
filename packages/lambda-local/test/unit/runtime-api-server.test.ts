import { RuntimeApiServer, type FunctionError, type RuntimeApiListener } from '@orders/lambda-local';

/** Records what the server tells its listener; `nextSeen` settles when the runtime first asks for work. */
function recorder() {
  const calls: { what: string; args: unknown[] }[] = [];
  let sawNext: () => void = () => undefined;
  const nextSeen = new Promise<void>((resolve) => {
    sawNext = resolve;
  });
  const listener: RuntimeApiListener = {
    onNext: () => {
      calls.push({ what: 'next', args: [] });
      sawNext();
    },
    onResponse: (id, payload) => calls.push({ what: 'response', args: [id, payload] }),
    onInvocationError: (id, error: FunctionError) => calls.push({ what: 'error', args: [id, error] }),
    onInitError: (error) => calls.push({ what: 'init-error', args: [error] }),
    onResponseTooLarge: (id, bytes) => calls.push({ what: 'too-large', args: [id, bytes] }),
  };
  return { calls, listener, nextSeen };
}

/** A hang guard on each request, below the test's own timeout: a hung request fails with its own error. */
const REQUEST_TIMEOUT_MS = 20_000;

const invocation = {
  requestId: 'req-1',
  payload: '{"Records":[]}',
  deadlineMs: 1_800_000_000_000,
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:OrderProcessor',
  traceId: 'Root=1-abc-def;Parent=123;Sampled=0',
};

describe('the Runtime API server', () => {
  let server: RuntimeApiServer;
  let calls: ReturnType<typeof recorder>['calls'];
  let nextSeen: Promise<void>;
  const url = (path: string): string => `http://${server.address}/2018-06-01/runtime${path}`;
  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(url(path), { method: 'POST', body, headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });

  beforeEach(async () => {
    const recorded = recorder();
    calls = recorded.calls;
    nextSeen = recorded.nextSeen;
    server = await RuntimeApiServer.start(recorded.listener);
  });
  afterEach(() => server.close());

  it('holds invocation/next until an invocation is offered, then answers with the event and the documented headers', async () => {
    const next = fetch(url('/invocation/next'), { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    // The runtime is waiting (the server has seen its request: no polling against a deadline) and
    // gets nothing until the offer. The pause only gives a wrong early answer the chance to show; a
    // slow machine can make it miss one, never fail a right server.
    await nextSeen;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls.map((c) => c.what)).toEqual(['next']);
    expect(await Promise.race([next.then(() => 'answered'), Promise.resolve('waiting')])).toBe('waiting');
    server.offer(invocation);
    const response = await next;
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('{"Records":[]}');
    expect(response.headers.get('lambda-runtime-aws-request-id')).toBe('req-1');
    expect(response.headers.get('lambda-runtime-deadline-ms')).toBe('1800000000000');
    expect(response.headers.get('lambda-runtime-invoked-function-arn')).toBe(invocation.invokedFunctionArn);
    expect(response.headers.get('lambda-runtime-trace-id')).toBe(invocation.traceId);
  });

  it('passes on the response of the invocation in progress and refuses an unknown request id', async () => {
    server.offer(invocation);
    await (await fetch(url('/invocation/next'))).text();
    const unknown = await post('/invocation/other/response', '{}');
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ errorType: 'InvalidRequestID' });
    const accepted = await post('/invocation/req-1/response', '{"batchItemFailures":[]}');
    expect(accepted.status).toBe(202);
    expect(calls.find((c) => c.what === 'response')?.args).toEqual(['req-1', '{"batchItemFailures":[]}']);
    const twice = await post('/invocation/req-1/response', '{}');
    expect(twice.status).toBe(400);
  });

  it('reads an invocation error from its body (aws-lambda-ric 4 sends no error-type header)', async () => {
    server.offer(invocation);
    await (await fetch(url('/invocation/next'))).text();
    const body = JSON.stringify({ errorType: 'MalformedEventError', errorMessage: 'no Records', trace: ['at x'] });
    expect((await post('/invocation/req-1/error', body)).status).toBe(202);
    expect(calls.find((c) => c.what === 'error')?.args).toEqual([
      'req-1',
      { errorType: 'MalformedEventError', errorMessage: 'no Records', stackTrace: ['at x'] },
    ]);
  });

  it('falls back to the error-type header, then to "Unhandled", for an init error without a usable body', async () => {
    await post('/init/error', 'not json', { 'Lambda-Runtime-Function-Error-Type': 'Runtime.ImportModuleError' });
    await post('/init/error', '{}');
    expect(calls.filter((c) => c.what === 'init-error').map((c) => c.args[0])).toEqual([
      { errorType: 'Runtime.ImportModuleError', errorMessage: 'not json' },
      { errorType: 'Unhandled', errorMessage: '' },
    ]);
  });

  it('refuses a response over 6 MB with 413 and reports it', async () => {
    server.offer(invocation);
    await (await fetch(url('/invocation/next'))).text();
    const response = await post('/invocation/req-1/response', 'x'.repeat(6_291_557));
    expect(response.status).toBe(413);
    expect(calls.find((c) => c.what === 'too-large')?.args).toEqual(['req-1', 6_291_557]);
  });

  it('answers 404 for anything that is not a Runtime API endpoint', async () => {
    expect((await fetch(url('/invocation/req-1/other'))).status).toBe(404);
  });
});
