import { Duration } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { DEFAULT_RETRY_PACING, deadLetterTimeline, type RetryPacingOptions, retryPacingProblems } from '@orders/core';
import { resolveConcurrency } from './concurrency';
import { METRICS } from './function-metrics';
import { DEFAULTS, LOG_LEVELS, type LogLevel, type OrderProcessingStackProps } from './props';
import { resolveRunbookUrl } from './runbook';
import { resolveTracing, type TracingSettings } from './tracing';

/** SQS's longest visibility timeout (12 h): a paced retry's delay must fit in it with the invocation. */
const SQS_MAX_VISIBILITY_SECONDS = 43_200;
/** SQS's longest message retention (14 days). */
const SQS_MAX_RETENTION_SECONDS = 1_209_600;

/**
 * The props, validated, with every default applied and every derived value computed: what the
 * resources are built from. Durations are whole seconds. Grouped by the part of the stack that
 * reads them.
 */
export interface StackSettings {
  /** How the SQS event source hands OrderQueue's messages to the function. */
  readonly eventSource: {
    readonly batchSize: number;
    readonly maxBatchingWindow: Duration;
    readonly maxConcurrency: number;
  };
  readonly queues: {
    /** Receives before a message moves to OrderDLQ. */
    readonly maxReceiveCount: number;
    /** Lambda's minimum for an SQS event source: 6 x function timeout + batching window. */
    readonly visibilityTimeout: Duration;
    readonly retention: Duration;
    /** Of OrderDLQ and the subscription's dead-letter queue; longer than `retention`. */
    readonly deadLetterRetention: Duration;
  };
  readonly function: {
    readonly timeout: Duration;
    readonly memorySize: number;
    /**
     * Reserved concurrency: maxConcurrency by default, never less; undefined only when opted out
     * (`reservedConcurrency: 'none'`), and then the function shares the account pool.
     */
    readonly reservedConcurrency: number | undefined;
    readonly logLevel: LogLevel;
    readonly logRetention: logs.RetentionDays;
    readonly sourceMaps: boolean;
    readonly bundleDirectory: string | undefined;
  };
  readonly retry: {
    /** The pacing the function gets (core's defaults, overridden by the props). */
    readonly pacing: RetryPacingOptions;
    /**
     * The outage the pacing survives without dead-lettering a valid message: the shortest span of
     * a message's receives. Not always whole (a backoff factor of 1.5 gives halves).
     */
    readonly survivableOutageSeconds: number;
  };
  readonly alarms: {
    readonly oldestMessageAgeThreshold: Duration;
    readonly transientFailureThreshold: number;
    /**
     * Consecutive throttled minutes before OrderProcessor-Throttles fires: 1 with reserved
     * concurrency, else fewer than a throttled message needs to reach its last receive.
     */
    readonly throttleMinutes: number;
    /** (maxReceiveCount − 1) × visibility timeout: when a message throttled on every receive has its last one. */
    readonly throttledLastReceiveSeconds: number;
    /** Notified when an alarm fires or recovers; none when undefined. */
    readonly topicArn: string | undefined;
    /** Each alarm's description links to its section here (`<runbookUrl>#<anchor>`). */
    readonly runbookUrl: string;
  };
  readonly topicEncryptionKey: kms.IKey | undefined;
  readonly tracing: TracingSettings;
}

/**
 * Validates the props and derives what follows from them; throws an Error that names the prop
 * and the rule on the first one that is wrong, before any resource exists. The visibility
 * timeout, the retry pacing's limit and the alarm thresholds are computed from the delivery and
 * function settings, so those come first.
 */
