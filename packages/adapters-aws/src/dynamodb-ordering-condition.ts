import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { statusesRankedBelow, TIE_BREAK_FIELDS, type TieBreakField, type TimedOrder } from '@orders/core';
import { INSTANT_ATTRIBUTE, type OrderItem } from './dynamodb-order-item';

/** A ConditionExpression with its placeholders. */
export interface WriteCondition {
  readonly expression: string;
  readonly names: Record<string, string>;
  readonly values: Record<string, AttributeValue>;
}

interface FieldComparison {
  /** "stored < incoming" on this field; undefined when nothing is below (the first status). */
  readonly less: string | undefined;
  /** "stored = incoming" on this field. */
  readonly equal: string;
}

/**
 * One field of the tie-break as DynamoDB compares it. Numbers compare numerically and strings by
 * their UTF-8 bytes, which is core's code-point order; the status compares by lifecycle rank, which
 * a stored string cannot do, so "ranked below" is the set of statuses that lose to the incoming one.
 */
function compareField(field: TieBreakField, event: TimedOrder, condition: WriteCondition): FieldComparison {
  const name = `#${field}`;
  const value = `:${field}`;
  condition.names[name] = field;
  const { order } = event;
  switch (field) {
    case 'status': {
      condition.values[value] = { S: order.status };
      const below = statusesRankedBelow(order.status).map((status, i) => {
        condition.values[`:statusBelow${i}`] = { S: status };
        return `:statusBelow${i}`;
      });
      return { less: below.length === 0 ? undefined : `${name} IN (${below.join(', ')})`, equal: `${name} = ${value}` };
    }
    case 'quantity':
      condition.values[value] = { N: String(order.quantity) };
      return { less: `${name} < ${value}`, equal: `${name} = ${value}` };
    default:
      condition.values[value] = { S: order[field] };
      return { less: `${name} < ${value}`, equal: `${name} = ${value}` };
  }
}

/** A condition's text and its weakest top-level operator: what decides whether it needs parentheses. */
interface Clause {
  readonly text: string;
  readonly top: 'atom' | 'and' | 'or';
}

const atom = (text: string): Clause => ({ text, top: 'atom' });
/** `left AND right`; AND binds tighter than OR, so only an OR operand needs parentheses. */
const and = (left: Clause, right: Clause): Clause => ({
  text: `${left.top === 'or' ? `(${left.text})` : left.text} AND ${right.top === 'or' ? `(${right.text})` : right.text}`,
  top: 'and',
});
/** `a OR b OR …`; never parenthesised: DynamoDB rejects redundant parentheses. */
const or = (...parts: Clause[]): Clause =>
  parts.length === 1 ? (parts[0] as Clause) : { text: parts.map((part) => part.text).join(' OR '), top: 'or' };

/**
 * "The stored item comes before this event under core's total order", as one ConditionExpression, so
 * the whole ordering rule is one conditional PutItem decided atomically by DynamoDB:
 *
 *     attribute_not_exists(#orderId) OR #instant < :instant OR #instant = :instant AND (
 *       <status ranked below> OR #status = :status AND (#quantity < :quantity OR #quantity = :quantity AND (
 *         … #itemName < :itemName OR #itemName = :itemName AND #timestamp < :timestamp)))
 *
 * built from core's TIE_BREAK_FIELDS, so the two cannot drift, with no redundant parentheses (DynamoDB
 * refuses them). An item without `instant` (written before the rule) never satisfies it: the
 * repository classifies such an item itself.
 */
export function storedComesBeforeCondition(event: TimedOrder, instantDecimalSeconds: string): WriteCondition {
  const condition: WriteCondition = {
    expression: '',
    names: { '#orderId': 'orderId', '#instant': INSTANT_ATTRIBUTE },
    values: { ':instant': { N: instantDecimalSeconds } },
  };
  let tieBreak: Clause | undefined;
  for (const field of [...TIE_BREAK_FIELDS].reverse()) {
    const { less, equal } = compareField(field, event, condition);
    const parts: Clause[] = [];
    if (less !== undefined) parts.push(atom(less));
    if (tieBreak !== undefined) parts.push(and(atom(equal), tieBreak));
    tieBreak = or(...parts);
  }
  const whole = or(
    atom('attribute_not_exists(#orderId)'),
    atom('#instant < :instant'),
    and(atom('#instant = :instant'), tieBreak as Clause),
  );
  return { ...condition, expression: whole.text };
}

/**
 * "The legacy item is still the one we read": no instant yet, and the same timestamp. That is all a
 * legacy decision depends on (a legacy item loses every tie, so its other fields cannot change the
 * winner), and it keeps an old-style writer still running during a migration from being overwritten
 * by a decision made against what it has since replaced.
 */
export function legacyUnchangedCondition(read: OrderItem): WriteCondition {
  const names = { '#orderId': 'orderId', '#instant': INSTANT_ATTRIBUTE, '#timestamp': 'timestamp' };
  const base = 'attribute_exists(#orderId) AND attribute_not_exists(#instant)';
  const timestamp = read['timestamp'];
  if (timestamp === undefined) {
    return { expression: `${base} AND attribute_not_exists(#timestamp)`, names, values: {} };
  }
  return { expression: `${base} AND #timestamp = :readTimestamp`, names, values: { ':readTimestamp': timestamp } };
}
