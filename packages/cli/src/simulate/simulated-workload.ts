import { type Order, type OutboundOrderMessage, serializeOrder } from '@orders/core';
import { createOrderGenerator, nextEvent, seededRandom } from '@orders/simulation';
import { POISON_KINDS } from '../soak/poison-messages';

/** The traffic `orders simulate` publishes, second by second. */
export interface WorkloadShape {
  /** Orders per second at the start (and throughout, without a ramp). */
  readonly rate: number;
  /** Orders per second at the end of `durationSeconds` (a linear ramp from `rate`); default `rate`. */
  readonly rampTo?: number | undefined;
  /** Seconds of arrivals. */
  readonly durationSeconds: number;
  /** Messages already on the queue at the start: a backlog to drain. */
  readonly backlog: number;
  /** Extra messages published at once at `atSeconds`. */
  readonly burst?: { readonly atSeconds: number; readonly messages: number } | undefined;
  /** Share of messages that are a newer event of one of `hotKeys` orders (a hot partition key). */
  readonly hotKeyShare: number;
  readonly hotKeys: number;
  /** When the hot orders get `hotKeyShare` (seconds from the start; default the whole run): a flash sale. */
  readonly hotKeyWindow?: { readonly startSeconds: number; readonly durationSeconds: number } | undefined;
  /** Share of messages no consumer can turn into an order (they must end in OrderDLQ). */
  readonly poisonRate: number;
  /** Share of messages that repeat a recent event (the producer publishing it again). */
  readonly duplicateRate: number;
}

/** Orders per second at `seconds` into the run (0 after the arrivals end). */
export function rateAt(shape: WorkloadShape, seconds: number): number {
  if (seconds < 0 || seconds >= shape.durationSeconds) return 0;
  const end = shape.rampTo ?? shape.rate;
  return shape.rate + ((end - shape.rate) * seconds) / shape.durationSeconds;
}

/** Messages the shape publishes in all (the steady part rounded as the simulator rounds it). */
export function plannedMessages(shape: WorkloadShape): number {
  const end = shape.rampTo ?? shape.rate;
  return Math.round(((shape.rate + end) / 2) * shape.durationSeconds) + shape.backlog + (shape.burst?.messages ?? 0);
}

export type WorkloadMessage = OutboundOrderMessage & { readonly poison: boolean };

/** How many recent valid events a duplicate may copy. */
const RECENT = 64;

/**
 * A stream of messages, deterministic for its seed: mostly new orders, some newer events of a few hot
 * orders, duplicates of recent events, and poison of every kind the soak knows. It remembers, per
 * order, the timestamp of the greatest event it published — what the table must hold at the end.
 */
export class SimulatedWorkload {
  private readonly random: () => number;
  private readonly generator: ReturnType<typeof createOrderGenerator>;
  private readonly hot: Order[] = [];
  private readonly recent: WorkloadMessage[] = [];
  private poisonCounter = 0;
  private lastOrder: Order | undefined;
  /** orderId → the timestamp of its greatest published event. */
  readonly expected = new Map<string, string>();
  published = { valid: 0, poison: 0, duplicates: 0, hot: 0 };

  constructor(
    private readonly shape: WorkloadShape,
    seed: number,
  ) {
    this.random = seededRandom(seed);
    this.generator = createOrderGenerator(seed);
  }

  /** The message published `atSeconds` into the run (the hot orders' share applies inside their window only). */
  next(atSeconds = 0): WorkloadMessage {
    const draw = this.random();
    const { poisonRate, duplicateRate, hotKeyWindow } = this.shape;
    const hot =
      hotKeyWindow === undefined ||
      (atSeconds >= hotKeyWindow.startSeconds && atSeconds < hotKeyWindow.startSeconds + hotKeyWindow.durationSeconds);
    const hotKeyShare = hot ? this.shape.hotKeyShare : 0;
    if (draw < poisonRate) return this.poison();
    if (draw < poisonRate + duplicateRate && this.recent.length > 0) {
      this.published.duplicates++;
      this.published.valid++;
      return this.recent[Math.floor(this.random() * this.recent.length)] as WorkloadMessage;
    }
    if (draw < poisonRate + duplicateRate + hotKeyShare && this.shape.hotKeys > 0) {
      const slot = Math.floor(this.random() * this.shape.hotKeys);
      const previous = this.hot[slot];
      // Each hot event is a second or more after the last one of its order: always the newest.
      const order =
        previous === undefined ? this.generator.next() : nextEvent(previous, 1 + Math.floor(this.random() * 60));
      this.hot[slot] = order;
      this.published.hot++;
      return this.valid(order);
    }
    return this.valid(this.generator.next());
  }

  private valid(order: Order): WorkloadMessage {
    this.lastOrder = order;
    this.expected.set(order.orderId, order.timestamp);
    this.published.valid++;
    const message: WorkloadMessage = {
      body: serializeOrder(order),
      orderId: order.orderId,
      status: order.status,
      poison: false,
    };
    if (this.recent.length < RECENT) this.recent.push(message);
    else this.recent[Math.floor(this.random() * RECENT)] = message;
    return message;
  }

  private poison(): WorkloadMessage {
    const victim = this.lastOrder ?? this.generator.next();
    const kind = POISON_KINDS[Math.floor(this.random() * POISON_KINDS.length)] as (typeof POISON_KINDS)[number];
    this.published.poison++;
    return { body: kind.body({ n: ++this.poisonCounter, victim }), poison: true };
  }
}
