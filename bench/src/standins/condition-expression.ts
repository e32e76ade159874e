/**
 * A DynamoDB condition-expression evaluator, small on purpose: comparisons (= <> < <= > >=),
 * `IN (…)`, attribute_exists / attribute_not_exists, AND / OR / NOT and parentheses, over top-level
 * attributes named directly or through `#placeholders`, against `:values`. That covers every
 * condition the handlers under test send; anything else is a ValidationException, never a guess.
 */

import { compareCodePoints } from '@orders/core';

export type AttributeValue = { readonly S?: string; readonly N?: string; readonly BOOL?: boolean } & Record<
  string,
  unknown
>;
export type Item = Readonly<Record<string, AttributeValue>>;

export interface ExpressionContext {
  readonly names?: Readonly<Record<string, string>>;
  readonly values?: Readonly<Record<string, AttributeValue>>;
}

type Operand = { readonly kind: 'path'; readonly name: string } | { readonly kind: 'value'; readonly name: string };
type Comparator = '=' | '<>' | '<' | '<=' | '>' | '>=';
export type Condition =
  | { readonly kind: 'or' | 'and'; readonly left: Condition; readonly right: Condition }
  | { readonly kind: 'not'; readonly operand: Condition }
  | { readonly kind: 'exists' | 'not_exists'; readonly path: Operand }
  | { readonly kind: 'compare'; readonly op: Comparator; readonly left: Operand; readonly right: Operand }
  | { readonly kind: 'in'; readonly left: Operand; readonly candidates: readonly Operand[] };

export class ExpressionError extends Error {
  override readonly name = 'ValidationException';
}

const TOKEN = /\s*(<=|>=|<>|[=<>(),]|[#:]?[A-Za-z_][A-Za-z0-9_]*)/y;

function tokenize(expression: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < expression.length) {
    if (/^\s*$/.test(expression.slice(TOKEN.lastIndex))) break;
    const match = TOKEN.exec(expression);
    if (!match) throw new ExpressionError(`Invalid ConditionExpression near "${expression.slice(TOKEN.lastIndex)}"`);
    tokens.push(match[1] as string);
  }
  return tokens;
}

/** Parses once; callers cache the tree by expression text. */
export function parseCondition(expression: string): Condition {
  const tokens = tokenize(expression);
  let position = 0;
  const peek = (): string | undefined => tokens[position];
  const take = (expected?: string): string => {
    const token = tokens[position++];
    if (token === undefined || (expected !== undefined && token.toUpperCase() !== expected)) {
      throw new ExpressionError(`Invalid ConditionExpression: expected ${expected ?? 'a token'} in "${expression}"`);
    }
    return token;
  };
  const operand = (): Operand => {
    const token = take();
    if (token.startsWith(':')) return { kind: 'value', name: token };
    if (/^#?[A-Za-z_]/.test(token)) return { kind: 'path', name: token };
    throw new ExpressionError(`Invalid operand "${token}" in "${expression}"`);
  };
  const primary = (): Condition => {
    const token = peek();
    if (token === '(') {
      take('(');
      const inner = or();
      take(')');
      return inner;
    }
    if (token?.toUpperCase() === 'NOT') {
      take('NOT');
      return { kind: 'not', operand: primary() };
    }
    if (token === 'attribute_exists' || token === 'attribute_not_exists') {
      take();
      take('(');
      const path = operand();
      take(')');
      return { kind: token === 'attribute_exists' ? 'exists' : 'not_exists', path };
    }
    const left = operand();
    const op = take();
    if (op.toUpperCase() === 'IN') {
      take('(');
      const candidates = [operand()];
      while (peek() === ',') {
        take(',');
        candidates.push(operand());
      }
      take(')');
      return { kind: 'in', left, candidates };
    }
    if (!['=', '<>', '<', '<=', '>', '>='].includes(op))
      throw new ExpressionError(`Unsupported operator "${op}" in "${expression}"`);
    return { kind: 'compare', op: op as Comparator, left, right: operand() };
  };
  const and = (): Condition => {
    let left = primary();
    while (peek()?.toUpperCase() === 'AND') {
      take('AND');
      left = { kind: 'and', left, right: primary() };
    }
    return left;
  };
  const or = (): Condition => {
    let left = and();
    while (peek()?.toUpperCase() === 'OR') {
      take('OR');
      left = { kind: 'or', left, right: and() };
    }
    return left;
  };
  const tree = or();
  if (position !== tokens.length) throw new ExpressionError(`Unexpected "${tokens[position]}" in "${expression}"`);
  return tree;
}

function resolve(operand: Operand, item: Item | undefined, context: ExpressionContext): AttributeValue | undefined {
  if (operand.kind === 'value') {
    const value = context.values?.[operand.name];
    if (value === undefined) throw new ExpressionError(`An expression attribute value is not defined: ${operand.name}`);
    return value;
  }
  let name = operand.name;
  if (name.startsWith('#')) {
    const mapped = context.names?.[name];
    if (mapped === undefined) throw new ExpressionError(`An expression attribute name is not defined: ${name}`);
    name = mapped;
  }
  return item?.[name];
}

function compare(op: Comparator, left: AttributeValue | undefined, right: AttributeValue | undefined): boolean {
  if (left === undefined || right === undefined) return false;
  let order: number;
  if (left.N !== undefined && right.N !== undefined) {
    order = compareDecimals(left.N, right.N);
  } else if (left.S !== undefined && right.S !== undefined) {
    // DynamoDB compares strings by their UTF-8 bytes, i.e. by code point (not by UTF-16 unit).
    order = Math.sign(compareCodePoints(left.S, right.S));
  } else if (left.BOOL !== undefined && right.BOOL !== undefined && (op === '=' || op === '<>')) {
    order = left.BOOL === right.BOOL ? 0 : 1;
  } else {
    return op === '<>';
  }
  switch (op) {
    case '=':
      return order === 0;
    case '<>':
      return order !== 0;
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
  }
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/**
 * Exact comparison of two DynamoDB numbers (decimal text, up to 38 digits): a JavaScript number
 * would round `1746274200.000000001` to `1746274200` and call them equal.
 */
export function compareDecimals(a: string, b: string): number {
  const [x, y] = [DECIMAL.exec(a.trim()), DECIMAL.exec(b.trim())];
  if (!x || !y) {
    const [p, q] = [Number(a), Number(b)];
    return p < q ? -1 : p > q ? 1 : 0;
  }
  const scale = Math.max((x[3] ?? '').length, (y[3] ?? '').length);
  const scaled = (m: RegExpExecArray): bigint => BigInt(`${m[1]}${m[2]}${(m[3] ?? '').padEnd(scale, '0')}`);
  const [p, q] = [scaled(x), scaled(y)];
  return p < q ? -1 : p > q ? 1 : 0;
}

export function evaluateCondition(condition: Condition, item: Item | undefined, context: ExpressionContext): boolean {
  switch (condition.kind) {
    case 'or':
      return evaluateCondition(condition.left, item, context) || evaluateCondition(condition.right, item, context);
    case 'and':
      return evaluateCondition(condition.left, item, context) && evaluateCondition(condition.right, item, context);
    case 'not':
      return !evaluateCondition(condition.operand, item, context);
    case 'exists':
      return resolve(condition.path, item, context) !== undefined;
    case 'not_exists':
      return resolve(condition.path, item, context) === undefined;
    case 'compare':
      return compare(condition.op, resolve(condition.left, item, context), resolve(condition.right, item, context));
    case 'in': {
      const left = resolve(condition.left, item, context);
      return condition.candidates.some((candidate) => compare('=', left, resolve(candidate, item, context)));
    }
  }
}
