import type { MessageQueue, Order, OrderRepository } from '@orders/core';
import type { DeadLetterRecord, PublishedMessage } from './soak-invariants';
import type { SoakOptions } from './soak-options';
import type { PlannedMessage } from './soak-workload';

export type SoakTargetKind = 'memory' | 'aws';

/** How many messages sit where, as far as the target can tell cheaply. */
export interface SoakQueueCounts {
  /** On OrderQueue: visible or in flight. */
  readonly onQueue: number;
  readonly inDeadLetterQueue: number;
}

/** What the delivery ledger and the DLQ listings saw, under the ids messages had when they were seen. */
export interface ObservedMessages {
  readonly acknowledged: ReadonlySet<string>;
  readonly deletedWithoutSuccess: ReadonlySet<string>;
  readonly deadLettersAfterDrain: readonly DeadLetterRecord[];
  readonly deadLettersAfterRedrive: readonly DeadLetterRecord[];
}

/** The same, under the ids the messages were published with, plus every published message. */
export interface IdentifiedMessages extends ObservedMessages {
  readonly published: readonly PublishedMessage[];
}

/**
 * The system a soak runs against: OrderTopic → OrderQueue (→ OrderDLQ) and the Orders store. The
 * soak itself (workload, handler, fault injection, ledger, invariants) is the same for every
 * target; a target only publishes, exposes the queue to the event source mapping, redrives, and
 * reads the end state.
 */
export interface SoakTarget {
  readonly kind: SoakTargetKind;
  /**
   * Whether the same seed gives the same summary. Only a simulated clock with one thread of
   * delivery can promise it; on a real queue delivery order and timing vary from run to run.
   */
  readonly deterministic: boolean;
  /** The environment the real composition root reads (`readEntryConfig`), as the deployed function would get it. */
  readonly entryEnvironment: Readonly<Record<string, string>>;
  /** The store the handler writes to; the soak wraps it in fault injection. */
  readonly store: OrderRepository;
  /** OrderQueue, as the event source mapping polls it. */
  readonly queue: MessageQueue;
  readonly queueArn: string;
  /** The clock the run lives on (the simulator's manual clock, or real time), in ms. */
  readonly now: () => number;
  /** Long-poll wait of each receive. */
  readonly waitTimeSeconds: number;
  /** Called when a receive returned nothing: true to poll again, false when OrderQueue is drained. */
  readonly onIdle: () => boolean | Promise<boolean>;
  /** Publishes the planned messages, in order, the way the producer (or SNS) would send them. */
  publish(messages: readonly PlannedMessage[]): Promise<void>;
  counts(): SoakQueueCounts | Promise<SoakQueueCounts>;
  /** What OrderDLQ holds now, each with the receive count it had when it moved there. Call once per drain. */
  deadLetters(): Promise<readonly DeadLetterRecord[]>;
  /** Moves everything in OrderDLQ back to OrderQueue; returns how many messages moved. */
  redrive(): Promise<number>;
  /** The store's end state: at least every expected order that exists, and any order nobody published. */
  storedOrders(expected: ReadonlyMap<string, Order>): Promise<ReadonlyMap<string, Order>>;
  /** Maps what was observed onto the published messages (called once, after the last drain). */
  identify(observed: ObservedMessages): IdentifiedMessages;
  /** Target-specific detail for the summary (resources, emulator notes); none for the in-memory target. */
  describe(): Readonly<Record<string, unknown>> | undefined;
  /** Releases what the target holds (e.g. deletes the resources it created). */
  close(): Promise<void>;
}

export type SoakTargetFactory = (options: SoakOptions) => Promise<SoakTarget>;
