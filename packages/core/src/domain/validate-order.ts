import { parseRfc3339Instant, type Instant } from './instant';
import type { Order, OrderStatus, TimedOrder } from './order';
import { ORDER_FIELD_RULES } from './order-field-rules';
import { isPlainObject, ownField } from './plain-object';
import { codePointLength, hasControlCharacter, isWellFormedUnicode } from './text';
import { problem, type ValidationProblem } from './validation-problem';

export type OrderValidationResult =
  | { readonly ok: true; readonly value: TimedOrder }
  | { readonly ok: false; readonly problems: readonly ValidationProblem[] };

const NON_SPACE = /\S/u;
const STATUS_SET: ReadonlySet<string> = new Set(ORDER_FIELD_RULES.status.values);

interface TextRule {
  readonly maxLength: number;
  readonly requireNonSpace: boolean;
}

function checkText(field: string, value: unknown, rule: TextRule, problems: ValidationProblem[]): value is string {
  if (value === undefined) {
    problems.push(problem(field, 'required', 'is required'));
    return false;
  }
  if (typeof value !== 'string') {
    problems.push(problem(field, 'wrong_type', `must be a string, got ${describeType(value)}`));
    return false;
  }
  const before = problems.length;
  // Cheap upper bound first: a string of N UTF-16 units has at most N code points.
  const length = value.length > rule.maxLength * 2 ? Infinity : codePointLength(value);
  if (length === 0) problems.push(problem(field, 'too_short', 'must not be empty'));
  else if (length > rule.maxLength) {
    problems.push(problem(field, 'too_long', `must be at most ${rule.maxLength} characters`));
  } else if (rule.requireNonSpace && !NON_SPACE.test(value)) {
    problems.push(problem(field, 'blank', 'must contain a non-space character'));
  }
  // Lone surrogates cannot be encoded as UTF-8, so no store could keep them faithfully.
  if (!isWellFormedUnicode(value)) {
    problems.push(problem(field, 'malformed_unicode', 'must be well-formed Unicode (no lone surrogates)'));
  }
  if (hasControlCharacter(value)) {
    problems.push(problem(field, 'control_character', 'must not contain control characters'));
  }
  return problems.length === before;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function checkQuantity(value: unknown, problems: ValidationProblem[]): value is number {
  const field = 'quantity';
  const { minimum: min, maximum: max } = ORDER_FIELD_RULES.quantity;
  if (value === undefined) {
    problems.push(problem(field, 'required', 'is required'));
  } else if (typeof value !== 'number') {
    problems.push(problem(field, 'wrong_type', `must be a JSON number, got ${describeType(value)}`));
  } else if (!Number.isFinite(value)) {
    problems.push(problem(field, 'out_of_range', `must be an integer from ${min} to ${max}`));
  } else if (!Number.isInteger(value)) {
    problems.push(problem(field, 'not_an_integer', 'must be a whole number'));
  } else if (value < min || value > max) {
    problems.push(problem(field, 'out_of_range', `must be an integer from ${min} to ${max}`));
  } else {
    return true;
  }
  return false;
}

function checkStatus(value: unknown, problems: ValidationProblem[]): value is OrderStatus {
  const field = 'status';
  if (value === undefined) problems.push(problem(field, 'required', 'is required'));
  else if (typeof value !== 'string') {
    problems.push(problem(field, 'wrong_type', `must be a string, got ${describeType(value)}`));
  } else if (!STATUS_SET.has(value)) {
    problems.push(problem(field, 'not_allowed', `must be one of ${ORDER_FIELD_RULES.status.values.join(', ')}`));
  } else return true;
  return false;
}

function checkTimestamp(value: unknown, problems: ValidationProblem[]): Instant | undefined {
  const field = 'timestamp';
  if (value === undefined) problems.push(problem(field, 'required', 'is required'));
  else if (typeof value !== 'string') {
    problems.push(problem(field, 'wrong_type', `must be a string, got ${describeType(value)}`));
  } else {
    const parsed = parseRfc3339Instant(value, field);
    if (parsed.ok) return parsed.instant;
    problems.push(parsed.problem);
  }
  return undefined;
}

/**
 * Validates an already-parsed JSON value as an Order. Every problem is reported at once.
 * Unknown fields are ignored and never copied: the result is built field by field.
 */
export function validateOrder(candidate: unknown): OrderValidationResult {
  if (!isPlainObject(candidate)) {
    return {
      ok: false,
      problems: [problem('order', 'not_an_object', `must be a JSON object, got ${describeType(candidate)}`)],
    };
  }
  const problems: ValidationProblem[] = [];
  const orderId = ownField(candidate, 'orderId');
  const userId = ownField(candidate, 'userId');
  const itemName = ownField(candidate, 'itemName');
  const quantity = ownField(candidate, 'quantity');
  const status = ownField(candidate, 'status');
  const okOrderId = checkText('orderId', orderId, ORDER_FIELD_RULES.orderId, problems);
  const okUserId = checkText('userId', userId, ORDER_FIELD_RULES.userId, problems);
  const okItemName = checkText('itemName', itemName, ORDER_FIELD_RULES.itemName, problems);
  const okQuantity = checkQuantity(quantity, problems);
  const okStatus = checkStatus(status, problems);
  const instant = checkTimestamp(ownField(candidate, 'timestamp'), problems);
  if (!okOrderId || !okUserId || !okItemName || !okQuantity || !okStatus || !instant || problems.length > 0) {
    return { ok: false, problems };
  }
  const order: Order = {
    orderId,
    userId,
    itemName,
    quantity,
    status,
    timestamp: ownField(candidate, 'timestamp') as string,
  };
  return { ok: true, value: { order, instant } };
}
