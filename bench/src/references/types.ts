import type { lambdaContext } from '@orders/lambda-local';
import type { sqsEvent, sqsRecord } from '@orders/testkit';
import type { SqsBatchHandler } from '@orders/lambda-entry';

// The Lambda event types, borrowed (type-only, erased from bundles) from the workspace packages
// that already depend on @types/aws-lambda, so the bench needs no extra dependency.
export type SQSEvent = ReturnType<typeof sqsEvent>;
export type SQSRecord = ReturnType<typeof sqsRecord>;
export type Context = ReturnType<typeof lambdaContext>;
export type SQSBatchResponse = Awaited<ReturnType<SqsBatchHandler>>;

/** What every handler under test looks like from the outside (ours and the references). */
export type BenchHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;

/**
 * The one thing the references need from an SDK client: `send` a command object and await it.
 * A real `DynamoDBClient` / `DynamoDBDocumentClient` fits, and so does the in-memory fake.
 */
export interface CommandSender {
  send(command: { readonly input: object }): Promise<unknown>;
}

/** The conditional-put rule the Powertools-style and floor references share with ours. */
export const NEWER_WINS = 'attribute_not_exists(#orderId) OR #instant < :instant';

/** Condition failures mean "already stored with an equal or newer instant": acknowledged, like ours. */
export const isConditionalCheckFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/** Instant as decimal seconds (what ours stores as `instant`, a DynamoDB number). */
export const instantSeconds = (timestamp: string): number => Date.parse(timestamp) / 1000;
