import type { DlqTools, SqsMessageQueue } from '@orders/adapters-aws';
import type { DeadLetterRecord } from '../soak-invariants';
import type { MessageIdentities } from './message-identities';

const REDRIVE_TASK_TIMEOUT_MS = 120_000;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * OrderDLQ on SQS, for the soak: what it holds (with the receive count each message moved
 * with), and the operator's redrive.
 */
export class SoakDeadLetters {
  private lastListed: readonly string[] = [];
  private checked = 0;
  private readonly mismatches: string[] = [];
  private strategy: string | undefined;

  constructor(
    private readonly tools: DlqTools,
    private readonly queue: SqsMessageQueue,
    private readonly identities: () => MessageIdentities,
    private readonly notice: (message: string) => void,
  ) {}

  /**
   * Lists OrderDLQ. Call it once per drain: SQS has no peek, so each listing adds one to every
   * message's receive count, and DlqTools subtracts only its own receive. What is left is the
   * ApproximateReceiveCount the message carried when it moved (SQS keeps it across the move, and
   * the message id too). The count is cross-checked against the highest one the event source
   * mapping was handed for that id.
   */
  async list(): Promise<DeadLetterRecord[]> {
    const identities = this.identities();
    const listing = await this.tools.list({ maxMessages: identities.expectedMessages + 1_000, waitTimeSeconds: 1 });
    if (listing.truncated) this.notice('OrderDLQ holds more messages than the listing read; its counts are incomplete');
    if (listing.visibilityResetFailures > 0)
      this.notice(
        `${listing.visibilityResetFailures} listed dead letters stay hidden until their visibility timeout ends`,
      );
    const records = listing.messages.map(
      (m): DeadLetterRecord => ({ messageId: m.messageId, receiveCount: m.receiveCount }),
    );
    for (const record of records) {
      this.checked++;
      const delivered = identities.highestReceiveCount(record.messageId);
      if (delivered !== record.receiveCount)
        this.mismatches.push(
          `${record.messageId}: OrderDLQ says ${record.receiveCount}, deliveries said ${delivered ?? 'none'}`,
        );
    }
    this.lastListed = records.map((r) => r.messageId);
    return records;
  }

  /** Redrives what the last listing showed back to OrderQueue; returns how many moved. */
  async redrive(): Promise<number> {
    this.identities().expectRedriveOf(this.lastListed);
    // On moto StartMessageMoveTask answers 500 and DlqTools falls back to receive → send → delete.
    const result = await this.tools.redrive();
    this.strategy = result.strategy;
    if (result.strategy === 'manual') {
      for (const failure of result.failures)
        this.notice(`redrive: ${failure.messageId} ${failure.stage} (${failure.code}: ${failure.message})`);
      if (result.stoppedBy !== undefined) this.notice(`redrive stopped early: ${result.stoppedBy}`);
      return result.moved;
    }
    // SQS's move task runs on its own: wait until OrderDLQ is empty.
    const deadline = Date.now() + REDRIVE_TASK_TIMEOUT_MS;
    for (;;) {
      const depth = await this.queue.depth();
      const left = depth.visible + depth.inFlight;
      if (left === 0) return this.lastListed.length;
      if (Date.now() > deadline) {
        this.notice(`the DLQ redrive task left ${left} messages after ${REDRIVE_TASK_TIMEOUT_MS} ms`);
        return this.lastListed.length - left;
      }
      await sleep(1_000);
    }
  }

  describe(): Readonly<Record<string, unknown>> {
    return {
      redrive_strategy: this.strategy ?? null,
      receive_counts: {
        source: 'OrderDLQ ApproximateReceiveCount (DlqTools.list, net of its own receive)',
        checked: this.checked,
        mismatches_with_deliveries: this.mismatches.length,
        ...(this.mismatches.length === 0 ? {} : { examples: this.mismatches.slice(0, 3) }),
      },
    };
  }
}
