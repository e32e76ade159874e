import { NEWER_WINS, type CommandSender } from './types';

type Item = Record<string, unknown>;

/**
 * The references' in-memory equivalent of ours' `InMemoryOrderRepository`, for the per-record CPU
 * figure. It stands where the SDK client's `send` would: the command object is still built by the
 * reference (as in production), but nothing is marshalled, signed or sent — exactly what ours skips
 * with ORDERS_REPOSITORY=memory. The store does what ours' in-memory store does per record: one Map
 * lookup, the newer-instant-wins comparison when the put is conditional, one Map set of a copy.
 *
 * It understands what the references send: a `PutCommand` (Document client, native values) or a
 * `PutItemCommand` (attribute values), unconditional or with {@link NEWER_WINS}.
 */
export class InMemoryDynamoDb implements CommandSender {
  readonly items = new Map<string, Item>();
  puts = 0;

  async send(command: { readonly input: object }): Promise<unknown> {
    const input = command.input as { Item?: Item; ConditionExpression?: string; ExpressionAttributeValues?: Item };
    const item = input.Item;
    if (item === undefined) throw new TypeError('the in-memory DynamoDB only implements puts');
    const key = scalar(item['orderId']);
    if (typeof key !== 'string') throw validationError('orderId must be a string');
    const stored = this.items.get(key);
    if (input.ConditionExpression !== undefined) {
      if (input.ConditionExpression !== NEWER_WINS)
        throw validationError(`unsupported condition: ${input.ConditionExpression}`);
      const incoming = Number(scalar(input.ExpressionAttributeValues?.[':instant']));
      const existing = stored === undefined ? undefined : scalar(stored['instant']);
      if (existing !== undefined && !(Number(existing) < incoming)) {
        throw Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });
      }
    }
    this.items.set(key, { ...item });
    this.puts++;
    return {};
  }

  /** A stored item with attribute values unwrapped, for assertions. */
  get(orderId: string): Item | undefined {
    const item = this.items.get(orderId);
    return item === undefined ? undefined : Object.fromEntries(Object.entries(item).map(([k, v]) => [k, scalar(v)]));
  }
}

/** `{S: 'x'}` → 'x', `{N: '1'}` → '1'; a native value stays as it is. */
function scalar(value: unknown): unknown {
  if (typeof value === 'object' && value !== null) {
    const attribute = value as { S?: unknown; N?: unknown };
    if (attribute.S !== undefined) return attribute.S;
    if (attribute.N !== undefined) return attribute.N;
  }
  return value;
}

const validationError = (message: string): Error => Object.assign(new Error(message), { name: 'ValidationException' });
