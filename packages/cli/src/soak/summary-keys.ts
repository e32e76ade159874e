/**
 * The soak summary's one key style: snake_case, nested objects included. Most keys are written
 * that way where the summary is built; these convert the keys that come from elsewhere as data
 * (poison kind labels, fault kinds, resource names).
 */

/** `orderId as a number` → `order_id_as_a_number`, `drop-answer` → `drop_answer`, `__proto__ key` → `proto_key`. */
export function snakeCaseKey(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** The same entries, in the same order, under snake_case keys. Two keys that would become one are a bug. */
export function snakeCaseKeys<V>(record: Readonly<Record<string, V>>): Record<string, V> {
  const converted: Record<string, V> = {};
  for (const [key, value] of Object.entries(record)) {
    const snake = snakeCaseKey(key);
    if (Object.hasOwn(converted, snake)) {
      throw new Error(`soak bug: the summary keys '${key}' and another one both become '${snake}'`);
    }
    converted[snake] = value;
  }
  return converted;
}
