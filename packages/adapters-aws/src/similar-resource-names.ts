import { type DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListTopicsCommand, type SNSClient } from '@aws-sdk/client-sns';
import { ListQueuesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type AwsClientOptions, createDynamoDbClient, createSnsClient, createSqsClient } from './aws-client-config';
import { type AwsResourceType, type MissingResource, ResourceMissingError } from './errors';
import { topicNameFromArn } from './resource-names';
import { queueNameFromUrl } from './sqs-message-queue';

/** Where to look for the names that do exist: clients at hand, or the options to make them. */
export interface SimilarNamesLookup {
  readonly clients?: { readonly dynamodb?: DynamoDBClient; readonly sns?: SNSClient; readonly sqs?: SQSClient };
  readonly clientOptions?: AwsClientOptions;
}

/** Similar names shown for one missing resource, at most. */
const MAX_SIMILAR = 3;
/** Pages read per listing: a few calls at most, however many resources the account holds. */
const MAX_PAGES = 5;

/**
 * The error again, with the names that exist and look like each missing one (`similar`): a typo's
 * intended name, so the sentence can say "but OrderQueue does" instead of "run orders provision",
 * which would create the typo. One bounded listing per resource type (ListTables, ListTopics,
 * ListQueues, a few pages at most). The lookup only adds to the sentence: if it fails, the error is
 * returned as it was. Any other error, or one whose resources were already looked up, is returned
 * unchanged; a RepositoryUnavailableError or the like caused by a ResourceMissingError gives way
 * to the looked-up ResourceMissingError, which says more.
 */
export async function withSimilarNames(error: unknown, lookup: SimilarNamesLookup): Promise<unknown> {
  const missingError = missingResourceErrorIn(error);
  if (missingError === undefined || missingError.missing.every((resource) => resource.similar !== undefined))
    return error;
  const existing = new Map<AwsResourceType, Promise<readonly string[] | undefined>>();
  const namesOf = (type: AwsResourceType): Promise<readonly string[] | undefined> => {
    let names = existing.get(type);
    if (names === undefined) {
      names = existingNames(type, lookup).catch(() => undefined);
      existing.set(type, names);
    }
    return names;
  };
  const missing = await Promise.all(
    missingError.missing.map(async (resource): Promise<MissingResource> => {
      const names = await namesOf(resource.type);
      return names === undefined ? resource : { ...resource, similar: similarNames(resource.name, names) };
    }),
  );
  return new ResourceMissingError(missing, { cause: missingError.cause });
}

/** The ResourceMissingError the error is, or was caused by (a repository wraps it). */
function missingResourceErrorIn(error: unknown): ResourceMissingError | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    if (current instanceof ResourceMissingError) return current;
  }
  return undefined;
}

/** The names of the resources of one type; undefined for a type that cannot be listed by name. */
async function existingNames(
  type: AwsResourceType,
  lookup: SimilarNamesLookup,
): Promise<readonly string[] | undefined> {
  switch (type) {
    case 'DynamoDB table':
      return withClient(lookup.clients?.dynamodb, () => createDynamoDbClient(lookup.clientOptions), tableNames);
    case 'SQS queue':
      return withClient(lookup.clients?.sqs, () => createSqsClient(lookup.clientOptions), queueNames);
    case 'SNS topic':
      return withClient(lookup.clients?.sns, () => createSnsClient(lookup.clientOptions), topicNames);
    default:
      return undefined;
  }
}

/** Uses the client given, or makes one for this listing and closes it after. */
async function withClient<C extends { destroy(): void }, T>(
  given: C | undefined,
  make: () => C,
  use: (client: C) => Promise<T>,
): Promise<T> {
  if (given !== undefined) return use(given);
  const client = make();
  try {
    return await use(client);
  } finally {
    client.destroy();
  }
}

async function tableNames(client: DynamoDBClient): Promise<string[]> {
  const names: string[] = [];
  let start: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await client.send(
      new ListTablesCommand(start === undefined ? {} : { ExclusiveStartTableName: start }),
    );
    names.push(...(result.TableNames ?? []));
    start = result.LastEvaluatedTableName;
    if (start === undefined) break;
  }
  return names;
}

async function topicNames(client: SNSClient): Promise<string[]> {
  const names: string[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await client.send(new ListTopicsCommand(nextToken === undefined ? {} : { NextToken: nextToken }));
    for (const topic of result.Topics ?? [])
      if (topic.TopicArn !== undefined) names.push(topicNameFromArn(topic.TopicArn));
    nextToken = result.NextToken;
    if (nextToken === undefined) break;
  }
  return names;
}

/** One ListQueues: without MaxResults SQS answers with up to 1,000 queues and no further page. */
async function queueNames(client: SQSClient): Promise<string[]> {
  const result = await client.send(new ListQueuesCommand({}));
  return (result.QueueUrls ?? []).map(queueNameFromUrl);
}

/**
 * The existing names close to `name`, closest first (then alphabetically), at most three: within
 * one edit for a name of up to 4 characters, two up to 8, three beyond, letter case aside — what a
 * typo, a dropped letter or a swapped pair leaves, without every name that merely shares a prefix
 * (`Order` is not `OrderDLQ`) or a suffix (`OrderQueue-dev` is not `OrderDLQ-dev`).
 */
export function similarNames(name: string, existing: readonly string[]): string[] {
  const limit = name.length <= 4 ? 1 : name.length <= 8 ? 2 : 3;
  return [...new Set(existing)]
    .filter((candidate) => candidate !== name)
    .map((candidate) => ({ candidate, distance: editDistance(name.toLowerCase(), candidate.toLowerCase()) }))
    .filter(({ distance }) => distance <= limit)
    .sort((a, b) => a.distance - b.distance || (a.candidate < b.candidate ? -1 : a.candidate > b.candidate ? 1 : 0))
    .slice(0, MAX_SIMILAR)
    .map(({ candidate }) => candidate);
}

/** Insertions, deletions, substitutions and swaps of neighbours (optimal string alignment). */
function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => rows[i]?.[j] ?? 0;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      (rows[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}
