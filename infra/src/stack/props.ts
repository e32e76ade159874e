import { Duration, type StackProps } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { RetryPacingOptions } from '@orders/core';
import type { NamingOptions } from '../naming';
import type { TracingProps } from './tracing';

export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Everything that varies between deployments is a synth-time prop (fed from CDK context by
 * `app.ts`), not a CloudFormation Parameter: the values are validated in code before any template
 * exists, and derived values (the queue visibility timeout, the default age alarm threshold) are
 * computed from them and can be asserted in tests. A Parameter would only be known at deploy time,
 * where the "visibility timeout >= 6 x function timeout + batching window" rule could not be enforced.
 */
export interface OrderProcessingStackProps extends StackProps {
  /** Prefix/suffix for every physical name (a second copy in one account needs one). @default none */
  readonly naming?: NamingOptions;
  /** SQS event source batch size, 1..10000 (more than 10 requires a batching window >= 1 s). @default 10 */
  readonly batchSize?: number;
  /** SQS event source maximum batching window, 0..300 s, whole seconds. @default 0 s */
  readonly maxBatchingWindow?: Duration;
  /**
   * Maximum concurrent invocations the SQS event source starts (2..1000). This, not reserved
   * concurrency, is what limits the consumer: it throttles polling instead of throttling
   * invocations (which would return messages to the queue and burn receive counts). The reserved
   * concurrency follows it by default, so raising it raises both.
   * @default 10
   */
  readonly maxConcurrency?: number;
  /** Receives before a message moves to OrderDLQ, 1..1000. @default 3 */
  readonly maxReceiveCount?: number;
  /** Function timeout, 1..900 s, whole seconds. @default 30 s */
  readonly functionTimeout?: Duration;
  /** Function memory in MB, 128..10240. @default 512 */
  readonly memorySize?: number;
  /**
   * Reserved concurrency of the function, at least maxConcurrency (synth refuses less) and at most
   * accountConcurrency − 100 (Lambda keeps 100 unreserved). Reserving carves the function's share
   * out of the account pool, so other functions cannot throttle it, and the event source never
   * invokes more than maxConcurrency, so it never exceeds its own: throttling cannot spend the
   * receives of valid messages (ADR 6). It takes that much capacity from the account's other
   * functions and caps this one at it.
   *
   * `'none'` opts out, for accounts that cannot reserve (a new account's reduced quota): synth then
   * warns, and the Throttles alarm fires after a few throttled minutes, before a message throttled on
   * every receive reaches its last one ((maxReceiveCount − 1) × visibility timeout: 6 min by default).
   * @default maxConcurrency
   */
  readonly reservedConcurrency?: number | 'none';
  /**
   * The account's concurrent executions quota in the Region deployed to: synth checks that the
   * reservation leaves Lambda's 100 unreserved. Pass the raised quota when you raise maxConcurrency
   * beyond 900.
   * @default 1000 (Lambda's default quota)
   */
  readonly accountConcurrency?: number;
  /** How long OrderQueue keeps a message. @default 4 days */
  readonly queueRetention?: Duration;
  /**
   * How long OrderDLQ keeps a message; must be longer than queueRetention (a standard queue keeps
   * the original enqueue timestamp when a message moves to its DLQ).
   * @default 14 days (the SQS maximum)
   */
  readonly deadLetterQueueRetention?: Duration;
  /**
   * How the function paces the retries of failed records (passed as ORDERS_RETRY_* variables):
   * poison comes back at once, other failures back off by receive count. Any option left out keeps
   * core's default (1 min, then ×60, capped, +20 % jitter).
   */
  readonly retryPacing?: Partial<RetryPacingOptions>;
  /**
   * Alarm when the oldest message in OrderQueue is at least this old. Must be shorter than the
   * outage the retry pacing survives (the shortest span of a message's receives), so it fires
   * before a valid message can reach the DLQ.
   * @default the smaller of maxReceiveCount x visibility timeout + 60 s (600 s: a poison message's
   *   longest legitimate life) and half the survivable outage.
   */
  readonly oldestMessageAgeAlarmThreshold?: Duration;
  /**
   * Alarm when at least this many records fail for a transient reason within 5 minutes (a
   * throttling spike or a flaky dependency; systemic failures alarm on the first one).
   * @default 25
   */
  readonly transientFailureAlarmThreshold?: number;
  /** Retention of the function's log group. @default one month */
  readonly logRetention?: logs.RetentionDays;
  /** Application log level (Lambda advanced logging controls + LOG_LEVEL). @default 'INFO' */
  readonly logLevel?: LogLevel;
  /**
   * Ship `index.mjs.map` in the asset and set NODE_OPTIONS=--enable-source-maps. Off by default:
   * with the flag, Node loads and parses the map (about 6x the size of the bundle) at cold start
   * and maps every Error.stack it builds, which slows start-up and error paths on every invocation;
   * without the flag the map would be dead weight in the package. Our errors are structured (name,
   * stable code, cause), and a minified position `index.mjs:1:N` can be resolved offline with the
   * map of the same build. Turn it on temporarily when you need readable stack traces in the logs.
   * @default false
   */
  readonly sourceMaps?: boolean;
  /** Directory holding the bundle `pnpm build` produced. @default packages/lambda-entry/dist */
  readonly bundleDirectory?: string;
  /**
   * ARN of an existing SNS topic notified when an alarm fires or recovers. CloudWatch can only
   * publish to it if it is unencrypted or encrypted with a customer-managed key whose policy admits
   * cloudwatch.amazonaws.com: not with alias/aws/sns.
   * @default none (the alarms are visible in the console, nobody is notified)
   */
  readonly alarmTopicArn?: string;
  /**
   * Where the runbook is: each alarm's description ends with a link to its section
   * (`<runbookUrl>#<anchor>`), e.g. the runbook's URL in the repository's web view.
   * @default 'docs/runbook.md' (the path in this repository)
   */
  readonly runbookUrl?: string;
  /**
   * X-Ray active tracing (function, topic) and OTLP export settings for the function.
   * @default all off: no TracingConfig, no OTEL_* variables
   */
  readonly tracing?: TracingProps;
  /**
   * Key that encrypts OrderTopic. @default the AWS managed key alias/aws/sns (see `stack/topic.ts`
   * for when a customer-managed key is needed instead).
   */
  readonly topicEncryptionKey?: kms.IKey;
}

/** The value each prop left out takes: the `@default`s above, as code. */
export const DEFAULTS = {
  batchSize: 10,
  maxBatchingWindow: Duration.seconds(0),
  maxConcurrency: 10,
  maxReceiveCount: 3,
  functionTimeout: Duration.seconds(30),
  memorySize: 512,
  queueRetention: Duration.days(4),
  deadLetterQueueRetention: Duration.days(14),
  logRetention: logs.RetentionDays.ONE_MONTH,
  logLevel: 'INFO' as LogLevel,
  sourceMaps: false,
  transientFailureAlarmThreshold: 25,
} as const;
