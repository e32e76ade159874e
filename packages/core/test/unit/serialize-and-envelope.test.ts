import { SEED_DUMMY_ORDER } from '@orders/simulation';
import {
  describeError,
  errorLogFields,
  InfrastructureError,
  RepositoryUnavailableError,
  serializeOrder,
  wrapInSnsNotification,
  type Order,
} from '../../src';

describe('serializeOrder', () => {
  it("writes exactly the seed's fields, in the seed's order", () => {
    expect(serializeOrder(SEED_DUMMY_ORDER)).toBe(
      '{"orderId":"O1234","userId":"U123","itemName":"Laptop","quantity":1,"status":"new","timestamp":"2025-05-03T12:00:00Z"}',
    );
  });

  it('drops any extra property an Order object carries', () => {
    const withExtra = { ...SEED_DUMMY_ORDER, coupon: 'SAVE10', __secret: 1 } as Order;
    expect(Object.keys(JSON.parse(serializeOrder(withExtra)))).toEqual([
      'orderId',
      'userId',
      'itemName',
      'quantity',
      'status',
      'timestamp',
    ]);
  });
});

describe('wrapInSnsNotification', () => {
  const options = {
    messageId: 'sns-1',
    topicArn: 'arn:aws:sns:eu-west-1:123456789012:OrderTopic',
    timestamp: '2025-05-03T12:00:01.000Z',
  };

  it('builds a Notification envelope whose Message is the text unchanged', () => {
    const message = serializeOrder(SEED_DUMMY_ORDER);
    const envelope = wrapInSnsNotification(message, options);
    expect(envelope).toEqual(
      expect.objectContaining({
        Type: 'Notification',
        MessageId: 'sns-1',
        TopicArn: options.topicArn,
        Message: message,
        SignatureVersion: '1',
      }),
    );
    expect(envelope.SigningCertURL).toContain('sns.eu-west-1.amazonaws.com');
    expect(envelope).not.toHaveProperty('MessageAttributes');
  });

  it('adds String message attributes when given', () => {
    const envelope = wrapInSnsNotification('{}', { ...options, attributes: { status: 'new' } });
    expect(envelope.MessageAttributes).toEqual({ status: { Type: 'String', Value: 'new' } });
  });
});

describe('describeError', () => {
  it('keeps name, code and message of an InfrastructureError, not its cause', () => {
    const error = new RepositoryUnavailableError('down', { cause: new Error('secret detail') });
    expect(error).toBeInstanceOf(InfrastructureError);
    expect(error.cause).toBeInstanceOf(Error);
    expect(describeError(error)).toEqual({
      name: 'RepositoryUnavailableError',
      code: 'repository_unavailable',
      message: 'down',
      failureClass: 'transient',
    });
  });

  it('classes a non-retryable InfrastructureError as systemic, a retryable one as transient, unless told', () => {
    expect(describeError(new InfrastructureError('access_denied', 'no', { retryable: false })).failureClass).toBe(
      'systemic',
    );
    expect(describeError(new InfrastructureError('throttled', 'slow down')).failureClass).toBe('transient');
    expect(
      describeError(new RepositoryUnavailableError('x', { code: 'weird', retryable: true, failureClass: 'systemic' })),
    ).toMatchObject({ code: 'weird', failureClass: 'systemic' });
  });

  it('does not leak a thrown non-Error value', () => {
    expect(describeError({ payload: 'U-SECRET' })).toEqual({
      name: 'NonError',
      code: 'unexpected_error',
      message: expect.not.stringContaining('U-SECRET'),
      failureClass: 'systemic',
    });
  });
});

describe('errorLogFields', () => {
  it('is describeError as flat log fields, for every kind of thrown value', () => {
    expect(errorLogFields(new InfrastructureError('throttled', 'slow down'))).toEqual({
      errorName: 'InfrastructureError',
      errorCode: 'throttled',
      errorMessage: 'slow down',
      failureClass: 'transient',
    });
    expect(errorLogFields(Object.assign(new TypeError('bad'), { code: 'ERR_X' }))).toEqual({
      errorName: 'TypeError',
      errorCode: 'ERR_X',
      errorMessage: 'bad',
      failureClass: 'systemic',
    });
    expect(errorLogFields('U-SECRET')).toEqual({
      errorName: 'NonError',
      errorCode: 'unexpected_error',
      errorMessage: expect.not.stringContaining('U-SECRET'),
      failureClass: 'systemic',
    });
  });
});
