import { existsSync } from 'node:fs';
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_RETRY_PACING,
  RETRY_PACING_ENVIRONMENT,
  type RetryPacingOptions,
  retryPacingProblems,
} from '@orders/core';
import { loadSynthesizedStack, readFunctionDefinition, readSqsEventSource } from '@orders/lambda-local';

/** The deployment settings that decide capacity: what the stack configures, as the simulator needs it. */
export interface SimulatedStackSettings {
  /** Records per invocation (1–10 here: SQS's receive limit; above 10 needs a batching window, not modelled). */
  readonly batchSize: number;
  /** The event source mapping's ScalingConfig.MaximumConcurrency (undefined: none, up to 1,000). */
  readonly maximumConcurrency: number | undefined;
  /**
   * The function's ReservedConcurrentExecutions (undefined: none, it shares the account pool). The
   * stack reserves MaximumConcurrency by default (ADR 6), so that throttling cannot spend receives.
   */
  readonly reservedConcurrency: number | undefined;
  readonly functionTimeoutSeconds: number;
  readonly memoryMb: number;
  readonly visibilityTimeoutSeconds: number;
  readonly maxReceiveCount: number;
  /** ORDERS_RETRY_* as the function reads them. */
  readonly retryPacing: RetryPacingOptions;
  /** ORDERS_CONCURRENCY: records of one batch the use case stores at once. */
  readonly useCaseConcurrency: number;
}

/**
 * The stack's defaults (infra/src/stack/props.ts `DEFAULTS`, settings.ts for the derived visibility
 * timeout = 6 × function timeout and reserved concurrency = maxConcurrency; a unit test holds the
 * two together): what a deploy without context gives.
 */
export const STACK_DEFAULT_SETTINGS: SimulatedStackSettings = {
  batchSize: 10,
  maximumConcurrency: 10,
  reservedConcurrency: 10,
  functionTimeoutSeconds: 30,
  memoryMb: 512,
  visibilityTimeoutSeconds: 180,
  maxReceiveCount: 3,
  retryPacing: DEFAULT_RETRY_PACING,
  useCaseConcurrency: DEFAULT_CONCURRENCY,
};

/** Where the settings came from, as the report states it. */
export type SettingsSource = { readonly kind: 'template'; readonly path: string } | { readonly kind: 'defaults' };

/** The default cloud assembly, when `pnpm synth` has written one. */
export const DEFAULT_CDK_OUT = 'infra/cdk.out';

/**
 * The settings as the synthesized template deploys them: the function (memory, timeout, reserved
 * concurrency, its ORDERS_* variables), its SQS event source (batch size, MaximumConcurrency) and
 * the queue (visibility timeout, maxReceiveCount).
 */
export function settingsFromTemplate(cdkOut: string): SimulatedStackSettings {
  const stack = loadSynthesizedStack({ cdkOut });
  const fn = readFunctionDefinition(stack, {
    deployment: { region: 'us-east-1', accountId: '000000000000', partition: 'aws' },
  });
  const eventSource = readSqsEventSource(stack, fn);
  const reserved = stack.template.Resources?.[fn.logicalId]?.Properties?.['ReservedConcurrentExecutions'];
  const env = fn.environment;
  const number = (name: string, fallback: number): number => {
    const raw = env[name];
    const value = raw === undefined ? Number.NaN : Number(raw);
    return Number.isFinite(value) ? value : fallback;
  };
  const retryPacing: RetryPacingOptions = {
    baseDelaySeconds: number(RETRY_PACING_ENVIRONMENT.baseDelaySeconds, DEFAULT_RETRY_PACING.baseDelaySeconds),
    backoffFactor: number(RETRY_PACING_ENVIRONMENT.backoffFactor, DEFAULT_RETRY_PACING.backoffFactor),
    maxDelaySeconds: number(RETRY_PACING_ENVIRONMENT.maxDelaySeconds, DEFAULT_RETRY_PACING.maxDelaySeconds),
    jitterRatio: number(RETRY_PACING_ENVIRONMENT.jitterRatio, DEFAULT_RETRY_PACING.jitterRatio),
  };
  const problems = retryPacingProblems(retryPacing);
  if (problems.length > 0)
    throw new RangeError(`${stack.templatePath}: the function's retry pacing: ${problems.join('; ')}`);
  return {
    batchSize: eventSource.batchSize,
    maximumConcurrency: eventSource.maximumConcurrency,
    reservedConcurrency: typeof reserved === 'number' ? reserved : undefined,
    functionTimeoutSeconds: fn.timeoutSeconds,
    memoryMb: fn.memorySizeMb,
    visibilityTimeoutSeconds: eventSource.queue.visibilityTimeoutSeconds,
    maxReceiveCount: eventSource.queue.maxReceiveCount ?? number('ORDERS_MAX_RECEIVE_COUNT', 3),
    retryPacing,
    useCaseConcurrency: number('ORDERS_CONCURRENCY', DEFAULT_CONCURRENCY),
  };
}

/** The template's settings when `cdkOut` holds a cloud assembly, else the stack's defaults. */
export function resolveStackSettings(cdkOut: string | false): {
  settings: SimulatedStackSettings;
  source: SettingsSource;
} {
  if (cdkOut !== false && existsSync(`${cdkOut}/manifest.json`)) {
    return { settings: settingsFromTemplate(cdkOut), source: { kind: 'template', path: cdkOut } };
  }
  return { settings: STACK_DEFAULT_SETTINGS, source: { kind: 'defaults' } };
}
