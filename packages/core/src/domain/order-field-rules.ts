import { MAX_FRACTION_DIGITS } from './instant';
import { ORDER_LIMITS, ORDER_STATUSES, type Order } from './order';

/**
 * Every rule an order's field must satisfy, as data: what `validateOrder` checks, and what the
 * published contract (JSON Schema, AsyncAPI) is generated from, so the two cannot drift apart.
 */
export type OrderFieldRule =
  | {
      /** A string of 1..maxLength code points, well-formed Unicode, no control characters. */
      readonly kind: 'text';
      readonly maxLength: number;
      /** At least one character that is not white space. */
      readonly requireNonSpace: boolean;
    }
  | { readonly kind: 'integer'; readonly minimum: number; readonly maximum: number }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  | {
      /** An RFC 3339 date-time with an explicit zone, naming a real calendar instant (no leap second). */
      readonly kind: 'instant';
      readonly maxFractionDigits: number;
    };

export const ORDER_FIELD_RULES = {
  orderId: { kind: 'text', maxLength: ORDER_LIMITS.idMaxLength, requireNonSpace: true },
  userId: { kind: 'text', maxLength: ORDER_LIMITS.idMaxLength, requireNonSpace: true },
  itemName: { kind: 'text', maxLength: ORDER_LIMITS.itemNameMaxLength, requireNonSpace: false },
  quantity: { kind: 'integer', minimum: ORDER_LIMITS.quantityMin, maximum: ORDER_LIMITS.quantityMax },
  status: { kind: 'enum', values: ORDER_STATUSES },
  timestamp: { kind: 'instant', maxFractionDigits: MAX_FRACTION_DIGITS },
} as const satisfies { readonly [F in keyof Order]: OrderFieldRule };
