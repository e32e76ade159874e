/** A JSON object (not an array, not null): what an order or an SNS envelope must be. */
export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads an own property only: `{"__proto__": …}` or a missing key never reaches the prototype chain. */
export const ownField = (record: Record<string, unknown>, key: string): unknown =>
  Object.hasOwn(record, key) ? record[key] : undefined;
