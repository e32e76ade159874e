import { InvalidArgumentError } from 'commander';
import type { InfrastructureFailureClass, RetryPacingOptions } from '@orders/core';
import {
  DEFAULT_ROUND_TRIPS,
  DYNAMODB_ON_DEMAND_WARM_WCU,
  LIST_PRICES,
  type RoundTrips,
  UNRESERVED_CONCURRENCY_MINIMUM,
} from '@orders/simulation';
import type { SimulationOptions } from './simulation-options';
import type { SimulatedStackSettings } from './stack-settings';

/** `orders simulate`'s flags after parsing: undefined means "the stack's (or the model's) value". */
export interface SimulateFlags {
  readonly rate: number;
  readonly rampTo?: number;
  readonly duration: number;
  readonly backlog: number;
  readonly burst?: { readonly atSeconds: number; readonly messages: number };
  readonly hotKeyShare: number;
  readonly hotKeys: number;
  readonly hotKeyWindow?: { readonly startSeconds: number; readonly durationSeconds: number };
  readonly poisonRate: number;
  readonly duplicateRate: number;
  readonly outage?: { readonly startSeconds: number; readonly durationSeconds: number };
  readonly outageClass: InfrastructureFailureClass;
  readonly throttle?: { readonly startSeconds: number; readonly durationSeconds: number };
  readonly throttleCause: 'account' | 'reserved';
  readonly throttleConcurrencyLeft: number;
  readonly seed: number;
  readonly maxDrain: number;
  readonly warmStart: boolean;
  // the stack's settings
  readonly batchSize?: number;
  readonly maximumConcurrency?: number | 'none';
  readonly reservedConcurrency?: number | 'none';
  readonly functionTimeout?: number;
  readonly memory?: number;
  readonly visibilityTimeout?: number;
  readonly maxReceiveCount?: number;
  readonly retryBaseDelay?: number;
  readonly retryBackoffFactor?: number;
  readonly retryMaxDelay?: number;
  readonly retryJitter?: number;
  readonly useCaseConcurrency?: number;
  // the platform
  readonly accountConcurrency: number;
  readonly otherFunctionsConcurrency: number;
  readonly esmMode: 'standard' | 'provisioned';
  readonly minPollers?: number;
  readonly maxPollers?: number;
  readonly tableWarmWcu: number;
  readonly rttReceive?: number;
  readonly rttDelete?: number;
  readonly rttChangeVisibility?: number;
  readonly rttPut?: number;
  readonly invocationOverhead?: number;
  readonly coldStart?: number;
  readonly throttleBackoff: number;
  // prices
  readonly priceLambdaRequests?: number;
  readonly priceLambdaGbS?: number;
  readonly priceSqs?: number;
  readonly priceSns?: number;
  readonly priceDynamodbWru?: number;
}

/** The defaults: small, so that a plain `orders simulate` finishes in a few seconds. */
export const SIMULATE_DEFAULTS = {
  rate: 50,
  duration: 60,
  backlog: 0,
  hotKeyShare: 0,
  hotKeys: 1,
  poisonRate: 0.001,
  duplicateRate: 0.01,
  outageClass: 'transient' as InfrastructureFailureClass,
  throttleCause: 'account' as const,
  throttleConcurrencyLeft: 0,
  seed: 1,
  maxDrain: 14_400,
  warmStart: false,
  accountConcurrency: 1_000,
  otherFunctionsConcurrency: 0,
  esmMode: 'standard' as const,
  tableWarmWcu: DYNAMODB_ON_DEMAND_WARM_WCU,
  throttleBackoff: 1_000,
};

/** `START:DURATION` or `START:COUNT` in whole numbers, e.g. `600:1800`. */
export function parsePair(name: string, example: string) {
  return (raw: string): { first: number; second: number } => {
    const match = /^(\d{1,9}):(\d{1,9})$/.exec(raw.trim());
    if (!match) throw new InvalidArgumentError(`${name} must be two whole numbers A:B, e.g. ${example}`);
    return { first: Number(match[1]), second: Number(match[2]) };
  };
}

