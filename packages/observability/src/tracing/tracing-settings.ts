import {
  booleanValue,
  firstSet,
  isProblem,
  positiveInteger,
  type SettingProblem,
  variableValue,
} from './environment-values';
import { isLambda, type ProcessFacts, readResourceAttributes, type ResourceAttributes } from './resource-setting';
import { readSamplerSetting, type SamplerSetting } from './sampler-setting';
import { ENDPOINT_VARIABLES } from './tracing-request';

/** The OTLP encodings over HTTP this build exports with; `http/protobuf` is the specification's default. */
export const OTLP_PROTOCOLS = ['http/protobuf', 'http/json'] as const;
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];

/** The BatchSpanProcessor's bounds (OTEL_BSP_*): the queue is bounded, so is every export. */
export interface BatchSetting {
  readonly scheduledDelayMillis: number;
  readonly exportTimeoutMillis: number;
  readonly maxQueueSize: number;
  readonly maxExportBatchSize: number;
}

/** Everything the SDK is built from, decided before any SDK code loads. */
export interface TracingSettings {
  readonly protocol: OtlpProtocol;
  /** Where spans are POSTed: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as given, or OTEL_EXPORTER_OTLP_ENDPOINT + `v1/traces`. */
  readonly tracesUrl: string;
  /** One export's bound, retries included (the exporter retries 429/502/503/504 and network errors inside it). */
  readonly exportTimeoutMillis: number;
  readonly batch: BatchSetting;
  readonly sampler: SamplerSetting;
  readonly resource: ResourceAttributes;
  /** SDK self-diagnostics that reach the log, from OTEL_LOG_LEVEL (default warn). */
  readonly diagnostics: DiagnosticsLevel;
}

export type DiagnosticsLevel = 'none' | 'error' | 'warn' | 'info' | 'debug';

export type TracingDecision =
  | { readonly on: true; readonly settings: TracingSettings }
  /** Off. `problem` is set when a setting was refused (the one warn line); otherwise off was asked for or is the default. */
  | { readonly on: false; readonly reason: string; readonly problem?: SettingProblem };

/**
 * The specification's default export timeout is 10 s. In Lambda the flush at the end of every
 * invocation waits for the export, so an unreachable collector would add its whole timeout to every
 * invocation (and eat into the function's timeout): 2 s is ample for a collector in the region or
 * the extension on localhost. Either way OTEL_EXPORTER_OTLP_[TRACES_]TIMEOUT sets it.
 */
export const DEFAULT_EXPORT_TIMEOUT_MS = 10_000;
export const LAMBDA_DEFAULT_EXPORT_TIMEOUT_MS = 2_000;

/** The specification's BatchSpanProcessor defaults (the export timeout aside: see readBatch). */
export const DEFAULT_BATCH: Omit<BatchSetting, 'exportTimeoutMillis'> = Object.freeze({
  scheduledDelayMillis: 5_000,
  maxQueueSize: 2_048,
  maxExportBatchSize: 512,
});

/** Upper bounds that catch a unit mistake (seconds for milliseconds is fine; hours is not). */
const MAX_MILLIS = 600_000;
const MAX_QUEUE = 1_000_000;

/**
 * Whether tracing is on, and with what, from OpenTelemetry's standard variables only: on when
 * OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set and OTEL_SDK_DISABLED is
 * not true. A setting that cannot be used turns tracing off with the problem named — never an
 * exception: tracing must not stop orders from being processed.
 */
export function readTracingSettings(env: NodeJS.ProcessEnv, serviceName: string, facts: ProcessFacts): TracingDecision {
  const endpoint = firstSet(env, ENDPOINT_VARIABLES);
  if (endpoint === undefined) return { on: false, reason: 'no OTLP endpoint is set' };
  const disabled = booleanValue(env, 'OTEL_SDK_DISABLED');
  if (isProblem(disabled)) return refused(disabled);
  if (disabled) return { on: false, reason: 'OTEL_SDK_DISABLED is true' };
  const exporter = readExporter(env);
  if (exporter !== 'otlp')
    return exporter === 'none' ? { on: false, reason: 'OTEL_TRACES_EXPORTER is none' } : refused(exporter);

  const protocol = readProtocol(env);
  if (isProblem(protocol)) return refused(protocol);
  const tracesUrl = readTracesUrl(endpoint);
  if (isProblem(tracesUrl)) return refused(tracesUrl);
  const exportTimeoutMillis = positiveInteger(
    env,
    ['OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', 'OTEL_EXPORTER_OTLP_TIMEOUT'],
    isLambda(env) ? LAMBDA_DEFAULT_EXPORT_TIMEOUT_MS : DEFAULT_EXPORT_TIMEOUT_MS,
    MAX_MILLIS,
  );
  if (isProblem(exportTimeoutMillis)) return refused(exportTimeoutMillis);
  const batch = readBatch(env, exportTimeoutMillis);
  if (isProblem(batch)) return refused(batch);
  const sampler = readSamplerSetting(env);
  if (isProblem(sampler)) return refused(sampler);
  const resource = readResourceAttributes(env, serviceName, facts);
  if (isProblem(resource)) return refused(resource);
  const diagnostics = readDiagnosticsLevel(env);
  if (isProblem(diagnostics)) return refused(diagnostics);
  return {
    on: true,
    settings: { protocol, tracesUrl, exportTimeoutMillis, batch, sampler, resource, diagnostics },
  };
}

