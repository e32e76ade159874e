import { baseUrl, isRealAws } from './http-probe';

/**
 * Deletes every DynamoDB table, SQS queue and SNS topic at an emulator, for emulators without a
 * reset API (LocalStack's community image may lack /_localstack/state/reset). Plain HTTP with an
 * unsigned, placeholder Authorization header: emulators route on its credential scope and do not
 * check signatures, and testkit stays free of the AWS SDK. Refuses real AWS endpoints.
 */
export interface WipeReport {
  readonly tables: number;
  readonly queues: number;
  readonly topics: number;
}

function authorization(service: string, region: string): string {
  return `AWS4-HMAC-SHA256 Credential=test/20250101/${region}/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`;
}

async function callJson(
  endpoint: string,
  region: string,
  service: string,
  target: string,
  body: object,
): Promise<Record<string, unknown>> {
  const response = await fetch(`${baseUrl(endpoint)}/`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.0',
      'X-Amz-Target': target,
      'X-Amz-Date': '20250101T000000Z',
      Authorization: authorization(service, region),
    },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${target} answered ${response.status}: ${text.slice(0, 200)}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

async function callQuery(
  endpoint: string,
  region: string,
  service: string,
  params: Record<string, string>,
): Promise<string> {
  const response = await fetch(`${baseUrl(endpoint)}/`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      'X-Amz-Date': '20250101T000000Z',
      Authorization: authorization(service, region),
    },
    body: new URLSearchParams(params).toString(),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${params['Action']} answered ${response.status}: ${text.slice(0, 200)}`);
  return text;
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

async function wipeTables(endpoint: string, region: string): Promise<number> {
  const names: string[] = [];
  let start: string | undefined;
  do {
    const page = await callJson(
      endpoint,
      region,
      'dynamodb',
      'DynamoDB_20120810.ListTables',
      start ? { ExclusiveStartTableName: start } : {},
    );
    names.push(...strings(page['TableNames']));
    start = typeof page['LastEvaluatedTableName'] === 'string' ? page['LastEvaluatedTableName'] : undefined;
  } while (start);
  for (const name of names)
    await callJson(endpoint, region, 'dynamodb', 'DynamoDB_20120810.DeleteTable', { TableName: name });
  return names.length;
}

async function wipeQueues(endpoint: string, region: string): Promise<number> {
  const urls: string[] = [];
  let token: string | undefined;
  do {
    const page = await callJson(
      endpoint,
      region,
      'sqs',
      'AmazonSQS.ListQueues',
      token ? { NextToken: token, MaxResults: 1000 } : { MaxResults: 1000 },
    );
    urls.push(...strings(page['QueueUrls']));
    token = typeof page['NextToken'] === 'string' ? page['NextToken'] : undefined;
  } while (token);
  for (const url of urls) await callJson(endpoint, region, 'sqs', 'AmazonSQS.DeleteQueue', { QueueUrl: url });
  return urls.length;
}

async function wipeTopics(endpoint: string, region: string): Promise<number> {
  const arns: string[] = [];
  let token: string | undefined;
  do {
    const xml = await callQuery(endpoint, region, 'sns', {
      Action: 'ListTopics',
      Version: '2010-03-31',
      ...(token ? { NextToken: token } : {}),
    });
    arns.push(...[...xml.matchAll(/<TopicArn>([^<]+)<\/TopicArn>/g)].map((match) => decodeXml(match[1] ?? '')));
    token = /<NextToken>([^<]+)<\/NextToken>/.exec(xml)?.[1];
  } while (token);
  // Deleting a topic deletes its subscriptions.
  for (const arn of arns)
    await callQuery(endpoint, region, 'sns', { Action: 'DeleteTopic', Version: '2010-03-31', TopicArn: arn });
  return arns.length;
}

const decodeXml = (text: string): string =>
  text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

export async function wipeAwsResources(endpoint: string, region: string): Promise<WipeReport> {
  if (isRealAws(endpoint))
    throw new Error(`Refusing to delete resources at ${endpoint}: it is AWS itself, not an emulator.`);
  const [tables, queues, topics] = await Promise.all([
    wipeTables(endpoint, region),
    wipeQueues(endpoint, region),
    wipeTopics(endpoint, region),
  ]);
  return { tables, queues, topics };
}
