import { type SettingProblem, variableValue } from './environment-values';

/** The samplers OTEL_TRACES_SAMPLER names that the SDK provides (the specification's built-in ones). */
export const SAMPLER_NAMES = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
export type SamplerName = (typeof SAMPLER_NAMES)[number];

export interface SamplerSetting {
  readonly name: SamplerName;
  /** The sampled share of root traces, for the two ratio samplers (OTEL_TRACES_SAMPLER_ARG, default 1). */
  readonly ratio: number;
}

/**
 * The sampler OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG ask for; `parentbased_always_on` when
 * unset, as the specification says. A parent-based sampler follows the producer's decision (the
 * `sampled` flag in the message's traceparent), so a trace is kept or dropped as a whole.
 */
export function readSamplerSetting(env: NodeJS.ProcessEnv): SamplerSetting | SettingProblem {
  const name = variableValue(env, 'OTEL_TRACES_SAMPLER') ?? 'parentbased_always_on';
  if (!(SAMPLER_NAMES as readonly string[]).includes(name)) {
    return { variable: 'OTEL_TRACES_SAMPLER', value: name, reason: `must be one of ${SAMPLER_NAMES.join(', ')}` };
  }
  const sampler = name as SamplerName;
  if (!sampler.endsWith('traceidratio')) return { name: sampler, ratio: 1 };
  const arg = variableValue(env, 'OTEL_TRACES_SAMPLER_ARG');
  if (arg === undefined) return { name: sampler, ratio: 1 };
  const ratio = /^(0(\.\d+)?|1(\.0+)?|\.\d+)$/.test(arg) ? Number(arg) : Number.NaN;
  if (Number.isNaN(ratio)) {
    return {
      variable: 'OTEL_TRACES_SAMPLER_ARG',
      value: arg,
      reason: `must be a ratio from 0 to 1 for the ${sampler} sampler`,
    };
  }
  return { name: sampler, ratio };
}
