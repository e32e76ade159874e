import { SQSClient } from '@aws-sdk/client-sqs';
import { ClientSettingError, SqsMessageQueue } from '../../src';
import { DEFAULT_ABORT_GRACE_MS, receiveAbortGraceMs } from '../../src/sqs-message-queue';
import { fakeClient, TEST_CLIENT_CONFIG } from './support/fake-client';

// A graceful stop cuts the receives in flight, each after a grace in which an answer already on
// its way still arrives. 300 ms suits SQS; ORDERS_SQS_RECEIVE_ABORT_GRACE_MS lengthens it for an
// endpoint that answers slowly (moto takes 1–2 s on a deep queue), so a stop leaves nothing in flight.

const QUEUE_URL = 'http://127.0.0.1:5000/000000000000/OrderQueue';
const VARIABLE = 'ORDERS_SQS_RECEIVE_ABORT_GRACE_MS';

describe('receiveAbortGraceMs', () => {
  it('is 300 ms unless the variable says otherwise', () => {
    expect(receiveAbortGraceMs({})).toBe(DEFAULT_ABORT_GRACE_MS);
    expect(DEFAULT_ABORT_GRACE_MS).toBe(300);
    expect(receiveAbortGraceMs({ [VARIABLE]: ' ' })).toBe(300);
    expect(receiveAbortGraceMs({ [VARIABLE]: '3000' })).toBe(3000);
    expect(receiveAbortGraceMs({ [VARIABLE]: '0' })).toBe(0);
  });

  it.each(['abc', '1.5', '-1', '20001'])('refuses %s, naming the variable and the range', (raw) => {
    expect(() => receiveAbortGraceMs({ [VARIABLE]: raw })).toThrow(ClientSettingError);
    expect(() => receiveAbortGraceMs({ [VARIABLE]: raw })).toThrow(
      `${VARIABLE} must be a whole number of milliseconds from 0 to 20000, got "${raw}"`,
    );
  });
});

describe('SqsMessageQueue with ORDERS_SQS_RECEIVE_ABORT_GRACE_MS', () => {
  const saved = process.env[VARIABLE];
  afterEach(() => {
    if (saved === undefined) delete process.env[VARIABLE];
    else process.env[VARIABLE] = saved;
  });

  /** A client whose receive answers with one message once `answer()` is called, or rejects when aborted. */
  function answerOnDemand() {
    const state: { sdkSignal?: AbortSignal; answer?: () => void } = {};
    const fake = fakeClient(new SQSClient(TEST_CLIENT_CONFIG), () => ({ $metadata: {} }));
    (fake.client as { send: unknown }).send = (_command: unknown, options?: { abortSignal?: AbortSignal }) =>
      new Promise((resolve, reject) => {
        state.sdkSignal = options?.abortSignal;
        state.answer = () =>
          resolve({
            $metadata: {},
            Messages: [
              { MessageId: 'm-1', ReceiptHandle: 'rh-1', Body: 'b', Attributes: { ApproximateReceiveCount: '1' } },
            ],
          });
        state.sdkSignal?.addEventListener('abort', () =>
          reject(Object.assign(new Error('Request aborted'), { name: 'AbortError' })),
        );
      });
    return { state, client: fake.client };
  }

  it('gives a receive the grace the variable sets: an answer that comes after the default 300 ms still returns its messages', async () => {
    process.env[VARIABLE] = '20000';
    const { state, client } = answerOnDemand();
    const queue = new SqsMessageQueue({ queueUrl: QUEUE_URL, client });
    const controller = new AbortController();
    const receiving = queue.receive({ maxMessages: 10, waitTimeSeconds: 20, signal: controller.signal });
    controller.abort();
    // Longer than the default grace: without the variable the request would be cut by now.
    await new Promise((resolve) => setTimeout(resolve, DEFAULT_ABORT_GRACE_MS + 200));
    expect(state.sdkSignal?.aborted).toBe(false);
    state.answer?.();

    await expect(receiving).resolves.toMatchObject([{ messageId: 'm-1', receiptHandle: 'rh-1' }]);
  });

  it('an explicit abortGraceMs wins over the variable', async () => {
    process.env[VARIABLE] = '20000';
    const { state, client } = answerOnDemand();
    const queue = new SqsMessageQueue({ queueUrl: QUEUE_URL, client, abortGraceMs: 0 });
    const controller = new AbortController();
    const receiving = queue.receive({ maxMessages: 10, waitTimeSeconds: 20, signal: controller.signal });
    controller.abort();

    await expect(receiving).resolves.toEqual([]);
    expect(state.sdkSignal?.aborted).toBe(true);
  });

  it('refuses a bad value when the queue is built, naming the variable', () => {
    process.env[VARIABLE] = 'soon';
    expect(() => new SqsMessageQueue({ queueUrl: QUEUE_URL, client: answerOnDemand().client })).toThrow(
      `${VARIABLE} must be a whole number`,
    );
  });
});
