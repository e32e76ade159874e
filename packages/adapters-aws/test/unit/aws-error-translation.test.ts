import {
  DynamoDBClient,
  GetItemCommand,
  ProvisionedThroughputExceededException,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { QueueDoesNotExist } from '@aws-sdk/client-sqs';
import { InfrastructureError } from '@orders/core';
import {
  AwsRequestError,
  EndpointUnreachableError,
  MissingCredentialsError,
  MissingRegionError,
  ResourceMissingError,
} from '../../src';
import { toInfrastructureError, type AwsCallContext } from '../../src/aws-error-translation';
import { connectionRefused } from './support/fake-client';

const context: AwsCallContext = {
  service: 'SQS',
  operation: 'ReceiveMessage',
  resource: { type: 'SQS queue', name: 'OrderQueue' },
};

const sdkError = (name: string, fault: 'client' | 'server', httpStatusCode: number, extra: object = {}): Error =>
  Object.assign(new Error(`${name} happened`), { name, $fault: fault, $metadata: { httpStatusCode }, ...extra });

describe('toInfrastructureError', () => {
  it('names the unreachable endpoint and keeps the network error as cause', () => {
    const cause = connectionRefused();
    const error = toInfrastructureError(cause, context);
    expect(error).toBeInstanceOf(EndpointUnreachableError);
    expect(error).toMatchObject({ code: 'endpoint_unreachable', retryable: true, cause });
    expect(error.message).toBe(
      'Could not reach the AWS endpoint 127.0.0.1:4566; check that the emulator or service there is running.',
    );
  });

  it('recognises a network error the SDK wrapped and stripped to its message (an Error from another realm)', () => {
    const wrapped = new Error('AWS SDK error wrapper for Error: connect ECONNREFUSED 127.0.0.1:36223');
    const error = toInfrastructureError(wrapped, context);
    expect(error).toBeInstanceOf(EndpointUnreachableError);
    expect((error as EndpointUnreachableError).endpoint).toBe('127.0.0.1:36223');
    const dns = toInfrastructureError(
      new Error('AWS SDK error wrapper for Error: getaddrinfo ENOTFOUND sqs.example.invalid'),
      context,
    );
    expect((dns as EndpointUnreachableError).endpoint).toBe('sqs.example.invalid');
  });

  it('treats a connect timeout without an HTTP answer as unreachable', () => {
    const timeout = Object.assign(new Error('Socket timed out without establishing a connection within 5000 ms'), {
      name: 'TimeoutError',
    });
    expect(toInfrastructureError(timeout, context)).toBeInstanceOf(EndpointUnreachableError);
  });

  it('says that credentials are missing in one sentence', () => {
    const error = toInfrastructureError(
      Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }),
      context,
    );
    expect(error).toBeInstanceOf(MissingCredentialsError);
    expect(error).toMatchObject({ code: 'credentials_missing', retryable: false });
    expect(error.message.split('. ')).toHaveLength(1);
  });

  it('says that the region is missing', () => {
    const error = toInfrastructureError(new Error('Region is missing'), context);
    expect(error).toBeInstanceOf(MissingRegionError);
    expect(error.message).toContain('AWS_REGION');
  });

  it('turns "does not exist" answers into ResourceMissingError naming the resource', () => {
    const error = toInfrastructureError(
      new QueueDoesNotExist({ message: 'The specified queue does not exist.', $metadata: { httpStatusCode: 400 } }),
      context,
    );
    expect(error).toBeInstanceOf(ResourceMissingError);
    expect(error).toMatchObject({
      code: 'resource_missing',
      retryable: false,
      missing: [{ type: 'SQS queue', name: 'OrderQueue' }],
    });
    expect(error.message).toBe('The SQS queue "OrderQueue" does not exist; run "orders provision" to create it.');
  });

  it('without a named resource, a not-found answer is a rejected request', () => {
    const error = toInfrastructureError(
      new ResourceNotFoundException({ message: 'Requested resource not found', $metadata: { httpStatusCode: 400 } }),
      { service: 'DynamoDB', operation: 'DescribeTable' },
    );
    expect(error).toBeInstanceOf(AwsRequestError);
    expect(error).toMatchObject({
      code: 'aws_request_rejected',
      retryable: false,
      awsErrorName: 'ResourceNotFoundException',
    });
  });

  it.each([
    ['AccessDeniedException', 'client', 400, 'access_denied', false],
    ['UnrecognizedClientException', 'client', 400, 'access_denied', false],
    ['SomethingForbidden', 'client', 403, 'access_denied', false],
    ['ThrottlingException', 'client', 400, 'throttled', true],
    ['InternalFailure', 'server', 500, 'aws_server_error', true],
    ['ServiceUnavailable', 'server', 503, 'aws_server_error', true],
    ['ValidationException', 'client', 400, 'aws_request_rejected', false],
  ] as const)('%s (%s %i) → %s, retryable %s', (name, fault, status, code, retryable) => {
    const error = toInfrastructureError(sdkError(name, fault, status), context);
    expect(error).toBeInstanceOf(AwsRequestError);
    expect(error).toMatchObject({
      code,
      retryable,
      awsErrorName: name,
      httpStatusCode: status,
      service: 'SQS',
      operation: 'ReceiveMessage',
    });
    expect(error.message.startsWith('SQS ReceiveMessage failed: ')).toBe(true);
  });

  it('recognises throttling by the SDK exception class', () => {
    const throttled = new ProvisionedThroughputExceededException({
      message: 'slow down',
      $metadata: { httpStatusCode: 400 },
    });
    expect(toInfrastructureError(throttled, { service: 'DynamoDB', operation: 'PutItem' })).toMatchObject({
      code: 'throttled',
      retryable: true,
    });
  });

  it('passes an InfrastructureError through untouched', () => {
    const original = new InfrastructureError('custom', 'already typed');
    expect(toInfrastructureError(original, context)).toBe(original);
  });

  it('wraps non-Error values without crashing', () => {
    expect(toInfrastructureError('boom', context)).toMatchObject({ code: 'aws_request_failed', retryable: true });
  });

  it('classifies what a real SDK client throws when its credential provider finds nothing', async () => {
    const client = new DynamoDBClient({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:1',
      maxAttempts: 1,
      credentials: async () => {
        throw Object.assign(new Error('Could not load credentials from any providers'), {
          name: 'CredentialsProviderError',
        });
      },
    });
    const thrown = await client
      .send(new GetItemCommand({ TableName: 'Orders', Key: { orderId: { S: 'x' } } }))
      .catch((e: unknown) => e);
    expect(toInfrastructureError(thrown, { service: 'DynamoDB', operation: 'GetItem' })).toBeInstanceOf(
      MissingCredentialsError,
    );
  });
});

