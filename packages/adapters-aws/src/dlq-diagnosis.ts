import { decodeOrderMessage, type Delivery, type ValidationProblem } from '@orders/core';

/** Why a dead-lettered message is there, as far as its body can tell. */
export interface DlqDiagnosis {
  /** True when the body decodes to a valid order: the failure was not the message's fault. */
  readonly valid: boolean;
  readonly orderId?: string;
  /** How the order was wrapped, when it decoded. */
  readonly delivery?: Delivery;
  /** Every validation problem (empty when valid). Codes are stable; reasons never echo values. */
  readonly problems: readonly ValidationProblem[];
  /** One sentence for an operator. */
  readonly reason: string;
}

export const VALID_MESSAGE_REASON =
  'The message is a valid order, so it most likely failed for an infrastructure reason (storage or a timeout) and can be redriven.';

/**
 * Decodes a DLQ body with the same decoder the consumer uses. A message that decodes cleanly was
 * dead-lettered by retries that ran out (e.g. the table was unavailable): redriving it is safe.
 * One that does not will fail again: the problems say why.
 */
export function diagnoseDlqBody(body: string): DlqDiagnosis {
  const decoded = decodeOrderMessage(body);
  if (decoded.ok) {
    return {
      valid: true,
      orderId: decoded.value.order.orderId,
      delivery: decoded.delivery,
      problems: [],
      reason: VALID_MESSAGE_REASON,
    };
  }
  const details = decoded.problems.map((p) => `${p.field} ${p.reason} (${p.code})`).join('; ');
  return {
    valid: false,
    ...(decoded.orderId === undefined ? {} : { orderId: decoded.orderId }),
    problems: decoded.problems,
    reason: `Invalid message: ${details}.`,
  };
}
