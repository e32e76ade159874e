/**
 * CDK context keys of the optional consumer service (`-c consumerService=fargate -c
 * consumerImage=URI`). Off unless `consumerService` is set; the other keys are refused without it,
 * so a typo cannot leave someone believing a service was configured.
 */
export const CONSUMER_SERVICE_CONTEXT_KEYS = {
  consumerService: "'fargate' (unset: no service)",
  consumerImage: 'image URI (ECR or any registry the tasks can pull from)',
  consumerMinTasks: 'integer',
  consumerMaxTasks: 'integer',
  consumerCpu: 'integer (Fargate CPU units)',
  consumerMemoryMiB: 'integer',
  lambdaConsumer: "'on' (default) or 'off': whether the function's event source mapping consumes beside the service",
} as const;

export type ConsumerServiceContextKey = keyof typeof CONSUMER_SERVICE_CONTEXT_KEYS;

/**
 * Whether the function's SQS event source mapping stays enabled beside the service. 'on' by
 * default: the service is deployed while the function still consumes (harmless: the ordering
 * rule's conditional write leaves the same item whichever stores it), so a service stack that fails
 * and rolls back leaves the queue consumed. 'off' is for a later deploy, once the service runs.
 */
export type LambdaConsumer = 'on' | 'off';

/** The consumer service's context, read and checked: the service, and what the function keeps. */
export interface ConsumerServiceContext {
  readonly service: ConsumerServiceOptions;
  readonly lambdaConsumer: LambdaConsumer;
}

/** What the context asks of the service; the stack adds the main stack's settings to it. */
export interface ConsumerServiceOptions {
  /** The image to run: `orders consume`, as scripts/containers/build-consumer-image.sh builds it. */
  readonly image: string;
  /** Tasks kept running with an empty queue (0: scale to zero, at the cost of a slower first answer). */
  readonly minTasks: number;
  readonly maxTasks: number;
  /** Fargate CPU units of a task; one Node process uses one vCPU at most. */
  readonly cpu: number;
  readonly memoryMiB: number;
}

export const CONSUMER_SERVICE_DEFAULTS = {
  minTasks: 1,
  maxTasks: 10,
  cpu: 512,
  memoryMiB: 1024,
} as const;

/** Fargate's task sizes: CPU units and the memory (MiB) each allows (Linux, as of 2026). */
const FARGATE_MEMORY: Readonly<Record<number, (memory: number) => boolean>> = {
  256: (m) => [512, 1024, 2048].includes(m),
  512: (m) => m >= 1024 && m <= 4096 && m % 1024 === 0,
  1024: (m) => m >= 2048 && m <= 8192 && m % 1024 === 0,
  2048: (m) => m >= 4096 && m <= 16384 && m % 1024 === 0,
  4096: (m) => m >= 8192 && m <= 30720 && m % 1024 === 0,
};

/** The most tasks the service may run: a guard against a typo, well inside Fargate's per-service limit. */
const MAX_TASKS = 100;

/**
 * Reads and validates the consumer service's context. Undefined when `consumerService` is unset
 * (the default: no service); throws an Error naming the key, the value and the rule otherwise.
 */
