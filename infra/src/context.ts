import { Duration, type StackProps } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { NO_RESERVED_CONCURRENCY } from './stack/concurrency';
import { LOG_LEVELS, type LogLevel, type OrderProcessingStackProps } from './stack/props';
import { CONSUMER_SERVICE_CONTEXT_KEYS } from './consumer-service/consumer-service-context';
import type { OtlpProtocol, TracingProps } from './stack/tracing';

/**
 * CDK context keys the app reads (`pnpm synth -- -c batchSize=20 -c maxBatchingWindowSeconds=2`,
 * `pnpm run deploy -- -c namePrefix=dev-`). Unset keys keep the stack's defaults.
 */
export const CONTEXT_KEYS = {
  namePrefix: 'string',
  nameSuffix: 'string',
  batchSize: 'integer',
  maxBatchingWindowSeconds: 'integer',
  maxConcurrency: 'integer',
  maxReceiveCount: 'integer',
  functionTimeoutSeconds: 'integer',
  memorySize: 'integer',
  reservedConcurrency: 'integer or none',
  accountConcurrency: 'integer',
  queueRetentionSeconds: 'integer',
  deadLetterQueueRetentionSeconds: 'integer',
  oldestMessageAgeAlarmSeconds: 'integer',
  transientFailureAlarmThreshold: 'integer',
  retryBaseDelaySeconds: 'integer',
  retryBackoffFactor: 'integer',
  retryMaxDelaySeconds: 'integer',
  retryJitterPercent: 'integer',
  logRetentionDays: 'integer',
  logLevel: 'string',
  sourceMaps: 'boolean',
  alarmTopicArn: 'string',
  runbookUrl: 'string',
  functionActiveTracing: 'boolean',
  topicActiveTracing: 'boolean',
  otlpEndpoint: 'string',
  otlpProtocol: 'string',
  otelServiceName: 'string',
  otlpHeadersSecretArn: 'string',
  otlpHeadersSecretField: 'string',
} as const;

export type ContextKey = keyof typeof CONTEXT_KEYS;

/** The stack props that context can set (a KMS key or a bundle directory cannot come from context). */
export type ContextProps = Omit<OrderProcessingStackProps, keyof StackProps | 'topicEncryptionKey' | 'bundleDirectory'>;

/** Reads and validates the context values (`-c` gives strings; cdk.json may give numbers/booleans). */
export function propsFromContext(get: (key: string) => unknown): ContextProps {
  const integer = (key: ContextKey): number | undefined => {
    const raw = get(key);
    if (raw === undefined || raw === null || raw === '') return undefined;
    const value =
      typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(value)) {
      throw new Error(`Context '${key}' must be an integer (got ${JSON.stringify(raw)}).`);
    }
    return value;
  };
  const text = (key: ContextKey): string | undefined => {
    const raw = get(key);
    if (raw === undefined || raw === null) return undefined;
    if (typeof raw !== 'string') throw new Error(`Context '${key}' must be a string (got ${JSON.stringify(raw)}).`);
    return raw;
  };
  const flag = (key: ContextKey): boolean | undefined => {
    const raw = get(key);
    if (raw === undefined || raw === null || raw === '') return undefined;
    if (raw === true || raw === 'true') return true;
    if (raw === false || raw === 'false') return false;
    throw new Error(`Context '${key}' must be true or false (got ${JSON.stringify(raw)}).`);
  };
  const integerOrNone = (key: ContextKey): number | typeof NO_RESERVED_CONCURRENCY | undefined => {
    const raw = get(key);
    if (raw === NO_RESERVED_CONCURRENCY) return NO_RESERVED_CONCURRENCY;
    try {
      return integer(key);
    } catch {
      throw new Error(
        `Context '${key}' must be an integer or '${NO_RESERVED_CONCURRENCY}' (got ${JSON.stringify(raw)}).`,
      );
    }
  };
  const seconds = (key: ContextKey): Duration | undefined => {
    const value = integer(key);
    return value === undefined ? undefined : Duration.seconds(value);
  };

  const logLevel = text('logLevel');
  if (logLevel !== undefined && !(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new Error(`Context 'logLevel' must be one of ${LOG_LEVELS.join(', ')} (got '${logLevel}').`);
  }
  const logRetentionDays = integer('logRetentionDays');
  const retentionValues = Object.values(logs.RetentionDays).filter((v): v is number => typeof v === 'number');
  if (logRetentionDays !== undefined && !retentionValues.includes(logRetentionDays)) {
    throw new Error(
      `Context 'logRetentionDays' must be one of CloudWatch's values ${retentionValues.join(', ')} (got ${logRetentionDays}).`,
    );
  }
  const alarmTopicArn = text('alarmTopicArn');
  if (alarmTopicArn !== undefined && !/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+$/.test(alarmTopicArn)) {
    throw new Error(`Context 'alarmTopicArn' is not an SNS topic ARN (got '${alarmTopicArn}').`);
  }

  return dropUndefined({
    naming: dropUndefined({ prefix: text('namePrefix'), suffix: text('nameSuffix') }),
    batchSize: integer('batchSize'),
    maxBatchingWindow: seconds('maxBatchingWindowSeconds'),
    maxConcurrency: integer('maxConcurrency'),
    maxReceiveCount: integer('maxReceiveCount'),
    functionTimeout: seconds('functionTimeoutSeconds'),
    memorySize: integer('memorySize'),
    reservedConcurrency: integerOrNone('reservedConcurrency'),
    accountConcurrency: integer('accountConcurrency'),
    queueRetention: seconds('queueRetentionSeconds'),
    deadLetterQueueRetention: seconds('deadLetterQueueRetentionSeconds'),
    oldestMessageAgeAlarmThreshold: seconds('oldestMessageAgeAlarmSeconds'),
    transientFailureAlarmThreshold: integer('transientFailureAlarmThreshold'),
    retryPacing: retryPacingFromContext(integer),
    logRetention: logRetentionDays as logs.RetentionDays | undefined,
    logLevel: logLevel as LogLevel | undefined,
    sourceMaps: flag('sourceMaps'),
    alarmTopicArn,
    runbookUrl: text('runbookUrl'),
    tracing: tracingFromContext(text, flag),
  });
}

