import { type ContentField, compareOrderEvents, differingContentFields, isSameEvent } from './event-order';
import { compareInstants, type Instant, parseRfc3339Instant } from './instant';
import type { Order, TimedOrder } from './order';
import { validateOrder } from './validate-order';

/**
 * What saving an order event did, under the total order of `compareOrderEvents`:
 * - `created`   no order with that id was stored; this one now is
 * - `updated`   this event comes after the stored one (a later instant, or it won a tie); it replaced it
 * - `duplicate` the same event again: same instant, same content (the timestamp may be spelled in
 *               another zone; the stored spelling is then the one the tie-break picks)
 * - `conflict`  same instant as the stored event but different content, and the stored one won the
 *               tie: nothing written. Retrying cannot change that, so it is acknowledged, and reported.
 * - `stale`     the stored order has a later instant; nothing changed (an event that arrived late)
 */
export type SaveOutcome = 'created' | 'updated' | 'duplicate' | 'conflict' | 'stale';

export const SAVE_OUTCOMES: readonly SaveOutcome[] = ['created', 'updated', 'duplicate', 'conflict', 'stale'];

export interface SaveResult {
  readonly outcome: SaveOutcome;
  /**
   * Set when a tie between two different contents at one instant was decided (a `conflict`, or an
   * `updated` that won the tie): the names of the content fields that differ, never their values.
   */
  readonly differingFields?: readonly ContentField[];
}

/**
 * What a store holds for an order id, as far as the ordering rule cares:
 * - `current`: written under the rule, with its instant;
 * - `legacy`: written before the rule existed (no stored instant: the original write-up's handler
 *   put the raw order). Its own timestamp orders it when it names an instant; `order` is set when
 *   the item is a valid order, so an identical event can be recognised as a duplicate.
 */
export type StoredOrderState =
  | { readonly kind: 'current'; readonly event: TimedOrder }
  | { readonly kind: 'legacy'; readonly instant: Instant | undefined; readonly order: Order | undefined };

/**
 * How a pre-rule item is ordered, from its raw fields (whatever types that writer stored): by the
 * instant its `timestamp` names, if it names one; and it counts as an order only if it passes the
 * same validation as an incoming event. Every adapter derives legacy items through this.
 */
export function legacyOrderState(fields: Readonly<Record<string, unknown>>): StoredOrderState {
  const validated = validateOrder(fields);
  if (validated.ok) return { kind: 'legacy', instant: validated.value.instant, order: validated.value.order };
  const timestamp = fields['timestamp'];
  const parsed = typeof timestamp === 'string' ? parseRfc3339Instant(timestamp) : undefined;
  return { kind: 'legacy', instant: parsed?.ok ? parsed.instant : undefined, order: undefined };
}

export interface SaveDecision {
  /** Whether the incoming event replaces what is stored. */
  readonly write: boolean;
  readonly result: SaveResult;
}

const tie = (outcome: 'updated' | 'conflict', stored: Order, incoming: Order): SaveResult => ({
  outcome,
  differingFields: differingContentFields(stored, incoming),
});

/**
 * The ordering rule as one pure decision, shared by every repository: given what is stored and an
 * incoming event, whether to write and what to report. A store that decides on the server (DynamoDB's
 * conditional put) must agree with it; the repository contract and a property test check that.
 */
export function decideSave(stored: StoredOrderState | undefined, incoming: TimedOrder): SaveDecision {
  if (stored === undefined) return { write: true, result: { outcome: 'created' } };
  if (stored.kind === 'legacy') return decideAgainstLegacy(stored, incoming);

  const comparison = compareOrderEvents(incoming, stored.event);
  const sameInstant = compareInstants(incoming.instant, stored.event.instant) === 0;
  if (comparison === 0) return { write: false, result: { outcome: 'duplicate' } };
  if (comparison > 0) {
    if (!sameInstant) return { write: true, result: { outcome: 'updated' } };
    // Same instant: the same event in the spelling the tie-break prefers (a duplicate that converges
    // the stored text), or different content that wins the tie.
    return isSameEvent(incoming, stored.event)
      ? { write: true, result: { outcome: 'duplicate' } }
      : { write: true, result: tie('updated', stored.event.order, incoming.order) };
  }
  if (!sameInstant) return { write: false, result: { outcome: 'stale' } };
  return isSameEvent(incoming, stored.event)
    ? { write: false, result: { outcome: 'duplicate' } }
    : { write: false, result: tie('conflict', stored.event.order, incoming.order) };
}

/**
 * A legacy item is ordered by its timestamp's instant and loses every tie (it carries no rule-made
 * guarantee about its content); one whose timestamp names no instant is older than any event. The
 * first event at or after it brings the item under the rule, with its instant.
 */
function decideAgainstLegacy(
  stored: Extract<StoredOrderState, { kind: 'legacy' }>,
  incoming: TimedOrder,
): SaveDecision {
  if (stored.instant === undefined) return { write: true, result: { outcome: 'updated' } };
  const byInstant = compareInstants(incoming.instant, stored.instant);
  if (byInstant < 0) return { write: false, result: { outcome: 'stale' } };
  if (byInstant > 0) return { write: true, result: { outcome: 'updated' } };
  if (stored.order === undefined) return { write: true, result: { outcome: 'updated' } };
  const legacyEvent = { order: stored.order, instant: stored.instant };
  return isSameEvent(incoming, legacyEvent)
    ? { write: true, result: { outcome: 'duplicate' } }
    : { write: true, result: tie('updated', stored.order, incoming.order) };
}