export function consumerServiceFromContext(get: (key: string) => unknown): ConsumerServiceContext | undefined {
  const text = (key: ConsumerServiceContextKey): string | undefined => {
    const raw = get(key);
    if (raw === undefined || raw === null || raw === '') return undefined;
    if (typeof raw !== 'string') throw new Error(`Context '${key}' must be a string (got ${JSON.stringify(raw)}).`);
    return raw.trim();
  };
  const integer = (key: ConsumerServiceContextKey, fallback: number): number => {
    const raw = get(key);
    if (raw === undefined || raw === null || raw === '') return fallback;
    const value =
      typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(value)) {
      throw new Error(`Context '${key}' must be a whole number (got ${JSON.stringify(raw)}).`);
    }
    return value;
  };

  const lambdaConsumer = text('lambdaConsumer') ?? 'on';
  if (lambdaConsumer !== 'on' && lambdaConsumer !== 'off') {
    throw new Error(
      `Context 'lambdaConsumer' must be 'on' or 'off' (got '${lambdaConsumer}'); leave it unset for 'on'.`,
    );
  }

  const service = text('consumerService');
  if (service === undefined) {
    if (lambdaConsumer === 'off') {
      throw new Error(
        "Context 'lambdaConsumer=off' would leave OrderQueue with no consumer: it disables the function's " +
          'event source mapping so that the consumer service consumes instead, and the service is off (no ' +
          '-c consumerService=fargate). Drop it; or deploy the service first (-c consumerService=fargate ' +
          '-c consumerImage=URI) and add lambdaConsumer=off in a later deploy, once the service runs.',
      );
    }
    const stray = (Object.keys(CONSUMER_SERVICE_CONTEXT_KEYS) as ConsumerServiceContextKey[]).filter(
      (key) => key !== 'consumerService' && get(key) !== undefined,
    );
    if (stray.length > 0) {
      throw new Error(
        `Context ${stray.map((key) => `'${key}'`).join(', ')} configure(s) the consumer service, which is off: add -c consumerService=fargate, or drop them.`,
      );
    }
    return undefined;
  }
  if (service !== 'fargate') {
    throw new Error(`Context 'consumerService' must be 'fargate' (got '${service}'); leave it unset for no service.`);
  }
  const image = text('consumerImage');
  if (image === undefined) {
    throw new Error(
      "Context 'consumerImage' is required with consumerService=fargate: the URI of the consumer image " +
        '(scripts/containers/build-consumer-image.sh, pushed to a registry the tasks can pull from, e.g. ' +
        '123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders-consumer:1.0.0). Synth never builds it: it needs no Docker.',
    );
  }
  if (!/^[a-z0-9][a-z0-9.-]*(?::\d+)?\/[a-z0-9._/-]+(?::[A-Za-z0-9._-]+|@sha256:[a-f0-9]{64})$/.test(image)) {
    throw new Error(
      `Context 'consumerImage' must be an image URI with a registry and a tag or digest, e.g. ` +
        `123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders-consumer:1.0.0 (got '${image}').`,
    );
  }
  const minTasks = integer('consumerMinTasks', CONSUMER_SERVICE_DEFAULTS.minTasks);
  const maxTasks = integer('consumerMaxTasks', CONSUMER_SERVICE_DEFAULTS.maxTasks);
  if (maxTasks < 1 || maxTasks > MAX_TASKS) {
    throw new Error(`Context 'consumerMaxTasks' must be from 1 to ${MAX_TASKS} (got ${maxTasks}).`);
  }
  if (minTasks > maxTasks) {
    throw new Error(`Context 'consumerMinTasks' (${minTasks}) must not exceed consumerMaxTasks (${maxTasks}).`);
  }
  const cpu = integer('consumerCpu', CONSUMER_SERVICE_DEFAULTS.cpu);
  const memoryMiB = integer(
    'consumerMemoryMiB',
    cpu === CONSUMER_SERVICE_DEFAULTS.cpu ? CONSUMER_SERVICE_DEFAULTS.memoryMiB : cpu * 2,
  );
  const fits = FARGATE_MEMORY[cpu];
  if (fits === undefined) {
    throw new Error(
      `Context 'consumerCpu' must be one of Fargate's ${Object.keys(FARGATE_MEMORY).join(', ')} (got ${cpu}).`,
    );
  }
  if (!fits(memoryMiB)) {
    throw new Error(`Context 'consumerMemoryMiB' ${memoryMiB} is not a Fargate size for ${cpu} CPU units.`);
  }
  return { service: { image, minTasks, maxTasks, cpu, memoryMiB }, lambdaConsumer };
}
