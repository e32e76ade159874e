import { publishedAs, producerBody } from '../planned-message';
import type { DeadLetterRecord, PublishedMessage } from '../soak-invariants';
import type { IdentifiedMessages, ObservedMessages } from '../soak-target';
import type { PlannedMessage } from '../soak-workload';

/** A delivery as the soak's queue wrapper saw it. */
export interface SeenDelivery {
  readonly messageId: string;
  readonly body: string;
  readonly receiveCount: number;
}

/**
 * Works out which published message each SQS message on a real queue is. In memory the soak
 * reads the queue without receiving; on SQS it cannot (every read is a receive and counts
 * toward maxReceiveCount), and SNS mints the SQS message id on delivery, so the published
 * message behind an id is learned when it is first received, from its body:
 * - the first receive of an id claims a not-yet-claimed planned message with the same producer
 *   body (inside the SNS envelope, unless raw delivery). Copies of an event share a body and
 *   mean the same to every invariant (same order, same instant), so which copy claims which
 *   plan does not matter;
 * - a redrive sends a copy of each dead letter with a NEW id (SQS's move task does too), so
 *   after `expectRedriveOf`, a new id first claims a dead letter with the same SQS body and is
 *   an alias of it;
 * - a planned message never received keeps a placeholder id (`never-delivered-N`): lost;
 * - an id whose body matches no plan left (SNS delivering twice, or a stranger) is an extra
 *   delivery and must be accounted for like any other message.
 */
export class MessageIdentities {
  /** Producer body → planned indexes not yet claimed, oldest first. */
  private readonly unclaimed = new Map<string, number[]>();
  /** Producer body → the first planned index with it (what an extra copy stands for). */
  private readonly firstWithBody = new Map<string, number>();
  private readonly claimedBy: (string | undefined)[];
  private readonly extras: PublishedMessage[] = [];
  /** New id → the id the message was published (and dead-lettered) under. */
  private readonly aliases = new Map<string, string>();
  /** SQS body → dead letters whose redriven copy has not been seen yet. */
  private readonly awaitingCopy = new Map<string, string[]>();
  private readonly bodies = new Map<string, string>();
  /** Highest ApproximateReceiveCount each id was delivered with. */
  private readonly receiveCounts = new Map<string, number>();

  constructor(
    private readonly planned: readonly PlannedMessage[],
    /** The producer's body inside an SQS body (the SNS envelope's Message, or the body itself). */
    private readonly unwrap: (sqsBody: string) => string,
  ) {
    // Filled, not sparse: array methods skip the holes of a sparse array.
    this.claimedBy = new Array<string | undefined>(planned.length).fill(undefined);
    planned.forEach((message, index) => {
      const body = producerBody(message);
      const queue = this.unclaimed.get(body);
      if (queue === undefined) this.unclaimed.set(body, [index]);
      else queue.push(index);
      if (!this.firstWithBody.has(body)) this.firstWithBody.set(body, index);
    });
  }

  seen(delivery: SeenDelivery): void {
    const { messageId, body, receiveCount } = delivery;
    if ((this.receiveCounts.get(messageId) ?? 0) < receiveCount) this.receiveCounts.set(messageId, receiveCount);
    if (this.bodies.has(messageId)) return;
    this.bodies.set(messageId, body);

    const original = this.awaitingCopy.get(body)?.shift();
    if (original !== undefined) {
      this.aliases.set(messageId, original);
      return;
    }
    const key = this.unwrap(body);
    const index = this.unclaimed.get(key)?.shift();
    if (index !== undefined) {
      this.claimedBy[index] = messageId;
      return;
    }
    const copyOf = this.firstWithBody.get(key);
    // A body no plan has can only be a stranger; as "poison" it must end in OrderDLQ, not in the store.
    this.extras.push(
      copyOf === undefined
        ? { messageId, kind: 'poison' }
        : publishedAs(messageId, this.planned[copyOf] as PlannedMessage),
    );
  }

  /** Announces a redrive of these dead letters: their copies come back under new ids, with the same bodies. */
  expectRedriveOf(deadLetterIds: readonly string[]): void {
    for (const id of deadLetterIds) {
      const body = this.bodies.get(this.canonical(id));
      if (body === undefined) continue; // never delivered by us: its copy will show up as an extra
      const waiting = this.awaitingCopy.get(body);
      if (waiting === undefined) this.awaitingCopy.set(body, [this.canonical(id)]);
      else waiting.push(this.canonical(id));
    }
  }

  /** The id a message was published under, for any id it had since. */
  canonical(messageId: string): string {
    return this.aliases.get(messageId) ?? messageId;
  }

  /** The highest receive count a delivery of this message (under this very id) carried. */
  highestReceiveCount(messageId: string): number | undefined {
    return this.receiveCounts.get(messageId);
  }

  /** How many messages were planned. */
  get expectedMessages(): number {
    return this.planned.length;
  }

  get extraDeliveries(): number {
    return this.extras.length;
  }

  get neverDelivered(): number {
    return this.claimedBy.filter((id) => id === undefined).length;
  }

  identify(observed: ObservedMessages): IdentifiedMessages {
    const ids = (set: ReadonlySet<string>): Set<string> => new Set([...set].map((id) => this.canonical(id)));
    const records = (list: readonly DeadLetterRecord[]): DeadLetterRecord[] =>
      list.map((d) => ({ ...d, messageId: this.canonical(d.messageId) }));
    return {
      published: [
        ...this.planned.map((message, index) =>
          publishedAs(this.claimedBy[index] ?? `never-delivered-${index}`, message),
        ),
        ...this.extras,
      ],
      acknowledged: ids(observed.acknowledged),
      deletedWithoutSuccess: ids(observed.deletedWithoutSuccess),
      deadLettersAfterDrain: records(observed.deadLettersAfterDrain),
      deadLettersAfterRedrive: records(observed.deadLettersAfterRedrive),
    };
  }
}

/**
 * The producer's body inside an SNS notification envelope: its `Message`. A body that is not a
 * notification with a string Message (poison can look like anything) is taken as it is.
 */
export function unwrapSnsEnvelope(sqsBody: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(sqsBody);
  } catch {
    return sqsBody;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return sqsBody;
  const { Type: type, Message: message } = parsed as { Type?: unknown; Message?: unknown };
  return type === 'Notification' && typeof message === 'string' ? message : sqsBody;
}
