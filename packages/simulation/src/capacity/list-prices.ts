/**
 * List prices, US East (N. Virginia), as published on the AWS pricing pages (read 2026-12; the
 * DynamoDB on-demand price is the one after the 50 % cut of 2024-11-01). Free tiers are left out:
 * the figures are for planning at scale. Every price is a flag of `orders simulate`.
 */
export interface ListPrices {
  /** The date the prices were read, stated with every cost. */
  readonly asOf: string;
  readonly region: string;
  /** "AWS Lambda Pricing": $0.20 per million requests. */
  readonly lambdaPerMillionRequests: number;
  /** "AWS Lambda Pricing": $0.0000166667 per GB-second, x86, first 6 billion GB-s a month. */
  readonly lambdaPerGbSecond: number;
  /** "Amazon SQS pricing": $0.40 per million standard-queue requests (each 64 KB chunk is one). */
  readonly sqsPerMillionRequests: number;
  /** "Amazon SNS pricing": $0.50 per million publishes; deliveries to SQS are free. */
  readonly snsPerMillionPublishes: number;
  /** "Amazon DynamoDB pricing" (on-demand): $0.625 per million write request units. */
  readonly dynamoPerMillionWriteUnits: number;
}

export const LIST_PRICES: ListPrices = {
  asOf: '2026-12',
  region: 'us-east-1',
  lambdaPerMillionRequests: 0.2,
  lambdaPerGbSecond: 0.0000166667,
  sqsPerMillionRequests: 0.4,
  snsPerMillionPublishes: 0.5,
  dynamoPerMillionWriteUnits: 0.625,
};

/** What a run used, in the units AWS bills. */
export interface BilledUsage {
  readonly lambdaRequests: number;
  readonly lambdaGbSeconds: number;
  readonly sqsRequests: number;
  readonly snsPublishes: number;
  readonly dynamoWriteUnits: number;
}

export interface CostBreakdown {
  readonly lambdaRequests: number;
  readonly lambdaDuration: number;
  readonly sqs: number;
  readonly sns: number;
  readonly dynamodb: number;
  readonly total: number;
}

/** Dollars for `usage` at `prices`. */
export function costOf(usage: BilledUsage, prices: ListPrices = LIST_PRICES): CostBreakdown {
  const lambdaRequests = (usage.lambdaRequests / 1e6) * prices.lambdaPerMillionRequests;
  const lambdaDuration = usage.lambdaGbSeconds * prices.lambdaPerGbSecond;
  const sqs = (usage.sqsRequests / 1e6) * prices.sqsPerMillionRequests;
  const sns = (usage.snsPublishes / 1e6) * prices.snsPerMillionPublishes;
  const dynamodb = (usage.dynamoWriteUnits / 1e6) * prices.dynamoPerMillionWriteUnits;
  return {
    lambdaRequests,
    lambdaDuration,
    sqs,
    sns,
    dynamodb,
    total: lambdaRequests + lambdaDuration + sqs + sns + dynamodb,
  };
}