function refused(problem: SettingProblem): TracingDecision {
  return { on: false, reason: `${problem.variable} ${problem.reason}`, problem };
}

/** OTEL_TRACES_EXPORTER: `otlp` (the default) or `none`; other exporters are not part of this build. */
function readExporter(env: NodeJS.ProcessEnv): 'otlp' | 'none' | SettingProblem {
  const value = variableValue(env, 'OTEL_TRACES_EXPORTER');
  if (value === undefined || value === 'otlp') return 'otlp';
  if (value === 'none') return 'none';
  return { variable: 'OTEL_TRACES_EXPORTER', value, reason: 'must be otlp or none (no other exporter is built in)' };
}

function readProtocol(env: NodeJS.ProcessEnv): OtlpProtocol | SettingProblem {
  const set = firstSet(env, ['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL']);
  if (set === undefined) return 'http/protobuf';
  if ((OTLP_PROTOCOLS as readonly string[]).includes(set.value)) return set.value as OtlpProtocol;
  // gRPC would add @grpc/grpc-js (larger than the rest of the SDK together) to every deployment;
  // every collector that speaks OTLP/gRPC on 4317 also speaks OTLP/HTTP on 4318.
  const reason =
    set.value === 'grpc'
      ? 'grpc is not supported by this build: use http/protobuf (a collector listens for it on port 4318) or http/json'
      : `must be ${OTLP_PROTOCOLS.join(' or ')}`;
  return { ...set, reason };
}

/**
 * The traces URL. A signal-specific endpoint is used as given; the general one is a base URL that
 * `v1/traces` is appended to (the specification's rule). Only http and https can be exported to.
 */
function readTracesUrl(endpoint: { readonly variable: string; readonly value: string }): string | SettingProblem {
  let url: URL;
  try {
    url = new URL(endpoint.value);
  } catch {
    return { ...endpoint, reason: 'is not a URL (expected e.g. http://localhost:4318)' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ...endpoint, reason: `must be an http or https URL, not ${url.protocol}` };
  }
  if (endpoint.variable === 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') return url.href;
  url.pathname = `${url.pathname.replace(/\/*$/, '')}/v1/traces`;
  return url.href;
}

/**
 * OTEL_BSP_*, except that one export's bound (OTEL_BSP_EXPORT_TIMEOUT) defaults to the exporter's own
 * timeout rather than the specification's 30 s: the exporter gives up by then anyway (its retries
 * included), and a longer timer would only keep a stopping process alive after a collector hung.
 */
function readBatch(env: NodeJS.ProcessEnv, exporterTimeoutMillis: number): BatchSetting | SettingProblem {
  const scheduledDelayMillis = positiveInteger(
    env,
    ['OTEL_BSP_SCHEDULE_DELAY'],
    DEFAULT_BATCH.scheduledDelayMillis,
    MAX_MILLIS,
  );
  if (isProblem(scheduledDelayMillis)) return scheduledDelayMillis;
  const exportTimeoutMillis = positiveInteger(env, ['OTEL_BSP_EXPORT_TIMEOUT'], exporterTimeoutMillis, MAX_MILLIS);
  if (isProblem(exportTimeoutMillis)) return exportTimeoutMillis;
  const maxQueueSize = positiveInteger(env, ['OTEL_BSP_MAX_QUEUE_SIZE'], DEFAULT_BATCH.maxQueueSize, MAX_QUEUE);
  if (isProblem(maxQueueSize)) return maxQueueSize;
  const maxExportBatchSize = positiveInteger(
    env,
    ['OTEL_BSP_MAX_EXPORT_BATCH_SIZE'],
    Math.min(DEFAULT_BATCH.maxExportBatchSize, maxQueueSize),
    MAX_QUEUE,
  );
  if (isProblem(maxExportBatchSize)) return maxExportBatchSize;
  if (maxExportBatchSize > maxQueueSize) {
    return {
      variable: 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE',
      value: String(maxExportBatchSize),
      reason: `must not exceed the queue size (OTEL_BSP_MAX_QUEUE_SIZE, ${maxQueueSize})`,
    };
  }
  return { scheduledDelayMillis, exportTimeoutMillis, maxQueueSize, maxExportBatchSize };
}

const DIAGNOSTICS_LEVELS: Readonly<Record<string, DiagnosticsLevel>> = {
  none: 'none',
  error: 'error',
  warn: 'warn',
  info: 'info',
  debug: 'debug',
  verbose: 'debug',
  all: 'debug',
};

/** OTEL_LOG_LEVEL, the SDK's own logging (export failures are warnings); case-insensitive. */
function readDiagnosticsLevel(env: NodeJS.ProcessEnv): DiagnosticsLevel | SettingProblem {
  const value = variableValue(env, 'OTEL_LOG_LEVEL');
  if (value === undefined) return 'warn';
  const level = DIAGNOSTICS_LEVELS[value.toLowerCase()];
  return (
    level ?? {
      variable: 'OTEL_LOG_LEVEL',
      value,
      reason: `must be one of ${Object.keys(DIAGNOSTICS_LEVELS).join(', ')}`,
    }
  );
}
