import { createServer, request, type Server } from 'node:http';
import { type FaultProxy, type FaultRule, startFaultProxy } from '../../src';
import { errorResponse } from '../../src/fault-proxy/aws-error-responses';
import { identifyAwsRequest } from '../../src/fault-proxy/aws-request-identity';
import { FaultPlan } from '../../src/fault-proxy/fault-plan';

const SIGNED = (service: string) => ({
  authorization: `AWS4-HMAC-SHA256 Credential=test/20250503/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=x`,
});

describe('identifyAwsRequest', () => {
  it('reads the JSON protocols from X-Amz-Target and the query protocol from Action=', () => {
    expect(identifyAwsRequest({ 'x-amz-target': 'DynamoDB_20120810.PutItem' }, '{}')).toEqual({
      service: 'dynamodb',
      action: 'PutItem',
    });
    expect(identifyAwsRequest({ 'x-amz-target': 'AmazonSQS.DeleteMessageBatch', ...SIGNED('sqs') }, '{}')).toEqual({
      service: 'sqs',
      action: 'DeleteMessageBatch',
    });
    expect(
      identifyAwsRequest(
        { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', ...SIGNED('sns') },
        'Action=PublishBatch&Version=2010-03-31&TopicArn=arn',
      ),
    ).toEqual({ service: 'sns', action: 'PublishBatch' });
    expect(identifyAwsRequest({}, '')).toEqual({ service: 'other', action: undefined });
  });
});

describe('errorResponse', () => {
  it('speaks each protocol: JSON __type, SQS query-compatible header, SNS XML', () => {
    const ddb = errorResponse('dynamodb', 'throttle', 'r1');
    expect(ddb.status).toBe(400);
    expect(JSON.parse(ddb.body)).toEqual({
      __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
      message: expect.any(String),
    });
    const sqs = errorResponse('sqs', 'throttle', 'r2');
    expect(sqs.status).toBe(403);
    expect(sqs.headers['x-amzn-query-error']).toBe('RequestThrottled;Sender');
    expect(JSON.parse(sqs.body)).toMatchObject({ __type: 'com.amazonaws.sqs#RequestThrottled' });
    const sns = errorResponse('sns', 'server-error', 'r3');
    expect(sns.status).toBe(500);
    expect(sns.body).toContain('<Code>InternalError</Code>');
    expect(sns.body).toContain('<RequestId>r3</RequestId>');
    expect(errorResponse('dynamodb', 'unavailable', 'r').status).toBe(503);
  });
});

describe('FaultPlan', () => {
  const put = { service: 'dynamodb', action: 'PutItem' } as const;
  const receive = { service: 'sqs', action: 'ReceiveMessage' } as const;

  it('decides the same way for the same seed and the same requests', () => {
    const rules: FaultRule[] = [{ rate: 0.3 }];
    const run = (seed: number) => {
      const plan = new FaultPlan(seed, rules);
      return Array.from({ length: 200 }, (_, i) => plan.decide(i % 2 ? put : receive) ?? '-');
    };
    expect(run(5)).toEqual(run(5));
    expect(run(5)).not.toEqual(run(6));
    const faults = run(5).filter((d) => d !== '-').length;
    expect(faults).toBeGreaterThan(35);
    expect(faults).toBeLessThan(85);
  });

  it('applies the first rule that matches by service and action, and counts by kind and action', () => {
    const plan = new FaultPlan(1, [
      { services: ['sqs'], exceptActions: ['ReceiveMessage'], rate: 1, kinds: { throttle: 1 } },
      { services: ['dynamodb'], actions: ['PutItem'], rate: 1, kinds: { reset: 1 } },
    ]);
    expect(plan.decide(receive)).toBeUndefined();
    expect(plan.decide(put)).toBe('reset');
    expect(plan.decide({ service: 'sqs', action: 'DeleteMessageBatch' })).toBe('throttle');
    expect(plan.decide({ service: 'other', action: undefined })).toBeUndefined();
    expect(plan.snapshot()).toMatchObject({
      requests: 4,
      passed: 2,
      totalFaults: 2,
      faults: { reset: 1, throttle: 1, hang: 0 },
      byAction: { 'dynamodb:PutItem': { requests: 1, faults: { reset: 1 } } },
    });
  });

  it('refuses rules it could not apply', () => {
    expect(() => new FaultPlan(1, [{ rate: 1.5 }])).toThrow(RangeError);
    expect(() => new FaultPlan(1, [{ rate: 0.5, kinds: { reset: 0 } }])).toThrow(RangeError);
    expect(() => new FaultPlan(1, [{ rate: 0.5, kinds: { explode: 1 } as never }])).toThrow(RangeError);
  });
});

describe('startFaultProxy', () => {
  let upstream: Server;
  let target: string;
  const seen: string[] = [];

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      seen.push(String(req.headers['x-amz-target']));
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'x-upstream': 'yes' });
      res.end('{"ok":true}');
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    target = `http://127.0.0.1:${(upstream.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    upstream.closeAllConnections();
    await new Promise((resolve) => upstream.close(resolve));
  });

  // The client's inactivity limit: a hang guard, far above a loopback round trip on a busy machine.
  const post = (url: string, action: string, timeoutMs = 20_000) =>
    new Promise<{ status: number; body: string; headers: Record<string, unknown> }>((resolve, reject) => {
      const req = request(
        `${url}/`,
        {
          method: 'POST',
          headers: { 'x-amz-target': `DynamoDB_20120810.${action}`, 'content-type': 'application/x-amz-json-1.0' },
        },
        (res) => {
          let body = '';
          res.on('data', (chunk) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
          res.on('error', reject);
        },
      );
      req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error('timed out'), { code: 'TIMEOUT' })));
      req.on('error', reject);
      req.end('{}');
    });

  it('passes requests through untouched when no rule strikes, headers and all', async () => {
    const proxy = await startFaultProxy({ target, seed: 1, rules: [] });
    try {
      await expect(post(proxy.url, 'GetItem')).resolves.toMatchObject({
        status: 200,
        body: '{"ok":true}',
        headers: { 'x-upstream': 'yes' },
      });
    } finally {
      await proxy.close();
    }
  });

  it('resets before forwarding, and forwards before dropping the answer', async () => {
    let proxy: FaultProxy = await startFaultProxy({ target, seed: 1, rules: [{ rate: 1, kinds: { reset: 1 } }] });
    seen.length = 0;
    await expect(post(proxy.url, 'PutItem')).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(seen).toEqual([]);
    await proxy.close();
    proxy = await startFaultProxy({ target, seed: 1, rules: [{ rate: 1, kinds: { 'drop-answer': 1 } }] });
    await expect(post(proxy.url, 'PutItem')).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(seen).toEqual(['DynamoDB_20120810.PutItem']);
    await proxy.close();
  });

  it('holds a late answer past the client timeout, and closes with hanging sockets at once', async () => {
    // Answers held for an hour, and a last client that would wait as long: `close` can return, and
    // that client's request end, only by the proxy dropping its timers and sockets, not by waiting
    // them out. No stopwatch: a close that waited would fail the test on its timeout.
    const anHour = 3_600_000;
    const proxy = await startFaultProxy({
      target,
      seed: 1,
      delayMs: anHour,
      rules: [{ rate: 1, kinds: { delay: 1, hang: 1 } }],
    });
    const outcomes = await Promise.allSettled([
      post(proxy.url, 'A', 300),
      post(proxy.url, 'B', 300),
      post(proxy.url, 'C', 300),
    ]);
    expect(outcomes.every((o) => o.status === 'rejected')).toBe(true);
    const pending = post(proxy.url, 'D', anHour).catch((e: unknown) => e);
    while (proxy.counts().requests < 4) await new Promise((resolve) => setTimeout(resolve, 10));
    await proxy.close();
    // Cut off, not answered.
    await expect(pending).resolves.toMatchObject({ code: 'ECONNRESET' });
    expect(proxy.counts().faults.delay + proxy.counts().faults.hang).toBe(4);
  }, 30_000);
});