describe('answers that are not AWS responses, and endpoints that are not URLs', () => {
  const context = { service: 'SQS', operation: 'GetQueueUrl' } as const;

  it('says the endpoint answered something that is not an AWS response, keeping a 5xx retryable', () => {
    const unparsable = Object.assign(new Error('Unexpected token < in JSON'), {
      name: 'SyntaxError',
      $metadata: { httpStatusCode: 500 },
    });
    expect(toInfrastructureError(unparsable, context)).toMatchObject({
      code: 'aws_server_error',
      retryable: true,
      message:
        'SQS GetQueueUrl failed: the endpoint answered 500 with something that is not an AWS response; check the endpoint URL and the region.',
    });
    const noStatus = Object.assign(new Error('Unexpected end of JSON input'), { name: 'SyntaxError' });
    expect(toInfrastructureError(noStatus, context)).toMatchObject({
      code: 'aws_response_unreadable',
      retryable: false,
    });
  });

  it('names an endpoint that is not a URL in one sentence', () => {
    const invalid = Object.assign(new TypeError('Invalid URL'), { code: 'ERR_INVALID_URL' });
    expect(toInfrastructureError(invalid, context)).toMatchObject({
      code: 'endpoint_invalid',
      retryable: false,
      message:
        'SQS GetQueueUrl failed: the endpoint is not a URL; write it with its scheme, e.g. http://127.0.0.1:4566.',
    });
  });
});
