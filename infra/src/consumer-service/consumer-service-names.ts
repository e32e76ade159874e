import { type NamingOptions, resourceNames } from '../naming';

/** The consumer service's names without a prefix or suffix: what its alarms' runbook sections are called after. */
export const CONSUMER_BASE_NAMES = {
  stack: 'OrderConsumerService',
  /** The cluster, the service, the task family and the alarms' prefix. */
  service: 'OrderConsumer',
} as const;

export interface ConsumerServiceNames {
  readonly stack: string;
  readonly service: string;
  readonly logGroup: string;
}

/**
 * The consumer service's physical names, with the main stack's prefix and suffix (validated by
 * `resourceNames`, which throws on a bad affix), so that a `dev-` copy of the system gets a `dev-`
 * service consuming its own `dev-OrderQueue`.
 */
export function consumerServiceNames(naming: NamingOptions = {}): ConsumerServiceNames {
  resourceNames(naming);
  const name = (base: string): string => `${naming.prefix ?? ''}${base}${naming.suffix ?? ''}`;
  const service = name(CONSUMER_BASE_NAMES.service);
  // ECS cluster and service names: letters, digits, '-' and '_', at most 255 characters.
  if (service.length > 255)
    throw new Error(`Name '${service}' is longer than 255 characters: shorten the prefix/suffix.`);
  return { stack: name(CONSUMER_BASE_NAMES.stack), service, logGroup: `/ecs/${service}` };
}
