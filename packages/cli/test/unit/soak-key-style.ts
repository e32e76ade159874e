/** snake_case: lower-case words of letters and digits joined by single underscores. */
const SNAKE_CASE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

/** The path of every key, at any depth (arrays included), that is not snake_case. Empty when all are. */
export function keysNotInSnakeCase(value: unknown, path = '$'): string[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => keysNotInSnakeCase(item, `${path}[${index}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) => [
    ...(SNAKE_CASE.test(key) ? [] : [`${path}.${key}`]),
    ...keysNotInSnakeCase(child, `${path}.${key}`),
  ]);
}
