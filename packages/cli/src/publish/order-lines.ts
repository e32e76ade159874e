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
  | { readonly ok: false; readonly lineNumber: number; readonly problems: readonly ValidationProblem[] };

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
  if (!validated.ok) return { ok: false, lineNumber, problems: validated.problems };
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

export const describeProblems = (problems: readonly ValidationProblem[]): string =>
  problems.map((p) => `${p.field} ${p.reason} [${p.code}]`).join('; ');
