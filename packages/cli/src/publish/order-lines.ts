import { validateOrder, type ValidationProblem } from '@orders/core';

/** One line of an orders file, checked: what to publish, or why not. */
export type CheckedLine =
  | {
      readonly ok: true;
      readonly lineNumber: number;
      readonly body: string;
      readonly orderId: string;
      readonly status: string;
    }
  | {
      readonly ok: false;
      readonly lineNumber: number;
      readonly problems: readonly ValidationProblem[];
      /**
       * The line as JSON, for the order's schema to say what it makes of it (then dropped: it is
       * the payload, and nothing reports it); absent when the line is not JSON.
       */
      readonly parsed?: { readonly value: unknown };
    };

/**
 * Checks one JSON Lines entry against the Order rules. The line itself is what gets published
 * (not a re-serialisation), so fields other subscribers care about pass through untouched.
 */
export function checkOrderLine(text: string, lineNumber: number): CheckedLine {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, lineNumber, problems: [{ field: 'line', code: 'not_json', reason: 'is not valid JSON' }] };
  }
  const validated = validateOrder(parsed);
  if (!validated.ok) return { ok: false, lineNumber, problems: validated.problems, parsed: { value: parsed } };
  const { orderId, status } = validated.value.order;
  return { ok: true, lineNumber, body: text, orderId, status };
}

/** Best-effort attributes for a line published unchecked: whatever is readable. */
export function readableAttributes(text: string): { orderId?: string; status?: string } {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return {};
    const { orderId, status } = parsed as Record<string, unknown>;
    return {
      ...(typeof orderId === 'string' && orderId.length > 0 && orderId.length <= 256 ? { orderId } : {}),
      ...(typeof status === 'string' && status.length > 0 && status.length <= 256 ? { status } : {}),
    };
  } catch {
    return {};
  }
}
