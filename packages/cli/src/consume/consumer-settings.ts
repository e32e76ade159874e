import { type Command, InvalidArgumentError, Option } from 'commander';
import {
  DEFAULT_RETRY_PACING,
  fixedRetryDelay,
  type RetryPacingOptions,
  RETRY_PACING_ENVIRONMENT,
  retryPacingFromEnvironment,
} from '@orders/core';
import { parseInteger } from '../output/parse-integer';

/** The consumer's throughput and retry settings, as `orders consume` takes them. */
export interface ConsumerTuningOptions {
  readonly maxInFlight?: number;
  readonly retryDelay?: number;
  readonly retryBaseDelay?: number;
  readonly retryBackoff?: number;
  readonly retryMaxDelay?: number;
  readonly retryJitter?: number;
}

/** A bad retry setting (an option or ORDERS_RETRY_*): one sentence naming it. */
export class ConsumerSettingError extends Error {
  override readonly name = 'ConsumerSettingError';
  readonly code = 'invalid_consumer_setting';
}

const parseNumber =
  (name: string, min: number, max: number) =>
  (raw: string): number => {
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
      throw new InvalidArgumentError(`${name} must be a number from ${min} to ${max}`);
    }
    return value;
  };

/** Attribute names (commander's `conflicts` takes those) of the options `--retry-delay` replaces. */
const PACING_OPTIONS = ['retryBaseDelay', 'retryBackoff', 'retryMaxDelay', 'retryJitter'];

/**
 * Adds the consumer's in-flight bound and retry pacing options. The pacing defaults to the
 * Lambda's own (the ORDERS_RETRY_* variables, then core's defaults), option by option; `--retry-delay`
 * replaces the backoff with one fixed delay.
 */
export function withConsumerTuningOptions(command: Command): Command {
  const env = RETRY_PACING_ENVIRONMENT;
  const defaults = DEFAULT_RETRY_PACING;
  return command
    .addOption(
      new Option(
        '--max-in-flight <n>',
        'most messages held at once (received, not yet deleted): how far polling runs ahead of processing (at least a batch, 10; default: 3 batches per poller)',
      ).argParser(parseInteger('--max-in-flight', 10, 10_000)),
    )
    .addOption(
      new Option(
        '--retry-delay <seconds>',
        'bring every transient or systemic failure back after this fixed delay instead of the paced backoff (poison still comes back at once)',
      )
        .argParser(parseInteger('--retry-delay', 0, 43_200))
        .conflicts(PACING_OPTIONS),
    )
    .addOption(
      new Option(
        '--retry-base-delay <seconds>',
        `paced retries: delay after the first failed receive (default: ${env.baseDelaySeconds}, else ${defaults.baseDelaySeconds})`,
      ).argParser(parseInteger('--retry-base-delay', 0, 43_200)),
    )
    .addOption(
      new Option(
        '--retry-backoff <factor>',
        `paced retries: each further failed receive multiplies the delay (default: ${env.backoffFactor}, else ${defaults.backoffFactor})`,
      ).argParser(parseNumber('--retry-backoff', 1, 1000)),
    )
    .addOption(
      new Option(
        '--retry-max-delay <seconds>',
        `paced retries: the longest delay (default: ${env.maxDelaySeconds}, else ${defaults.maxDelaySeconds})`,
      ).argParser(parseInteger('--retry-max-delay', 0, 43_200)),
    )
    .addOption(
      new Option(
        '--retry-jitter <ratio>',
        `paced retries: up to this share of a delay is added at random (default: ${env.jitterRatio}, else ${defaults.jitterRatio})`,
      ).argParser(parseNumber('--retry-jitter', 0, 1)),
    );
}

/** The consumer's retry pacing: the options over ORDERS_RETRY_* over the defaults, checked as a whole. */
export function consumerRetryPacing(
  options: ConsumerTuningOptions,
  env: Readonly<Record<string, string | undefined>>,
): RetryPacingOptions {
  if (options.retryDelay !== undefined) return fixedRetryDelay(options.retryDelay);
  const { pacing, problems } = retryPacingFromEnvironment(env, {
    ...(options.retryBaseDelay === undefined ? {} : { baseDelaySeconds: options.retryBaseDelay }),
    ...(options.retryBackoff === undefined ? {} : { backoffFactor: options.retryBackoff }),
    ...(options.retryMaxDelay === undefined ? {} : { maxDelaySeconds: options.retryMaxDelay }),
    ...(options.retryJitter === undefined ? {} : { jitterRatio: options.retryJitter }),
  });
  if (problems.length > 0) {
    throw new ConsumerSettingError(
      `The retry pacing (--retry-* options, ORDERS_RETRY_*) is invalid: ${problems.join('; ')}.`,
    );
  }
  return pacing;
}
