import type { AwsServiceName } from './aws-request-identity';

/** The service errors the proxy can answer with instead of forwarding. */
export type InjectedErrorKind = 'throttle' | 'server-error' | 'unavailable';

export interface CannedResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

interface ErrorShape {
  readonly status: number;
  /** The error code as the service names it (`__type` without namespace, query `Code`). */
  readonly code: string;
  /** Who is at fault, in the query protocol's terms. */
  readonly fault: 'Sender' | 'Receiver';
  readonly message: string;
}

/**
 * What each service says, per the models in the installed SDK (@aws-sdk/client-* 3.11xx):
 * DynamoDB's throughput error; SQS's RequestThrottled, which its model gives HTTP 403 (with
 * `awsQueryError` code RequestThrottled); SNS's Throttling. 5xx are each service's internal error
 * and service-unavailable.
 */
const SHAPES: Record<Exclude<AwsServiceName, 'other'>, Record<InjectedErrorKind, ErrorShape>> = {
  dynamodb: {
    throttle: {
      status: 400,
      code: 'ProvisionedThroughputExceededException',
      fault: 'Sender',
      message: 'The level of configured provisioned throughput for the table was exceeded.',
    },
    'server-error': { status: 500, code: 'InternalServerError', fault: 'Receiver', message: 'Internal server error' },
    unavailable: {
      status: 503,
      code: 'ServiceUnavailable',
      fault: 'Receiver',
      message: 'The service is currently unavailable or busy.',
    },
  },
  sqs: {
    throttle: {
      status: 403,
      code: 'RequestThrottled',
      fault: 'Sender',
      message: 'The request was denied due to request throttling.',
    },
    'server-error': { status: 500, code: 'InternalError', fault: 'Receiver', message: 'Internal error' },
    unavailable: {
      status: 503,
      code: 'ServiceUnavailable',
      fault: 'Receiver',
      message: 'The request has failed due to a temporary failure of the server.',
    },
  },
  sns: {
    throttle: { status: 400, code: 'Throttling', fault: 'Sender', message: 'Rate exceeded' },
    'server-error': { status: 500, code: 'InternalError', fault: 'Receiver', message: 'Internal error' },
    unavailable: { status: 503, code: 'ServiceUnavailable', fault: 'Receiver', message: 'Service unavailable' },
  },
};

const NAMESPACES = { dynamodb: 'com.amazonaws.dynamodb.v20120810', sqs: 'com.amazonaws.sqs' } as const;

/**
 * An error answer in the shape the service's protocol uses, so the SDK parses it exactly as it
 * would AWS's own: JSON 1.0 with `__type` (DynamoDB); JSON 1.0 plus the `x-amzn-query-error`
 * header that query-compatible services send (SQS); the query protocol's XML ErrorResponse (SNS).
 * `other` (an emulator's own API) gets a plain status.
 */
export function errorResponse(service: AwsServiceName, kind: InjectedErrorKind, requestId: string): CannedResponse {
  if (service === 'other') {
    const status = kind === 'throttle' ? 429 : kind === 'server-error' ? 500 : 503;
    return { status, headers: { 'content-type': 'text/plain' }, body: `injected ${kind}` };
  }
  const shape = SHAPES[service][kind];
  if (service === 'sns') {
    return {
      status: shape.status,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
      body:
        '<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">' +
        `<Error><Type>${shape.fault}</Type><Code>${shape.code}</Code><Message>${shape.message}</Message></Error>` +
        `<RequestId>${requestId}</RequestId></ErrorResponse>`,
    };
  }
  return {
    status: shape.status,
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-requestid': requestId,
      ...(service === 'sqs' ? { 'x-amzn-query-error': `${shape.code};${shape.fault}` } : {}),
    },
    body: JSON.stringify({ __type: `${NAMESPACES[service]}#${shape.code}`, message: shape.message }),
  };
}