/**
 * Context from command-line arguments for `tsx src/main.ts -c key=value` (what `pnpm synth -- -c
 * key=value` runs). The cdk CLI passes its own `-c` through CDK_CONTEXT_JSON instead.
 */
export function contextFromArgs(args: readonly string[]): Record<string, string> {
  const context: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    let pair: string | undefined;
    if (arg === '--') {
      continue; // pnpm forwards the separator of `pnpm synth -- -c key=value`
    } else if (arg === '-c' || arg === '--context') {
      pair = args[++i];
    } else if (arg.startsWith('--context=')) {
      pair = arg.slice('--context='.length);
    } else {
      throw new Error(`Unknown argument '${arg}': use -c key=value.`);
    }
    const eq = pair?.indexOf('=') ?? -1;
    if (pair === undefined || eq <= 0) {
      throw new Error(`Expected key=value after ${arg} (got ${JSON.stringify(pair)}).`);
    }
    const key = pair.slice(0, eq);
    if (!Object.hasOwn(CONTEXT_KEYS, key) && !Object.hasOwn(CONSUMER_SERVICE_CONTEXT_KEYS, key)) {
      const known = [...Object.keys(CONTEXT_KEYS), ...Object.keys(CONSUMER_SERVICE_CONTEXT_KEYS)];
      throw new Error(`Unknown context key '${key}'. Known keys: ${known.join(', ')}.`);
    }
    context[key] = pair.slice(eq + 1);
  }
  return context;
}

/** The retry pacing keys, when any is set (jitter as a whole percentage, so context stays integral). */
function retryPacingFromContext(integer: (key: ContextKey) => number | undefined): ContextProps['retryPacing'] {
  const jitterPercent = integer('retryJitterPercent');
  const pacing = dropUndefined({
    baseDelaySeconds: integer('retryBaseDelaySeconds'),
    backoffFactor: integer('retryBackoffFactor'),
    maxDelaySeconds: integer('retryMaxDelaySeconds'),
    jitterRatio: jitterPercent === undefined ? undefined : jitterPercent / 100,
  });
  return Object.keys(pacing).length === 0 ? undefined : pacing;
}

/**
 * The tracing keys, when any is set. The OTLP header values (an API key) never come from context:
 * only the ARN of the Secrets Manager secret that holds them. Their values are checked by the stack.
 */
function tracingFromContext(
  text: (key: ContextKey) => string | undefined,
  flag: (key: ContextKey) => boolean | undefined,
): TracingProps | undefined {
  const endpoint = text('otlpEndpoint');
  const secretArn = text('otlpHeadersSecretArn');
  const jsonField = text('otlpHeadersSecretField');
  const otlpOnly = ['otlpProtocol', 'otelServiceName', 'otlpHeadersSecretArn', 'otlpHeadersSecretField'] as const;
  if (endpoint === undefined) {
    const orphan = otlpOnly.find((key) => text(key) !== undefined);
    if (orphan !== undefined)
      throw new Error(`Context '${orphan}' needs 'otlpEndpoint' (OTLP export is off without it).`);
  }
  if (jsonField !== undefined && secretArn === undefined) {
    throw new Error(`Context 'otlpHeadersSecretField' needs 'otlpHeadersSecretArn' (the secret it is a key of).`);
  }
  const tracing = dropUndefined<TracingProps>({
    functionActiveTracing: flag('functionActiveTracing'),
    topicActiveTracing: flag('topicActiveTracing'),
    otlp:
      endpoint === undefined
        ? undefined
        : dropUndefined({
            endpoint,
            protocol: text('otlpProtocol') as OtlpProtocol | undefined,
            serviceName: text('otelServiceName'),
            headersSecret: secretArn === undefined ? undefined : dropUndefined({ secretArn, jsonField }),
          }),
  });
  return Object.keys(tracing).length === 0 ? undefined : tracing;
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