export const parseNumber =
  (name: string, min: number, max: number) =>
  (raw: string): number => {
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value) || value < min || value > max)
      throw new InvalidArgumentError(`${name} must be a number from ${min} to ${max}`);
    return value;
  };

/** An integer, or `none` (the setting left out of the stack). */
export const parseIntegerOrNone =
  (name: string, min: number, max: number) =>
  (raw: string): number | 'none' => {
    if (raw.trim() === 'none') return 'none';
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max)
      throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}, or none`);
    return value;
  };

const orNone = (flag: number | 'none' | undefined, stack: number | undefined): number | undefined =>
  flag === undefined ? stack : flag === 'none' ? undefined : flag;

/**
 * The reserved concurrency the run gets. The stack reserves MaximumConcurrency unless told otherwise
 * (infra/src/stack/concurrency.ts), so when the settings reserve exactly that, `--maximum-concurrency`
 * moves the reservation with it, as `-c maxConcurrency=N` would; `--reserved-concurrency` wins.
 */
function reservedConcurrencyOf(stack: SimulatedStackSettings, flags: SimulateFlags): number | undefined {
  if (flags.reservedConcurrency !== undefined) return orNone(flags.reservedConcurrency, stack.reservedConcurrency);
  const follows = stack.reservedConcurrency !== undefined && stack.reservedConcurrency === stack.maximumConcurrency;
  if (follows && typeof flags.maximumConcurrency === 'number') return flags.maximumConcurrency;
  return stack.reservedConcurrency;
}

/** The stack's settings with every flag given applied over them. */
export function applySettingFlags(stack: SimulatedStackSettings, flags: SimulateFlags): SimulatedStackSettings {
  const retryPacing: RetryPacingOptions = {
    baseDelaySeconds: flags.retryBaseDelay ?? stack.retryPacing.baseDelaySeconds,
    backoffFactor: flags.retryBackoffFactor ?? stack.retryPacing.backoffFactor,
    maxDelaySeconds: flags.retryMaxDelay ?? stack.retryPacing.maxDelaySeconds,
    jitterRatio: flags.retryJitter ?? stack.retryPacing.jitterRatio,
  };
  const functionTimeoutSeconds = flags.functionTimeout ?? stack.functionTimeoutSeconds;
  return {
    batchSize: flags.batchSize ?? stack.batchSize,
    maximumConcurrency: orNone(flags.maximumConcurrency, stack.maximumConcurrency),
    reservedConcurrency: reservedConcurrencyOf(stack, flags),
    functionTimeoutSeconds,
    memoryMb: flags.memory ?? stack.memoryMb,
    // The stack derives the visibility timeout from the function timeout (6 ×); so does an override.
    visibilityTimeoutSeconds:
      flags.visibilityTimeout ??
      (flags.functionTimeout === undefined ? stack.visibilityTimeoutSeconds : 6 * functionTimeoutSeconds),
    maxReceiveCount: flags.maxReceiveCount ?? stack.maxReceiveCount,
    retryPacing,
    useCaseConcurrency: flags.useCaseConcurrency ?? stack.useCaseConcurrency,
  };
}

/** Everything the simulator needs, from the flags and the stack's settings; throws on combinations AWS refuses. */
export function simulationOptionsFrom(stack: SimulatedStackSettings, flags: SimulateFlags): SimulationOptions {
  const settings = applySettingFlags(stack, flags);
  if (flags.esmMode === 'provisioned' && settings.maximumConcurrency !== undefined) {
    throw new InvalidArgumentError(
      `provisioned mode cannot be combined with MaximumConcurrency (the settings have ${settings.maximumConcurrency}); pass --maximum-concurrency none`,
    );
  }
  if (flags.esmMode !== 'provisioned' && (flags.minPollers !== undefined || flags.maxPollers !== undefined)) {
    throw new InvalidArgumentError('--min-pollers and --max-pollers need --esm-mode provisioned');
  }
  const reserved = settings.reservedConcurrency;
  if (reserved !== undefined && reserved > flags.accountConcurrency - UNRESERVED_CONCURRENCY_MINIMUM) {
    throw new InvalidArgumentError(
      `reserved concurrency ${reserved} leaves less than the ${UNRESERVED_CONCURRENCY_MINIMUM} unreserved Lambda requires of --account-concurrency ${flags.accountConcurrency}, so Lambda would refuse it; raise --account-concurrency, or pass --reserved-concurrency none`,
    );
  }
  const roundTrips: RoundTrips = {
    sqsReceiveMs: flags.rttReceive ?? DEFAULT_ROUND_TRIPS.sqsReceiveMs,
    sqsDeleteMs: flags.rttDelete ?? DEFAULT_ROUND_TRIPS.sqsDeleteMs,
    sqsChangeVisibilityMs: flags.rttChangeVisibility ?? DEFAULT_ROUND_TRIPS.sqsChangeVisibilityMs,
    dynamoPutMs: flags.rttPut ?? DEFAULT_ROUND_TRIPS.dynamoPutMs,
    invocationOverheadMs: flags.invocationOverhead ?? DEFAULT_ROUND_TRIPS.invocationOverheadMs,
    coldStartMs: flags.coldStart ?? DEFAULT_ROUND_TRIPS.coldStartMs,
  };
  return {
    settings,
    platform: {
      accountConcurrency: flags.accountConcurrency,
      otherFunctionsConcurrency: flags.otherFunctionsConcurrency,
      scaling:
        flags.esmMode === 'provisioned'
          ? {
              mode: 'provisioned',
              ...(flags.minPollers === undefined ? {} : { minimumPollers: flags.minPollers }),
              ...(flags.maxPollers === undefined ? {} : { maximumPollers: flags.maxPollers }),
            }
          : { mode: 'standard', maximumConcurrency: settings.maximumConcurrency },
      tableWarmWriteUnits: flags.tableWarmWcu,
      roundTrips,
      throttleBackoffMs: flags.throttleBackoff,
    },
    workload: {
      rate: flags.rate,
      rampTo: flags.rampTo,
      durationSeconds: flags.duration,
      backlog: flags.backlog,
      burst: flags.burst,
      hotKeyShare: flags.hotKeyShare,
      hotKeys: flags.hotKeys,
      hotKeyWindow: flags.hotKeyWindow,
      poisonRate: flags.poisonRate,
      duplicateRate: flags.duplicateRate,
    },
    outage: flags.outage ? { ...flags.outage, failureClass: flags.outageClass } : undefined,
    throttle: flags.throttle
      ? { ...flags.throttle, cause: flags.throttleCause, concurrencyLeft: flags.throttleConcurrencyLeft }
      : undefined,
    prices: {
      ...LIST_PRICES,
      lambdaPerMillionRequests: flags.priceLambdaRequests ?? LIST_PRICES.lambdaPerMillionRequests,
      lambdaPerGbSecond: flags.priceLambdaGbS ?? LIST_PRICES.lambdaPerGbSecond,
      sqsPerMillionRequests: flags.priceSqs ?? LIST_PRICES.sqsPerMillionRequests,
      snsPerMillionPublishes: flags.priceSns ?? LIST_PRICES.snsPerMillionPublishes,
      dynamoPerMillionWriteUnits: flags.priceDynamodbWru ?? LIST_PRICES.dynamoPerMillionWriteUnits,
      ...(Object.values({
        a: flags.priceLambdaRequests,
        b: flags.priceLambdaGbS,
        c: flags.priceSqs,
        d: flags.priceSns,
        e: flags.priceDynamodbWru,
      }).some((p) => p !== undefined)
        ? { asOf: `${LIST_PRICES.asOf} (overridden)` }
        : {}),
    },
    warmStart: flags.warmStart,
    seed: flags.seed,
    maxDrainSeconds: flags.maxDrain,
  };
}
