/** The AWS services the project talks to, as a request names them; `other` for anything else. */
export type AwsServiceName = 'dynamodb' | 'sqs' | 'sns' | 'other';

/** What one HTTP request to an AWS endpoint asks for: the service and the API action. */
export interface AwsRequestIdentity {
  readonly service: AwsServiceName;
  /** E.g. `PutItem`, `ReceiveMessage`, `Publish`; undefined when the request names none (a health check, an emulator's own API). */
  readonly action: string | undefined;
}

type Headers = Readonly<Record<string, string | string[] | undefined>>;

const header = (headers: Headers, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** `DynamoDB_20120810.PutItem`, `AmazonSQS.ReceiveMessage`: the JSON protocols name the action in X-Amz-Target. */
const TARGET_PREFIXES: readonly (readonly [string, AwsServiceName])[] = [
  ['DynamoDB_', 'dynamodb'],
  ['AmazonSQS.', 'sqs'],
  ['AmazonSimpleNotificationService.', 'sns'],
];

/** The signing scope names the service: `Credential=AKID/20250503/us-east-1/sqs/aws4_request`. */
const CREDENTIAL_SCOPE = /Credential=[^/]+\/\d{8}\/[^/]+\/([a-z0-9-]+)\/aws4_request/;

function serviceFromScope(headers: Headers): AwsServiceName | undefined {
  const scope = CREDENTIAL_SCOPE.exec(header(headers, 'authorization') ?? '')?.[1];
  if (scope === 'dynamodb' || scope === 'sqs' || scope === 'sns') return scope;
  return scope === undefined ? undefined : 'other';
}

/**
 * Which service and action a request is, the way AWS itself reads it: the JSON protocols
 * (DynamoDB's JSON 1.0, SQS's JSON 1.0 since 2023) name the action in the X-Amz-Target header; the
 * query protocol (SNS, and SQS for older SDKs) in the form body's `Action=` field.
 */
export function identifyAwsRequest(headers: Headers, body: string): AwsRequestIdentity {
  const target = header(headers, 'x-amz-target');
  if (target !== undefined) {
    const dot = target.lastIndexOf('.');
    const action = dot < 0 ? undefined : target.slice(dot + 1);
    const known = TARGET_PREFIXES.find(([prefix]) => target.startsWith(prefix));
    return { service: known?.[1] ?? serviceFromScope(headers) ?? 'other', action };
  }
  const contentType = header(headers, 'content-type') ?? '';
  if (contentType.startsWith('application/x-www-form-urlencoded')) {
    const action = new URLSearchParams(body).get('Action') ?? undefined;
    return { service: serviceFromScope(headers) ?? 'other', action };
  }
  return { service: serviceFromScope(headers) ?? 'other', action: undefined };
}
