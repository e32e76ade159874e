/**
 * Physical names of the stack's resources.
 *
 * The application and the runbooks refer to `Orders`, `OrderTopic`, `OrderQueue`, `OrderDLQ` and
 * `OrderProcessor`, so the stack gives its resources those physical names by default. Physical
 * names are unique per account and region: a second copy of the stack (a developer's sandbox, a
 * staging copy) in the same account/region must use a prefix and/or suffix, e.g. prefix `dev-`
 * gives `dev-Orders`, `dev-OrderTopic`, ... and the stack `dev-OrderProcessing`.
 *
 * Note that CloudFormation cannot replace a resource that has a custom physical name: a change
 * that requires replacement (e.g. another partition key) needs a new name (prefix/suffix).
 */

export interface NamingOptions {
  /** Prepended to every physical name and to the stack name. Letters, digits and `-`. @default '' */
  readonly prefix?: string;
  /** Appended to every physical name and to the stack name. Letters, digits and `-`. @default '' */
  readonly suffix?: string;
}

export interface ResourceNames {
  readonly stack: string;
  readonly table: string;
  readonly topic: string;
  readonly queue: string;
  readonly deadLetterQueue: string;
  /** Where SNS puts notifications it could not deliver to OrderQueue (a broken queue policy or key). */
  readonly subscriptionDeadLetterQueue: string;
  readonly function: string;
  readonly logGroup: string;
}

export const BASE_NAMES = {
  stack: 'OrderProcessing',
  table: 'Orders',
  topic: 'OrderTopic',
  queue: 'OrderQueue',
  deadLetterQueue: 'OrderDLQ',
  subscriptionDeadLetterQueue: 'OrderSubscriptionDLQ',
  function: 'OrderProcessor',
} as const;

/** Characters valid in every name we derive (SQS and Lambda are the strictest, stacks forbid `_`). */
const AFFIX = /^[A-Za-z0-9-]*$/;

/** Length limits of the services (characters). */
const MAX_LENGTH = {
  stack: 128,
  table: 255,
  topic: 256,
  queue: 80,
  deadLetterQueue: 80,
  subscriptionDeadLetterQueue: 80,
  function: 64,
} as const;

export function resourceNames(options: NamingOptions = {}): ResourceNames {
  const prefix = options.prefix ?? '';
  const suffix = options.suffix ?? '';
  for (const [what, value] of [
    ['prefix', prefix],
    ['suffix', suffix],
  ] as const) {
    if (!AFFIX.test(value)) {
      throw new Error(`Name ${what} '${value}' is invalid: use only letters, digits and '-'.`);
    }
  }
  if (prefix !== '' && !/^[A-Za-z]/.test(prefix)) {
    throw new Error(`Name prefix '${prefix}' must start with a letter (CloudFormation stack names do).`);
  }
  const name = (key: keyof typeof BASE_NAMES): string => {
    const full = `${prefix}${BASE_NAMES[key]}${suffix}`;
    if (full.length > MAX_LENGTH[key]) {
      throw new Error(`Name '${full}' is longer than ${MAX_LENGTH[key]} characters: shorten the prefix/suffix.`);
    }
    return full;
  };
  const functionName = name('function');
  return {
    stack: name('stack'),
    table: name('table'),
    topic: name('topic'),
    queue: name('queue'),
    deadLetterQueue: name('deadLetterQueue'),
    subscriptionDeadLetterQueue: name('subscriptionDeadLetterQueue'),
    function: functionName,
    logGroup: `/aws/lambda/${functionName}`,
  };
}