export function resolveStackSettings(props: OrderProcessingStackProps): StackSettings {
  const eventSource = eventSourceSettings(props);
  const maxReceiveCount = integerIn('maxReceiveCount', props.maxReceiveCount ?? DEFAULTS.maxReceiveCount, 1, 1000);
  const size = functionSizeSettings(props);
  const retention = retentionSettings(props);
  const logging = loggingSettings(props);
  // SQS's maximum visibility timeout is 12 h; 6 x 900 + 300 s stays far below it.
  const visibilityTimeout = minimumVisibilityTimeout(size.timeout, eventSource.maxBatchingWindow);
  // Throttling spends receives without the handler (ADR 6): the reservation is checked against
  // the event source's concurrency and the receives a message has.
  const concurrency = resolveConcurrency({
    reservedConcurrency: props.reservedConcurrency,
    accountConcurrency: props.accountConcurrency,
    maxConcurrency: eventSource.maxConcurrency,
    maxReceiveCount,
    visibilityTimeoutSeconds: visibilityTimeout.toSeconds(),
  });
  const retry = retrySettings(props, maxReceiveCount, size.timeout, eventSource.maxBatchingWindow);
  return {
    eventSource,
    queues: { maxReceiveCount, visibilityTimeout, ...retention },
    function: {
      ...size,
      reservedConcurrency: concurrency.reserved,
      ...logging,
      bundleDirectory: props.bundleDirectory,
    },
    retry,
    alarms: {
      ...alarmSettings(props, { maxReceiveCount, visibilityTimeout, queueRetention: retention.retention, retry }),
      throttleMinutes: concurrency.throttleAlarmMinutes,
      throttledLastReceiveSeconds: concurrency.throttledLastReceiveSeconds,
    },
    topicEncryptionKey: props.topicEncryptionKey,
    tracing: resolveTracing(props.tracing, METRICS.service),
  };
}

/** Lambda's rule for SQS event sources: visibility timeout >= 6 x function timeout + batching window. */
export function minimumVisibilityTimeout(functionTimeout: Duration, maxBatchingWindow: Duration): Duration {
  return Duration.seconds(6 * functionTimeout.toSeconds() + maxBatchingWindow.toSeconds());
}

function eventSourceSettings(props: OrderProcessingStackProps): StackSettings['eventSource'] {
  const batchSize = integerIn('batchSize', props.batchSize ?? DEFAULTS.batchSize, 1, 10_000);
  const windowSeconds = wholeSecondsIn(
    'maxBatchingWindow',
    props.maxBatchingWindow ?? DEFAULTS.maxBatchingWindow,
    0,
    300,
  );
  if (batchSize > 10 && windowSeconds < 1) {
    throw new Error(`batchSize ${batchSize} > 10 requires a maxBatchingWindow of at least 1 second (Lambda rule).`);
  }
  const maxConcurrency = integerIn('maxConcurrency', props.maxConcurrency ?? DEFAULTS.maxConcurrency, 2, 1000);
  return { batchSize, maxBatchingWindow: Duration.seconds(windowSeconds), maxConcurrency };
}

function functionSizeSettings(
  props: OrderProcessingStackProps,
): Pick<StackSettings['function'], 'timeout' | 'memorySize'> {
  const timeoutSeconds = wholeSecondsIn('functionTimeout', props.functionTimeout ?? DEFAULTS.functionTimeout, 1, 900);
  const memorySize = integerIn('memorySize', props.memorySize ?? DEFAULTS.memorySize, 128, 10_240);
  return { timeout: Duration.seconds(timeoutSeconds), memorySize };
}

function retentionSettings(
  props: OrderProcessingStackProps,
): Pick<StackSettings['queues'], 'retention' | 'deadLetterRetention'> {
  const retentionSeconds = wholeSecondsIn(
    'queueRetention',
    props.queueRetention ?? DEFAULTS.queueRetention,
    60,
    SQS_MAX_RETENTION_SECONDS,
  );
  const dlqRetentionSeconds = wholeSecondsIn(
    'deadLetterQueueRetention',
    props.deadLetterQueueRetention ?? DEFAULTS.deadLetterQueueRetention,
    60,
    SQS_MAX_RETENTION_SECONDS,
  );
  if (dlqRetentionSeconds <= retentionSeconds) {
    throw new Error(
      `deadLetterQueueRetention (${dlqRetentionSeconds} s) must be longer than queueRetention (${retentionSeconds} s): ` +
        'a standard queue keeps the original enqueue timestamp when it moves a message to the DLQ.',
    );
  }
  return { retention: Duration.seconds(retentionSeconds), deadLetterRetention: Duration.seconds(dlqRetentionSeconds) };
}

function loggingSettings(
  props: OrderProcessingStackProps,
): Pick<StackSettings['function'], 'logLevel' | 'logRetention' | 'sourceMaps'> {
  const logLevel = props.logLevel ?? DEFAULTS.logLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new Error(`logLevel must be one of ${LOG_LEVELS.join(', ')} (got '${String(logLevel)}').`);
  }
  return {
    logLevel,
    logRetention: props.logRetention ?? DEFAULTS.logRetention,
    sourceMaps: props.sourceMaps ?? DEFAULTS.sourceMaps,
  };
}

/** Core's pacing with the props' overrides, checked, and the outage it survives with this many receives. */
function retrySettings(
  props: OrderProcessingStackProps,
  maxReceiveCount: number,
  functionTimeout: Duration,
  maxBatchingWindow: Duration,
): StackSettings['retry'] {
  const pacing: RetryPacingOptions = { ...DEFAULT_RETRY_PACING, ...props.retryPacing };
  const problems = retryPacingProblems(pacing);
  // SQS refuses a visibility timeout reaching past 12 h after the receive; the invocation and its
  // batching window come out of that before the handler sets the delay.
  const longestHold = pacing.maxDelaySeconds + functionTimeout.toSeconds() + maxBatchingWindow.toSeconds();
  if (longestHold > SQS_MAX_VISIBILITY_SECONDS) {
    problems.push(
      `maxDelaySeconds + functionTimeout + maxBatchingWindow must stay within SQS's ${SQS_MAX_VISIBILITY_SECONDS} s, got ${longestHold}`,
    );
  }
  if (problems.length > 0) throw new Error(`retryPacing is invalid: ${problems.join('; ')}.`);
  return { pacing, survivableOutageSeconds: deadLetterTimeline(maxReceiveCount, pacing).survivableOutageSeconds };
}

/**
 * The alarm thresholds. The oldest-message alarm must fire before the pacing lets a valid message
 * reach the DLQ; by default it waits for the smaller of a poison message's longest legitimate life
 * (maxReceiveCount x visibility timeout + 60 s) and half the survivable outage, never under 60 s.
 */
function alarmSettings(
  props: OrderProcessingStackProps,
  derived: {
    readonly maxReceiveCount: number;
    readonly visibilityTimeout: Duration;
    readonly queueRetention: Duration;
    readonly retry: StackSettings['retry'];
  },
): Omit<StackSettings['alarms'], 'throttleMinutes' | 'throttledLastReceiveSeconds'> {
  const survivableSeconds = derived.retry.survivableOutageSeconds;
  const ageThreshold =
    props.oldestMessageAgeAlarmThreshold ??
    Duration.seconds(
      Math.max(
        60,
        Math.min(
          derived.maxReceiveCount * derived.visibilityTimeout.toSeconds() + 60,
          Math.floor(survivableSeconds / 2),
        ),
      ),
    );
  const ageSeconds = wholeSecondsIn(
    'oldestMessageAgeAlarmThreshold',
    ageThreshold,
    60,
    derived.queueRetention.toSeconds(),
  );
  if (derived.maxReceiveCount > 1 && ageSeconds >= survivableSeconds) {
    throw new Error(
      `oldestMessageAgeAlarmThreshold (${ageSeconds} s) must be shorter than the ${survivableSeconds} s outage the retry pacing survives, ` +
        'or a valid message could reach the DLQ before the alarm fires.',
    );
  }
  const transientFailureThreshold = integerIn(
    'transientFailureAlarmThreshold',
    props.transientFailureAlarmThreshold ?? DEFAULTS.transientFailureAlarmThreshold,
    1,
    1_000_000,
  );
  return {
    oldestMessageAgeThreshold: Duration.seconds(ageSeconds),
    transientFailureThreshold,
    topicArn: props.alarmTopicArn,
    runbookUrl: resolveRunbookUrl(props.runbookUrl),
  };
}

function integerIn(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max} (got ${value}).`);
  }
  return value;
}

function wholeSecondsIn(name: string, value: Duration, min: number, max: number): number {
  const seconds = value.toSeconds({ integral: false });
  if (!Number.isInteger(seconds) || seconds < min || seconds > max) {
    throw new Error(`${name} must be a whole number of seconds from ${min} to ${max} (got ${seconds} s).`);
  }
  return seconds;
}
